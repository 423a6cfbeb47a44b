package sessions

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Kind is what a ledger entry does.
type Kind string

// Ledger entry kinds.
const (
	Accrual Kind = "accrual" // the yearly or initial entitlement
	TopUp   Kind = "top-up"  // an extra credit, with funder and reason
	Reserve Kind = "reserve" // funds held for a planned step (Ref names it)
	Spend   Kind = "spend"   // funds used; with Ref, out of that reservation
	Release Kind = "release" // a reservation given back (Ref names it)
	Expire  Kind = "expire"  // entitlement lapsed
	Correct Kind = "correct" // reverses the entry named by Corrects
)

// Kinds lists every kind, in display order.
var Kinds = []Kind{Accrual, TopUp, Reserve, Spend, Release, Expire, Correct}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Ledger rule errors; check with errors.Is.
var (
	ErrInsufficient = errors.New("insufficient balance")
	ErrBadEntry     = errors.New("invalid ledger entry")
)

// Entry is one line of a learning account's append-only ledger. Amount is
// always positive, in the scheme's minor units; the kind gives the
// direction. DBalance/DReserved and the running totals are filled by
// Prepare and stored with the entry.
type Entry struct {
	ID       string `json:"id"`
	PersonID string `json:"person_id"`
	Scheme   string `json:"scheme"`
	Seq      int64  `json:"seq"`
	Kind     Kind   `json:"kind"`
	Amount   int64  `json:"amount_minor"`
	// Key is the idempotency key: posting the same key twice records one entry.
	Key string `json:"key"`
	// Ref names what a reservation is for (e.g. "plan-step:ID"); release and
	// spend with the same Ref draw on that reservation.
	Ref string `json:"ref,omitempty"`
	// Corrects is the id of the entry a correction reverses.
	Corrects string `json:"corrects,omitempty"`
	Funder   string `json:"funder,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// Effective is the date the entry counts from.
	Effective     time.Time `json:"effective"`
	DBalance      int64     `json:"d_balance"`
	DReserved     int64     `json:"d_reserved"`
	BalanceAfter  int64     `json:"balance_after"`
	ReservedAfter int64     `json:"reserved_after"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by"`
	// Replayed is set (never stored) when a post found its key already used
	// and returned the original entry.
	Replayed bool `json:"replayed,omitempty"`
}

// Totals are an account's running totals after its last entry.
type Totals struct {
	Seq      int64
	Balance  int64
	Reserved int64
}

// Available is what can still be reserved or spent.
func (t Totals) Available() int64 { return t.Balance - t.Reserved }

// Context is what Prepare needs to know beyond the totals: the entry a
// correction reverses and whether it was corrected already, and what is
// still reserved under the entry's Ref.
type Context struct {
	Corrected        *Entry
	AlreadyCorrected bool
	// Outstanding is what is still reserved under e.Ref (reserves minus
	// releases and spends with that Ref, corrections included).
	Outstanding int64
	// RefKnown says that the account holds an entry under e.Ref, so that a
	// release or spend against a reservation that never existed is told
	// apart from one that is used up.
	RefKnown bool
}

// Effect is what kind k of amount a does to (balance, reserved). A spend
// with a Ref draws on that reservation.
func Effect(k Kind, a int64, hasRef bool) (dBalance, dReserved int64) {
	switch k {
	case Accrual, TopUp:
		return a, 0
	case Reserve:
		return 0, a
	case Release:
		return 0, -a
	case Spend:
		if hasRef {
			return -a, -a
		}
		return -a, 0
	case Expire:
		return -a, 0
	}
	return 0, 0
}

// Prepare checks e against the account's totals and the rules (no scheme
// below zero, releases and spends within their reservation, one correction
// per entry) and returns it with its
// sequence number, deltas and running totals filled. It changes nothing.
func Prepare(t Totals, e Entry, c Context) (Entry, error) {
	if !e.Kind.Valid() {
		return e, fmt.Errorf("%w: kind %q is not one of accrual, top-up, reserve, spend, release, expire, correct", ErrBadEntry, e.Kind)
	}
	if e.Key == "" {
		return e, fmt.Errorf("%w: an idempotency key is required", ErrBadEntry)
	}
	switch e.Kind {
	case Correct:
		// A correction reverses the deltas of the entry it names; when that
		// entry is itself a correction, reversing it re-posts the original
		// effect. Nothing is edited: the ledger only grows, and each entry
		// is reversed at most once, so a chain of corrections alternates.
		o := c.Corrected
		switch {
		case e.Corrects == "" || o == nil:
			return e, fmt.Errorf("%w: a correction names the entry it reverses", ErrBadEntry)
		case c.AlreadyCorrected:
			return e, fmt.Errorf("%w: entry %s is already corrected", ErrBadEntry, o.ID)
		case o.Scheme != e.Scheme || o.PersonID != e.PersonID:
			return e, fmt.Errorf("%w: entry %s is in another account", ErrBadEntry, o.ID)
		}
		e.Amount = o.Amount
		e.Ref = o.Ref
		e.DBalance, e.DReserved = -o.DBalance, -o.DReserved
		if o.Ref != "" && o.DReserved > 0 && c.Outstanding < o.DReserved {
			return e, &InsufficientError{Scheme: e.Scheme, Kind: e.Kind, Asked: o.Amount, Balance: t.Balance, Reserved: t.Reserved,
				Available: t.Available(), Ref: o.Ref, Outstanding: c.Outstanding}
		}
	default:
		if e.Corrects != "" {
			return e, fmt.Errorf("%w: only a correction names an entry to reverse", ErrBadEntry)
		}
		if e.Amount <= 0 {
			return e, fmt.Errorf("%w: amount must be above zero (the kind gives the direction)", ErrBadEntry)
		}
		if (e.Kind == Reserve || e.Kind == Release) && e.Ref == "" {
			return e, fmt.Errorf("%w: a %s names what it is for (ref)", ErrBadEntry, e.Kind)
		}
		if e.Kind == TopUp && e.Funder == "" {
			return e, fmt.Errorf("%w: a top-up names its funder", ErrBadEntry)
		}
		e.DBalance, e.DReserved = Effect(e.Kind, e.Amount, e.Ref != "")
		if (e.Kind == Release || (e.Kind == Spend && e.Ref != "")) && !c.RefKnown {
			return e, fmt.Errorf("%w: %s names reservation %q, which this %s account does not hold", ErrNoReservation, e.Kind, e.Ref, e.Scheme)
		}
		if (e.Kind == Release || (e.Kind == Spend && e.Ref != "")) && e.Amount > c.Outstanding {
			return e, &InsufficientError{Scheme: e.Scheme, Kind: e.Kind, Asked: e.Amount, Balance: t.Balance, Reserved: t.Reserved,
				Available: t.Available(), Ref: e.Ref, Outstanding: c.Outstanding}
		}
	}
	e.Seq = t.Seq + 1
	e.BalanceAfter = t.Balance + e.DBalance
	e.ReservedAfter = t.Reserved + e.DReserved
	if e.BalanceAfter < 0 || e.ReservedAfter < 0 || e.BalanceAfter-e.ReservedAfter < 0 {
		return e, &InsufficientError{Scheme: e.Scheme, Kind: e.Kind, Asked: e.Amount, Balance: t.Balance, Reserved: t.Reserved, Available: t.Available()}
	}
	return e, nil
}

// Sum derives the totals from entries alone (the check on the stored
// running totals).
func Sum(entries []Entry) Totals {
	var t Totals
	for _, e := range entries {
		t.Seq = max(t.Seq, e.Seq)
		t.Balance += e.DBalance
		t.Reserved += e.DReserved
	}
	return t
}

// Outstanding is what is still reserved under ref in entries.
func Outstanding(entries []Entry, ref string) int64 {
	var n int64
	for _, e := range entries {
		if e.Ref == ref && ref != "" {
			n += e.DReserved
		}
	}
	return n
}

// Balance is one account's derived position.
type Balance struct {
	Scheme    string `json:"scheme"`
	Unit      Unit   `json:"unit"`
	Balance   int64  `json:"balance_minor"`
	Reserved  int64  `json:"reserved_minor"`
	Available int64  `json:"available_minor"`
	// AsOf is when the last entry was recorded: offline balances are
	// indicative as of that moment.
	AsOf time.Time `json:"as_of"`
}

// BalanceOf is the position in scheme among bs; ok is false when bs has
// none for it.
func BalanceOf(bs []Balance, scheme string) (b Balance, ok bool) {
	for _, b := range bs {
		if b.Scheme == scheme {
			return b, true
		}
	}
	return Balance{}, false
}

// MarshalJSON writes a balance without entries with a null as_of.
func (b Balance) MarshalJSON() ([]byte, error) {
	type plain Balance
	return json.Marshal(struct {
		plain
		AsOf *time.Time `json:"as_of"`
	}{plain(b), timeOrNil(b.AsOf)})
}
