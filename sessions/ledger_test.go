package sessions

import (
	"errors"
	"testing"
)

func TestPrepare(t *testing.T) {
	reserve := Entry{ID: "r", PersonID: "p", Scheme: "ila", Kind: Reserve, Amount: 300, Ref: "s1", DReserved: 300}
	accrual := Entry{ID: "a", PersonID: "p", Scheme: "ila", Kind: Accrual, Amount: 1000, DBalance: 1000}
	fix := Entry{ID: "c", PersonID: "p", Scheme: "ila", Kind: Correct, Corrects: "a", Amount: 1000, DBalance: -1000}
	tot := Totals{Seq: 2, Balance: 1000, Reserved: 300}
	tests := []struct {
		name    string
		e       Entry
		c       Context
		wantErr error
		wantBal int64
		wantRes int64
	}{
		{"accrual", Entry{Kind: Accrual, Amount: 500}, Context{}, nil, 1500, 300},
		{"negative accrual", Entry{Kind: Accrual, Amount: -5}, Context{}, ErrBadEntry, 0, 0},
		{"top-up needs funder", Entry{Kind: TopUp, Amount: 5}, Context{}, ErrBadEntry, 0, 0},
		{"spend within available", Entry{Kind: Spend, Amount: 700}, Context{}, nil, 300, 300},
		{"overdraft", Entry{Kind: Spend, Amount: 701}, Context{}, ErrInsufficient, 0, 0},
		{"reserve over available", Entry{Kind: Reserve, Amount: 701, Ref: "s2"}, Context{}, ErrInsufficient, 0, 0},
		{"reserve needs ref", Entry{Kind: Reserve, Amount: 1}, Context{}, ErrBadEntry, 0, 0},
		{"spend from reservation", Entry{Kind: Spend, Amount: 300, Ref: "s1"}, Context{Outstanding: 300}, nil, 700, 0},
		{"release more than reserved", Entry{Kind: Release, Amount: 301, Ref: "s1"}, Context{Outstanding: 300}, ErrInsufficient, 0, 0},
		{"release", Entry{Kind: Release, Amount: 300, Ref: "s1"}, Context{Outstanding: 300}, nil, 1000, 0},
		{"expire", Entry{Kind: Expire, Amount: 700}, Context{}, nil, 300, 300},
		{"correct reservation", Entry{Kind: Correct, Corrects: "r"}, Context{Corrected: &reserve, Outstanding: 300}, nil, 1000, 0},
		{"correct accrual while reserved", Entry{Kind: Correct, Corrects: "a"}, Context{Corrected: &accrual}, ErrInsufficient, 0, 0},
		{"correct twice", Entry{Kind: Correct, Corrects: "r"}, Context{Corrected: &reserve, AlreadyCorrected: true, Outstanding: 300}, ErrBadEntry, 0, 0},
		{"correct a correction re-posts the original", Entry{Kind: Correct, Corrects: "c"}, Context{Corrected: &fix}, nil, 2000, 300},
		{"correct unknown", Entry{Kind: Correct, Corrects: "zz"}, Context{}, ErrBadEntry, 0, 0},
		{"unknown kind", Entry{Kind: "gift", Amount: 1}, Context{}, ErrBadEntry, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.e.PersonID, tt.e.Scheme, tt.e.Key = "p", "ila", "k"
			got, err := Prepare(tot, tt.e, tt.c)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got.Seq != 3 || got.BalanceAfter != tt.wantBal || got.ReservedAfter != tt.wantRes {
				t.Errorf("got seq %d balance %d reserved %d, want 3 %d %d", got.Seq, got.BalanceAfter, got.ReservedAfter, tt.wantBal, tt.wantRes)
			}
		})
	}
}
