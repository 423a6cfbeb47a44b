package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// Writers is how many goroutines post to one account at once.
const Writers = 20

// defaultOps is the operations per writer of a normal run: a few hundred in all.
const defaultOps = 15

// testConcurrentWriters has Writers goroutines reserve, spend from their
// reservations and release on one account at once (each on its own
// connection where the engine pools them), with top-ups now and then: on
// average an operation takes about 100 more than it gives back, so the
// account runs dry within a few hundred operations and is topped up again. No error but the business refusal
// (store.ErrInsufficient) may reach a writer; afterwards every
// acknowledged entry is in the ledger exactly once, the balance is the sum
// of the entries, and no entry ever left the account below zero.
func testConcurrentWriters(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p := newPerson(t, st, "Many Writers")
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 20_000, Key: "seed"})
	var deadline time.Time
	if *Stress > 0 {
		deadline = time.Now().Add(*Stress)
	}
	var (
		mu       sync.Mutex
		acked    = map[string]sessions.Entry{} // id → entry
		refused  atomic.Int64
		attempts atomic.Int64
		wg       sync.WaitGroup
		errs     = make(chan error, Writers)
	)
	ack := func(e sessions.Entry) {
		mu.Lock()
		defer mu.Unlock()
		acked[e.ID] = e
	}
	for w := range Writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			type held struct {
				ref    string
				amount int64
			}
			var open []held // this writer's reservations
			for n := 0; ; n++ {
				if deadline.IsZero() && n >= defaultOps || !deadline.IsZero() && time.Now().After(deadline) {
					return
				}
				e := sessions.Entry{PersonID: p.ID, Scheme: "ila", Key: fmt.Sprintf("w%d-%d", w, n)}
				switch r := rng.IntN(10); {
				case r == 0:
					e.Kind, e.Amount, e.Funder = sessions.TopUp, 2_000, "VDAB"
				case r < 5 || len(open) == 0:
					e.Kind, e.Amount, e.Ref = sessions.Reserve, int64(1+rng.IntN(3_000)), fmt.Sprintf("w%d-ref%d", w, n)
				case r < 8:
					e.Kind, e.Ref, e.Amount, open = sessions.Spend, open[0].ref, open[0].amount, open[1:]
				default:
					e.Kind, e.Ref, e.Amount, open = sessions.Release, open[0].ref, open[0].amount, open[1:]
				}
				attempts.Add(1)
				got, err := st.PostEntry(ctx, e)
				switch {
				case errors.Is(err, store.ErrInsufficient):
					refused.Add(1)
					continue
				case err != nil:
					errs <- fmt.Errorf("writer %d, %s: %w", w, e.Kind, err)
					return
				}
				ack(got)
				if e.Kind == sessions.Reserve {
					open = append(open, held{e.Ref, e.Amount})
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	es, err := st.Entries(ctx, p.ID, "ila")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	keys := map[string]bool{}
	var bal, res int64
	for i, e := range es {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d", i, e.Seq)
		}
		if keys[e.Key] {
			t.Errorf("key %s twice", e.Key)
		}
		seen[e.ID], keys[e.Key] = true, true
		bal, res = bal+e.DBalance, res+e.DReserved
		if bal != e.BalanceAfter || res != e.ReservedAfter || bal-res < 0 || res < 0 {
			t.Fatalf("entry %d: totals %d/%d, stored %d/%d", e.Seq, bal, res, e.BalanceAfter, e.ReservedAfter)
		}
	}
	for id, e := range acked {
		if !seen[id] {
			t.Errorf("acknowledged entry %s (%s %d) is missing", id, e.Kind, e.Amount)
		}
	}
	if len(es) != len(acked)+1 {
		t.Errorf("%d entries, want %d acknowledged + the seed", len(es), len(acked))
	}
	b := balanceOf(t, st, p.ID, "ila")
	if b.Balance != bal || b.Reserved != res || b.Available < 0 {
		t.Errorf("balance %+v, sum of entries %d/%d", b, bal, res)
	}
	t.Logf("%d writers: %d posts, %d acknowledged, %d refused (insufficient)", Writers, attempts.Load(), len(acked), refused.Load())
	if refused.Load() == 0 {
		t.Error("the account never ran dry: the refusal path was not exercised")
	}
}
