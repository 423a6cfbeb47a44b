package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/koers-project/koers/sessions"
)

// BenchmarkPostEntry is one ledger post: an immediate transaction with the
// Go and SQL checks, fsync'd (synchronous=FULL).
func BenchmarkPostEntry(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100, Key: fmt.Sprint(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBalances reads one person's balances among 2,000 people with
// 20 entries each: the last entry per account, found by index.
func BenchmarkBalances(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	st.DB().SetMaxOpenConns(1)
	if _, err := st.DB().ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
		b.Fatal(err)
	}
	var last string
	for n := range 2000 {
		p, err := st.CreatePerson(ctx, sessions.Person{Name: fmt.Sprintf("Person %d", n)})
		if err != nil {
			b.Fatal(err)
		}
		for k := range 20 {
			if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: []string{"ila", "leave"}[k%2], Kind: sessions.Accrual, Amount: 100, Key: fmt.Sprint(k)}); err != nil {
				b.Fatal(err)
			}
		}
		last = p.ID
	}
	for b.Loop() {
		if _, err := st.Balances(ctx, last); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeopleSearch is the people list's search as you type over 2,000 people.
func BenchmarkPeopleSearch(b *testing.B) {
	st := openBench(b)
	ctx := context.Background()
	st.DB().SetMaxOpenConns(1)
	if _, err := st.DB().ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
		b.Fatal(err)
	}
	for n := range 2000 {
		if _, err := st.CreatePerson(ctx, sessions.Person{Name: fmt.Sprintf("Person %d Peeters", n), Email: fmt.Sprintf("p%d@example.org", n)}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := st.People(ctx, "1999 pee", 200); err != nil {
			b.Fatal(err)
		}
	}
}

func openBench(b *testing.B) *Store {
	b.Helper()
	st, err := Open(context.Background(), b.TempDir()+"/bench.db", Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}
