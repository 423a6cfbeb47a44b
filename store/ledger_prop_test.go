package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"

	"github.com/koers-project/koers/sessions"
)

// ledgerMachine drives random ledger operations at a real store and checks
// the invariants after every step: the balance is the sum of the entries,
// available never goes below zero, a replayed key changes nothing, and no
// entry is ever edited (the ledger only grows).
type ledgerMachine struct {
	ctx    context.Context
	st     *Store
	person string
	// seen is every entry read back after the last step, per scheme.
	seen map[string][]sessions.Entry
	// keys maps an idempotency key used (scheme/key) to the entry it made.
	keys map[string]sessions.Entry
	// last is the scheme the last action touched ("" checks every scheme).
	last string
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
	before := m.balance(t, scheme)
	got, err := m.st.PostEntry(m.ctx, e)
	prev, used := m.keys[scheme+"/"+e.Key]
	switch {
	case used && errors.Is(err, sessions.ErrKeyReused):
		var kr *sessions.KeyReusedError
		if !errors.As(err, &kr) || kr.Original.ID != prev.ID {
			t.Fatalf("reused key %s: got %v; want it to name entry %s", e.Key, err, prev.ID)
		}
		if after := m.balance(t, scheme); after != before {
			t.Fatalf("refused reuse changed the balance: %+v -> %+v", before, after)
		}
	case used:
		if err != nil || !got.Replayed || got.ID != prev.ID {
			t.Fatalf("replayed key %s: got %+v, %v; want entry %s", e.Key, got, err, prev.ID)
		}
		if after := m.balance(t, scheme); after != before {
			t.Fatalf("replay changed the balance: %+v -> %+v", before, after)
		}
	case err == nil:
		if got.Replayed {
			t.Fatalf("fresh key %s reported as replayed", e.Key)
		}
		m.keys[scheme+"/"+e.Key] = got
	case errors.Is(err, ErrInsufficient), errors.Is(err, sessions.ErrBadEntry), errors.Is(err, sessions.ErrNoReservation):
		if after := m.balance(t, scheme); after != before {
			t.Fatalf("refused entry (%v) changed the balance: %+v -> %+v", err, before, after)
		}
	default:
		t.Fatalf("post %+v: %v", e, err)
	}
}

func (m *ledgerMachine) balance(t *rapid.T, scheme string) sessions.Balance {
	bs, err := m.st.Balances(m.ctx, m.person)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Scheme == scheme {
			b.AsOf = b.AsOf.UTC()
			return b
		}
	}
	t.Fatalf("no scheme %s", scheme)
	return sessions.Balance{}
}

// Check runs after every action.
func (m *ledgerMachine) Check(t *rapid.T) {
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
		b := m.balance(t, sc)
		if b.Balance != sum.Balance || b.Reserved != sum.Reserved {
			t.Fatalf("%s: balance %+v is not the sum of entries %+v", sc, b, sum)
		}
		if b.Available < 0 || b.Reserved < 0 || b.Available != b.Balance-b.Reserved {
			t.Fatalf("%s: available %d (balance %d, reserved %d)", sc, b.Available, b.Balance, b.Reserved)
		}
		corrected := map[string]bool{}
		byID := map[string]sessions.Entry{}
		for _, e := range es {
			byID[e.ID] = e
		}
		for i, e := range es {
			// A correction, also of a correction, reverses exactly the
			// deltas of the entry it names (re-posting the original effect
			// when that entry is itself a correction).
			if o, ok := byID[e.Corrects]; e.Kind == sessions.Correct && (!ok || e.DBalance != -o.DBalance || e.DReserved != -o.DReserved) {
				t.Fatalf("%s: correction %+v does not reverse %+v", sc, e, o)
			}
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

func TestLedgerProperties(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	// The property is about the ledger's rules, not durability (the crash
	// test covers that): one connection without fsync keeps it quick.
	st.DB().SetMaxOpenConns(1)
	if _, err := st.DB().ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		p, err := st.CreatePerson(ctx, sessions.Person{Name: "Prop Erty"})
		if err != nil {
			t.Fatal(err)
		}
		m := &ledgerMachine{ctx: ctx, st: st, person: p.ID, seen: map[string][]sessions.Entry{}, keys: map[string]sessions.Entry{}}
		// Start with some funds so reservations and spends get through.
		if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100_000, Key: "seed"}); err != nil {
			t.Fatal(err)
		}
		t.Repeat(map[string]func(*rapid.T){
			"post": m.post,
			"":     m.Check,
		})
	})
}
