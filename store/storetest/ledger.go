package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

func post(t *testing.T, st Engine, e sessions.Entry) sessions.Entry {
	t.Helper()
	got, err := st.PostEntry(context.Background(), e)
	if err != nil {
		t.Fatalf("post %+v: %v", e, err)
	}
	return got
}

// fataler is what both *testing.T and *rapid.T offer.
type fataler interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

func balanceOf(t fataler, st Engine, personID, scheme string) sessions.Balance {
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

func testLedgerPostReplayAndRules(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p := newPerson(t, st, "Ann Peeters")
	if b := balanceOf(t, st, p.ID, "ila"); b.Balance != 0 || !b.AsOf.IsZero() || b.Unit != sessions.UnitEUR {
		t.Fatalf("balance before any entry: %+v", b)
	}
	acc := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100000, Key: "k1"})
	if acc.Seq != 1 || acc.BalanceAfter != 100000 || acc.CreatedBy != "tester" || !acc.CreatedAt.Equal(Clock) || acc.Replayed {
		t.Fatalf("accrual: %+v", acc)
	}
	again := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100000, Key: "k1"})
	if !again.Replayed || again.ID != acc.ID || again.Amount != 100000 {
		t.Fatalf("replay: %+v", again)
	}
	// The same key with other parameters is refused, naming the entry
	// that holds it: a script must not believe its spend was made.
	for _, e := range []sessions.Entry{{Kind: sessions.Accrual, Amount: 999}, {Kind: sessions.Spend, Amount: 100000}} {
		e.PersonID, e.Scheme, e.Key = p.ID, "ila", "k1"
		_, err := st.PostEntry(ctx, e)
		var kr *sessions.KeyReusedError
		if !errors.As(err, &kr) || kr.Original.ID != acc.ID || !errors.Is(err, sessions.ErrBadEntry) {
			t.Fatalf("%s on an accrual's key: got %v, want a KeyReusedError naming %s", e.Kind, err, acc.ID)
		}
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Release, Amount: 1, Key: "k9", Ref: "plan-step:none"}); !errors.Is(err, sessions.ErrNoReservation) {
		t.Fatalf("release of a reservation never made: got %v, want ErrNoReservation", err)
	}
	// The same key in another scheme's account is another entry.
	if other := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "leave", Kind: sessions.Accrual, Amount: 600, Key: "k1"}); other.Replayed {
		t.Fatalf("key of another account replayed: %+v", other)
	}
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Reserve, Amount: 48000, Key: "k2", Ref: "plan-step:1"})
	b := balanceOf(t, st, p.ID, "ila")
	if b.Balance != 100000 || b.Reserved != 48000 || b.Available != 52000 || !b.AsOf.Equal(Clock) {
		t.Fatalf("balance: %+v", b)
	}
	_, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Spend, Amount: 60000, Key: "k3"})
	if !errors.Is(err, store.ErrInsufficient) {
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
	if corr.BalanceAfter != 100000 || corr.ReservedAfter != 48000 || corr.Amount != 48000 || corr.Corrects != spend.ID || corr.Ref != "plan-step:1" {
		t.Fatalf("correction: %+v", corr)
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Correct, Corrects: spend.ID, Key: "k6"}); !errors.Is(err, sessions.ErrBadEntry) {
		t.Fatalf("second correction: got %v", err)
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "nope", Kind: sessions.Accrual, Amount: 1, Key: "k7"}); !errors.Is(err, store.ErrUnknownScheme) {
		t.Fatalf("unknown scheme: got %v", err)
	}
	for _, id := range []string{"no-such-person", missingID} {
		if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: id, Scheme: "ila", Kind: sessions.Accrual, Amount: 1, Key: "k8"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown person %s: got %v", id, err)
		}
	}
	// An entry without a key gets one of its own.
	if e := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: 1, Funder: "VDAB"}); e.Key == "" {
		t.Fatalf("no key made: %+v", e)
	}
	entries, err := st.Entries(ctx, p.ID, "ila")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sessions.Sum(entries), (sessions.Totals{Seq: 5, Balance: 100001, Reserved: 48000}); got != want {
		t.Fatalf("sum of entries %+v, want %+v", got, want)
	}
	all, _ := st.Entries(ctx, p.ID, "")
	if len(all) != 6 || all[0].Scheme != "ila" || all[5].Scheme != "leave" {
		t.Fatalf("every scheme, by scheme then seq: %d entries", len(all))
	}
	if d := cmp.Diff(acc, entries[0]); d != "" {
		t.Errorf("posted and read back (-posted +read):\n%s", d)
	}
	if acs, _ := st.Accounts(ctx, p.ID); len(acs) != 3 || acs[0] != balanceOf(t, st, p.ID, "ila") {
		t.Errorf("accounts: %+v", acs)
	}
}

// testLedgerTriggers checks the database refuses what Go would refuse when
// SQL goes around the store. The SQL means the same on both engines.
func testLedgerTriggers(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p := newPerson(t, st, "Bram Claes")
	e := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "leave", Kind: sessions.Accrual, Amount: 7500, Key: "a"})
	insert := func(id string, seq int, dBalance, balanceAfter int, key string) string {
		return fmt.Sprintf(`INSERT INTO ledger_entries (id, account_id, person_id, seq, kind, amount, d_balance, d_reserved, balance_after, reserved_after, idem_key, effective, created_at, created_by)
			SELECT '%s', account_id, person_id, %d, 'spend', 100, %d, 0, %d, 0, '%s', 'now', 'now', 't' FROM ledger_entries WHERE id = '%s'`,
			id, seq, dBalance, balanceAfter, key, e.ID)
	}
	tests := []struct {
		name string
		sql  string
		want error
	}{
		{"update", `UPDATE ledger_entries SET amount = 1 WHERE id = '` + e.ID + `'`, store.ErrReadOnlyRow},
		{"delete", `DELETE FROM ledger_entries WHERE id = '` + e.ID + `'`, store.ErrReadOnlyRow},
		{"audit update", `UPDATE audit_log SET actor = 'someone else'`, store.ErrReadOnlyRow},
		{"audit delete", `DELETE FROM audit_log`, store.ErrReadOnlyRow},
		{"overdraft row", insert("01900000-0000-7000-8000-0000000000a1", 2, -9000, -1500, "b"), store.ErrInsufficient},
		{"forged totals", insert("01900000-0000-7000-8000-0000000000a2", 2, -100, 9999, "c"), nil},
		{"out of sequence", insert("01900000-0000-7000-8000-0000000000a3", 5, -100, 7400, "d"), nil},
		{"key used again", insert("01900000-0000-7000-8000-0000000000a4", 2, -100, 7400, "a"), store.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.Exec(ctx, tt.sql)
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
	// The same SQL with true totals goes in: the refusals above were the rules'.
	if err := st.Exec(ctx, insert("01900000-0000-7000-8000-0000000000a5", 2, -100, 7400, "e")); err != nil {
		t.Fatalf("a true row around the store: %v", err)
	}
}

// ledgerMachine drives random ledger operations and checks the invariants
// after every step: the balance is the sum of the entries, available never
// goes below zero, a replayed key changes nothing, and no entry is ever
// edited (the ledger only grows).
type ledgerMachine struct {
	ctx    context.Context
	st     Engine
	person string
	seen   map[string][]sessions.Entry
	keys   map[string]sessions.Entry
	last   string
}

var (
	propSchemes = []string{"ila", "leave"}
	propRefs    = []string{"", "step-1", "step-2"}
)

func (m *ledgerMachine) post(t *rapid.T) {
	scheme := rapid.SampledFrom(propSchemes).Draw(t, "scheme")
	kind := rapid.SampledFrom(sessions.Kinds).Draw(t, "kind")
	e := sessions.Entry{PersonID: m.person, Scheme: scheme, Kind: kind,
		Amount: rapid.Int64Range(1, 50_000).Draw(t, "amount"),
		Key:    fmt.Sprintf("k%d", rapid.IntRange(0, 40).Draw(t, "key")),
		Ref:    rapid.SampledFrom(propRefs).Draw(t, "ref")}
	if kind == sessions.TopUp {
		e.Funder = "VDAB"
	}
	if kind == sessions.Correct && len(m.seen[scheme]) > 0 {
		e.Corrects = rapid.SampledFrom(m.seen[scheme]).Draw(t, "corrects").ID
		e.Amount, e.Ref = 0, ""
	}
	m.last = scheme
	before := balanceOf(t, m.st, m.person, scheme)
	got, err := m.st.PostEntry(m.ctx, e)
	prev, used := m.keys[scheme+"/"+e.Key]
	switch {
	case used && errors.Is(err, sessions.ErrKeyReused):
		var kr *sessions.KeyReusedError
		if !errors.As(err, &kr) || kr.Original.ID != prev.ID {
			t.Fatalf("reused key %s: got %v; want it to name entry %s", e.Key, err, prev.ID)
		}
		if after := balanceOf(t, m.st, m.person, scheme); after != before {
			t.Fatalf("refused reuse changed the balance: %+v -> %+v", before, after)
		}
	case used:
		if err != nil || !got.Replayed || got.ID != prev.ID {
			t.Fatalf("replayed key %s: got %+v, %v; want entry %s", e.Key, got, err, prev.ID)
		}
		if after := balanceOf(t, m.st, m.person, scheme); after != before {
			t.Fatalf("replay changed the balance: %+v -> %+v", before, after)
		}
	case err == nil:
		if got.Replayed {
			t.Fatalf("fresh key %s reported as replayed", e.Key)
		}
		m.keys[scheme+"/"+e.Key] = got
	case errors.Is(err, store.ErrInsufficient), errors.Is(err, sessions.ErrBadEntry), errors.Is(err, sessions.ErrNoReservation):
		if after := balanceOf(t, m.st, m.person, scheme); after != before {
			t.Fatalf("refused entry (%v) changed the balance: %+v -> %+v", err, before, after)
		}
	default:
		t.Fatalf("post %+v: %v", e, err)
	}
}

func (m *ledgerMachine) check(t *rapid.T) {
	for _, sc := range propSchemes {
		if m.last != "" && sc != m.last {
			continue
		}
		es, err := m.st.Entries(m.ctx, m.person, sc)
		if err != nil {
			t.Fatal(err)
		}
		old := m.seen[sc]
		if len(es) < len(old) {
			t.Fatalf("%s: ledger shrank from %d to %d entries", sc, len(old), len(es))
		}
		if d := cmp.Diff(old, es[:len(old)], cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("%s: an entry was edited (-before +after):\n%s", sc, d)
		}
		sum := sessions.Sum(es)
		b := balanceOf(t, m.st, m.person, sc)
		if b.Balance != sum.Balance || b.Reserved != sum.Reserved {
			t.Fatalf("%s: balance %+v is not the sum of entries %+v", sc, b, sum)
		}
		if b.Available < 0 || b.Reserved < 0 || b.Available != b.Balance-b.Reserved {
			t.Fatalf("%s: available %d (balance %d, reserved %d)", sc, b.Available, b.Balance, b.Reserved)
		}
		corrected := map[string]bool{}
		for i, e := range es {
			if e.Seq != int64(i+1) {
				t.Fatalf("%s: entry %d has seq %d", sc, i, e.Seq)
			}
			if e.Kind == sessions.Correct {
				if corrected[e.Corrects] {
					t.Fatalf("%s: entry %s corrected twice", sc, e.Corrects)
				}
				corrected[e.Corrects] = true
			}
		}
		for _, ref := range propRefs[1:] {
			if n := sessions.Outstanding(es, ref); n < 0 {
				t.Fatalf("%s: reservation %s is %d", sc, ref, n)
			}
		}
		m.seen[sc] = es
	}
}

func testLedgerProperties(t *testing.T, open func(t *testing.T) Target) {
	st := open(t)
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		p, err := st.CreatePerson(ctx, sessions.Person{Name: "Prop Erty"})
		if err != nil {
			t.Fatal(err)
		}
		m := &ledgerMachine{ctx: ctx, st: st, person: p.ID, seen: map[string][]sessions.Entry{}, keys: map[string]sessions.Entry{}}
		if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100_000, Key: "seed"}); err != nil {
			t.Fatal(err)
		}
		t.Repeat(map[string]func(*rapid.T){
			"post": m.post,
			"":     m.check,
		})
	})
}
