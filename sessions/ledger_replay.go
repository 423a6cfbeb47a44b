package sessions

import (
	"errors"
	"fmt"
	"strings"
)

// More ledger rule errors (issue 14, item 6); check with errors.Is.
var (
	// ErrKeyReused is a post whose idempotency key was used before for a
	// different entry: replaying it would tell the caller that something
	// was done which was not. It is also an ErrBadEntry (invalid input).
	ErrKeyReused = errors.New("idempotency key already used for a different entry")
	// ErrNoReservation is a release, or a spend against a reservation,
	// whose reservation does not exist in the account.
	ErrNoReservation = errors.New("no such reservation")
	// ErrStepClosed is a reservation asked for a step that is dropped or
	// completed: its funds were released or spent already.
	ErrStepClosed = errors.New("step is closed")
)

// KeyReusedError says which entry holds the key and what differs.
type KeyReusedError struct {
	Key      string
	Original Entry
	// Differs names the parameters that differ (kind, amount, ref, funder,
	// corrected entry); amounts stay out of the words, which have no unit.
	Differs []string
}

func (e *KeyReusedError) Error() string {
	return fmt.Sprintf("%v: key %q is entry %s (%s, number %d in the %s account); this post differs in %s",
		ErrKeyReused, e.Key, e.Original.ID, e.Original.Kind, e.Original.Seq, e.Original.Scheme, strings.Join(e.Differs, ", "))
}

// Is makes a KeyReusedError both ErrKeyReused and ErrBadEntry.
func (e *KeyReusedError) Is(target error) bool {
	return target == ErrKeyReused || target == ErrBadEntry
}

// Replay checks a post e against orig, the entry already stored under its
// idempotency key in the same account. The same request returns orig
// (marked Replayed); a different one is a *KeyReusedError naming orig.
// The parameters compared are those that change what the entry does:
// kind, amount, ref, funder and the entry corrected. Reason and effective
// date are notes about the entry and may be worded again on a retry.
func Replay(orig, e Entry) (Entry, error) {
	var d []string
	if orig.Kind != e.Kind {
		d = append(d, "kind")
	}
	if e.Kind != Correct && orig.Amount != e.Amount { // a correction takes its amount from the entry it reverses
		d = append(d, "amount")
	}
	if orig.Kind == Correct && e.Kind == Correct && orig.Corrects != e.Corrects {
		d = append(d, "corrected entry")
	}
	if e.Kind != Correct && orig.Ref != e.Ref {
		d = append(d, "ref")
	}
	if orig.Funder != e.Funder && e.Funder != "" {
		d = append(d, "funder")
	}
	if len(d) > 0 {
		return e, &KeyReusedError{Key: e.Key, Original: orig, Differs: d}
	}
	orig.Replayed = true
	return orig, nil
}
