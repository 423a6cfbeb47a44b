package sessions

import "fmt"

// InsufficientError is a ledger refusal by the no-overdraft rule with the
// figures a person needs to understand it, in the scheme's minor units:
// what was asked, and the account's balance, reserved and available. It
// matches ErrInsufficient with errors.Is.
type InsufficientError struct {
	Scheme string
	Kind   Kind
	// Asked is the amount of the refused entry.
	Asked                        int64
	Balance, Reserved, Available int64
	// Ref is the reservation a release or spend drew on; Outstanding is
	// what that reservation still holds (the limit that was hit).
	Ref         string
	Outstanding int64
}

func (e *InsufficientError) Error() string {
	if e.Ref != "" {
		return fmt.Sprintf("insufficient balance: %s of %d exceeds the %d reserved for %s", e.Kind, e.Asked, e.Outstanding, e.Ref)
	}
	return fmt.Sprintf("insufficient balance: %s of %d with %d available", e.Kind, e.Asked, e.Available)
}

// Is makes errors.Is(err, ErrInsufficient) true.
func (e *InsufficientError) Is(target error) bool { return target == ErrInsufficient }
