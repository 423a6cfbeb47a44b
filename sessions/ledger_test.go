package sessions

import (
	"errors"
	"strings"
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
		{"spend from reservation", Entry{Kind: Spend, Amount: 300, Ref: "s1"}, Context{Outstanding: 300, RefKnown: true}, nil, 700, 0},
		{"spend from a reservation never made", Entry{Kind: Spend, Amount: 300, Ref: "s9"}, Context{}, ErrNoReservation, 0, 0},
		{"release a reservation never made", Entry{Kind: Release, Amount: 1, Ref: "s9"}, Context{}, ErrNoReservation, 0, 0},
		{"release a used-up reservation", Entry{Kind: Release, Amount: 1, Ref: "s1"}, Context{RefKnown: true}, ErrInsufficient, 0, 0},
		{"release more than reserved", Entry{Kind: Release, Amount: 301, Ref: "s1"}, Context{Outstanding: 300, RefKnown: true}, ErrInsufficient, 0, 0},
		{"release", Entry{Kind: Release, Amount: 300, Ref: "s1"}, Context{Outstanding: 300, RefKnown: true}, nil, 1000, 0},
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

func TestReplay(t *testing.T) {
	orig := Entry{ID: "e1", Scheme: "ila", Seq: 4, Kind: Accrual, Amount: 50000, Key: "k", Funder: ""}
	tests := []struct {
		name    string
		e       Entry
		differs []string
	}{
		{"same request", Entry{Kind: Accrual, Amount: 50000, Key: "k", Reason: "worded again"}, nil},
		{"spend on an accrual's key", Entry{Kind: Spend, Amount: 50000, Key: "k"}, []string{"kind"}},
		{"other amount", Entry{Kind: Accrual, Amount: 1, Key: "k"}, []string{"amount"}},
		{"reserve on it", Entry{Kind: Reserve, Amount: 10, Key: "k", Ref: "s1"}, []string{"kind", "amount", "ref"}},
		{"other funder", Entry{Kind: Accrual, Amount: 50000, Key: "k", Funder: "VDAB"}, []string{"funder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Replay(orig, tt.e)
			if tt.differs == nil {
				if err != nil || !got.Replayed || got.ID != "e1" {
					t.Fatalf("got %+v, %v; want the original replayed", got, err)
				}
				return
			}
			var kr *KeyReusedError
			if !errors.As(err, &kr) || !errors.Is(err, ErrBadEntry) || !errors.Is(err, ErrKeyReused) || kr.Original.ID != "e1" {
				t.Fatalf("got %v", err)
			}
			if strings.Join(kr.Differs, ",") != strings.Join(tt.differs, ",") || !strings.Contains(err.Error(), "entry e1") {
				t.Errorf("differs %v (%v), want %v", kr.Differs, err, tt.differs)
			}
		})
	}
}
