package sessions

import (
	"errors"
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// TestCorrectionChain: correcting an entry, then the correction, then that
// correction, … only ever appends; after every link the running totals
// are the sum of the entries, nothing is below zero, and the chain's net
// effect is the original entry's when the number of corrections is even,
// nothing when it is odd.
func TestCorrectionChain(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var es []Entry
		var tot Totals
		post := func(e Entry, c Context) (Entry, error) {
			e.PersonID, e.Scheme = "p", "ila"
			e.ID, e.Key = fmt.Sprintf("e%d", len(es)+1), fmt.Sprintf("k%d", len(es)+1)
			got, err := Prepare(tot, e, c)
			if err != nil {
				return got, err
			}
			es = append(es, got)
			tot = Totals{Seq: got.Seq, Balance: got.BalanceAfter, Reserved: got.ReservedAfter}
			return got, nil
		}
		if _, err := post(Entry{Kind: Accrual, Amount: rapid.Int64Range(1, 100_000).Draw(t, "accrual")}, Context{}); err != nil {
			t.Fatal(err)
		}
		kind := rapid.SampledFrom([]Kind{Accrual, TopUp, Reserve, Spend, Expire}).Draw(t, "kind")
		base := Entry{Kind: kind, Amount: rapid.Int64Range(1, 100_000).Draw(t, "amount"), Funder: "VDAB"}
		if kind == Reserve || (kind == Spend && rapid.Bool().Draw(t, "fromReservation")) {
			base.Ref = "step-1"
		}
		if base.Ref != "" && kind == Spend {
			if _, err := post(Entry{Kind: Reserve, Amount: base.Amount, Ref: base.Ref}, Context{}); err != nil {
				t.Skip("reservation refused") // the accrual was too small: nothing to check
			}
		}
		orig, err := post(base, Context{Outstanding: Outstanding(es, base.Ref)})
		if err != nil {
			t.Skip("base entry refused")
		}
		before := Sum(es[:len(es)-1])
		last := orig
		n := rapid.IntRange(1, 8).Draw(t, "corrections")
		for i := range n {
			prev := last
			got, err := post(Entry{Kind: Correct, Corrects: prev.ID}, Context{Corrected: &prev, Outstanding: Outstanding(es, prev.Ref)})
			if err != nil {
				// Only the no-overdraft rule may refuse a link (the money was
				// used meanwhile); the ledger is then unchanged.
				if !isInsufficient(err) {
					t.Fatalf("correction %d of %s: %v", i+1, prev.ID, err)
				}
				break
			}
			if got.DBalance != -prev.DBalance || got.DReserved != -prev.DReserved || got.Amount != prev.Amount {
				t.Fatalf("correction %+v does not reverse %+v", got, prev)
			}
			last = got
		}
		sum := Sum(es)
		if sum.Balance != tot.Balance || sum.Reserved != tot.Reserved || sum.Seq != int64(len(es)) {
			t.Fatalf("totals %+v are not the sum of the entries %+v", tot, sum)
		}
		if tot.Balance < 0 || tot.Reserved < 0 || tot.Available() < 0 {
			t.Fatalf("below zero: %+v", tot)
		}
		links := 0
		for _, e := range es {
			if e.Kind == Correct {
				links++
			}
		}
		want := before
		if links%2 == 0 {
			want.Balance += orig.DBalance
			want.Reserved += orig.DReserved
		}
		if sum.Balance != want.Balance || sum.Reserved != want.Reserved {
			t.Fatalf("after %d corrections: balance %d reserved %d, want %d %d", links, sum.Balance, sum.Reserved, want.Balance, want.Reserved)
		}
	})
}

func isInsufficient(err error) bool {
	var ie *InsufficientError
	return errors.As(err, &ie)
}
