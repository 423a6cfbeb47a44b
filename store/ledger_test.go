package store

import (
	"context"
	"testing"

	"github.com/koers-project/koers/sessions"
)

func newPerson(t *testing.T, st *Store, name string) sessions.Person {
	t.Helper()
	p, err := st.CreatePerson(context.Background(), sessions.Person{Name: name, Email: "ann@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func post(t *testing.T, st *Store, e sessions.Entry) sessions.Entry {
	t.Helper()
	got, err := st.PostEntry(context.Background(), e)
	if err != nil {
		t.Fatalf("post %+v: %v", e, err)
	}
	return got
}

func balanceOf(t *testing.T, st *Store, personID, scheme string) sessions.Balance {
	t.Helper()
	bs, err := st.Balances(context.Background(), personID)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := sessions.BalanceOf(bs, scheme)
	if !ok {
		t.Fatalf("no scheme %s in %+v", scheme, bs)
	}
	return b
}
