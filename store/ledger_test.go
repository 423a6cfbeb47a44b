package store

import (
	"context"
	"errors"
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
	for _, b := range bs {
		if b.Scheme == scheme {
			return b
		}
	}
	t.Fatalf("no scheme %s in %+v", scheme, bs)
	return sessions.Balance{}
}

func TestLedgerPostReplayAndRules(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	p := newPerson(t, st, "Ann Peeters")
	acc := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100000, Key: "k1"})
	if acc.Seq != 1 || acc.BalanceAfter != 100000 {
		t.Fatalf("accrual: %+v", acc)
	}
	again := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100000, Key: "k1"})
	if !again.Replayed || again.ID != acc.ID || again.Amount != 100000 {
		t.Fatalf("replay: %+v", again)
	}
	// The same key with other parameters is refused, naming the entry
	// that holds it: a script must not believe its spend was made.
	for _, e := range []sessions.Entry{
		{Kind: sessions.Accrual, Amount: 999},
		{Kind: sessions.Spend, Amount: 100000},
		{Kind: sessions.Reserve, Amount: 100000, Ref: "plan-step:9"},
	} {
		e.PersonID, e.Scheme, e.Key = p.ID, "ila", "k1"
		_, err := st.PostEntry(ctx, e)
		var kr *sessions.KeyReusedError
		if !errors.As(err, &kr) || kr.Original.ID != acc.ID || !errors.Is(err, sessions.ErrBadEntry) {
			t.Fatalf("%s on an accrual's key: got %v, want a KeyReusedError naming %s", e.Kind, err, acc.ID)
		}
	}
	_, err0 := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Release, Amount: 1, Key: "k9", Ref: "plan-step:none"})
	if !errors.Is(err0, sessions.ErrNoReservation) {
		t.Fatalf("release of a reservation never made: got %v, want ErrNoReservation", err0)
	}
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Reserve, Amount: 48000, Key: "k2", Ref: "plan-step:1"})
	b := balanceOf(t, st, p.ID, "ila")
	if b.Balance != 100000 || b.Reserved != 48000 || b.Available != 52000 || b.AsOf.IsZero() {
		t.Fatalf("balance: %+v", b)
	}
	_, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Spend, Amount: 60000, Key: "k3"})
	if !errors.Is(err, ErrInsufficient) {
		t.Fatalf("overdraft: got %v, want ErrInsufficient", err)
	}
	if got := balanceOf(t, st, p.ID, "ila"); got != b {
		t.Fatalf("overdraft changed the balance: %+v -> %+v", b, got)
	}
	spend := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Spend, Amount: 48000, Key: "k4", Ref: "plan-step:1"})
	if spend.ReservedAfter != 0 || spend.BalanceAfter != 52000 {
		t.Fatalf("spend from reservation: %+v", spend)
	}
	corr := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Correct, Corrects: spend.ID, Key: "k5"})
	if corr.BalanceAfter != 100000 || corr.ReservedAfter != 48000 || corr.Amount != 48000 {
		t.Fatalf("correction: %+v", corr)
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Correct, Corrects: spend.ID, Key: "k6"}); !errors.Is(err, sessions.ErrBadEntry) {
		t.Fatalf("second correction: got %v", err)
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "nope", Kind: sessions.Accrual, Amount: 1, Key: "k7"}); !errors.Is(err, ErrUnknownScheme) {
		t.Fatalf("unknown scheme: got %v", err)
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: "no-such-person", Scheme: "ila", Kind: sessions.Accrual, Amount: 1, Key: "k8"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown person: got %v", err)
	}
	entries, err := st.Entries(ctx, p.ID, "ila")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sessions.Sum(entries), (sessions.Totals{Seq: 4, Balance: 100000, Reserved: 48000}); got != want {
		t.Fatalf("sum of entries %+v, want %+v", got, want)
	}
}

// TestLedgerTriggers checks the database refuses what Go would refuse, when
// SQL goes around the store.
func TestLedgerTriggers(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	p := newPerson(t, st, "Bram Claes")
	e := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "leave", Kind: sessions.Accrual, Amount: 7500, Key: "a"})
	tests := []struct {
		name string
		sql  string
		want error
	}{
		{"update", `UPDATE ledger_entries SET amount = 1 WHERE id = '` + e.ID + `'`, ErrReadOnlyRow},
		{"delete", `DELETE FROM ledger_entries WHERE id = '` + e.ID + `'`, ErrReadOnlyRow},
		{"audit delete", `DELETE FROM audit_log`, ErrReadOnlyRow},
		{"overdraft row", `INSERT INTO ledger_entries (id, account_id, person_id, seq, kind, amount, d_balance, d_reserved, balance_after, reserved_after, idem_key, effective, created_at, created_by)
			SELECT 'x', account_id, person_id, 2, 'spend', 9000, -9000, 0, -1500, 0, 'b', 'now', 'now', 't' FROM ledger_entries WHERE id = '` + e.ID + `'`, ErrInsufficient},
		{"forged totals", `INSERT INTO ledger_entries (id, account_id, person_id, seq, kind, amount, d_balance, d_reserved, balance_after, reserved_after, idem_key, effective, created_at, created_by)
			SELECT 'y', account_id, person_id, 2, 'spend', 100, -100, 0, 9999, 0, 'c', 'now', 'now', 't' FROM ledger_entries WHERE id = '` + e.ID + `'`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := st.DB().ExecContext(ctx, tt.sql)
			err = mapErr(err)
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if got := balanceOf(t, st, p.ID, "leave"); got.Balance != 7500 {
		t.Fatalf("balance after refused writes: %+v", got)
	}
}
