package sessions

import (
	"errors"
	"fmt"
	"time"
)

// ErrChanged is an edit made on a copy of a record (a profile, a plan)
// that someone else changed since it was read: saving it would silently
// undo their change, so it is refused (optimistic versions). A
// *ChangedError says who changed what and when.
var ErrChanged = errors.New("changed by someone else since it was read")

// What a ChangedError is about.
const (
	ChangedProfile = "profile"
	ChangedPlan    = "plan"
)

// ChangedError is a refused edit of a record that changed since the
// editor read it: which record (What: ChangedProfile or ChangedPlan; ID),
// the version the editor had and the one stored now, and who made the
// latest change and when. It matches ErrChanged with errors.Is.
type ChangedError struct {
	What string
	ID   string
	// Read is the version the refused edit was based on; Now the stored one.
	Read, Now int64
	By        string
	At        time.Time
}

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s %s: version %d was read, version %d (by %s at %s) is stored: %v",
		e.What, e.ID, e.Read, e.Now, e.By, e.At.UTC().Format(time.RFC3339), ErrChanged)
}

// Is makes errors.Is(err, ErrChanged) true.
func (e *ChangedError) Is(target error) bool { return target == ErrChanged }
