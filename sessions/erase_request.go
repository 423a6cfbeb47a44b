package sessions

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/koers-project/koers/catalog"
)

// Decisions on an erasure request.
const (
	EraseApproved = "approved"
	EraseDeclined = "declined"
)

// MaxEraseReason bounds the reason of an erasure request or of its decline.
const MaxEraseReason = 2000

// EraseRequest is a counsellor's request that a supervisor erase a person
// (the counsellor may not erase: erase-person is pending for them). It is
// shown on the person's file and in the supervisors' queue until decided:
// an approval erases the person, the request with them (the audit log
// keeps who requested, who approved and when); a decline stays on the file
// with its reason. Requests and decisions are append-only.
type EraseRequest struct {
	ID       string `json:"id"`
	PersonID string `json:"person_id"`
	// Reason is why the person's file should go (e.g. their request under
	// GDPR article 17); free text, sealed at rest like other notes.
	Reason    string    `json:"reason"`
	Centre    string    `json:"centre,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	// Decision is set once a supervisor approved or declined the request.
	Decision *EraseDecision `json:"decision,omitempty"`
}

// EraseDecision is a supervisor's approval or decline of an erasure request.
type EraseDecision struct {
	ID        string    `json:"id"`
	Decision  string    `json:"decision"` // EraseApproved or EraseDeclined
	Reason    string    `json:"reason,omitempty"`
	DecidedAt time.Time `json:"decided_at"`
	DecidedBy string    `json:"decided_by"`
}

// Status is pending, approved or declined.
func (r EraseRequest) Status() string {
	if r.Decision == nil {
		return RequestPending
	}
	return r.Decision.Decision
}

// Open reports whether the request still waits for its erase: undecided,
// or approved with the person still there (an erase that did not finish,
// which approving again completes).
func (r EraseRequest) Open() bool {
	return r.Decision == nil || r.Decision.Decision == EraseApproved
}

// ValidEraseReason checks the reason of a request (and of a decline): one
// is required, at most MaxEraseReason characters, with no control
// characters but line breaks and tabs.
func ValidEraseReason(field, reason string) catalog.Problems {
	var ps catalog.Problems
	switch r := strings.TrimSpace(reason); {
	case r == "":
		ps = append(ps, catalog.FieldError{Field: field, Msg: "is required: say why"})
	case utf8.RuneCountInString(r) > MaxEraseReason:
		ps = append(ps, catalog.FieldError{Field: field, Msg: "is longer than 2000 characters"})
	case strings.ContainsFunc(r, func(c rune) bool { return c < 0x20 && c != '\n' && c != '\t' || c == 0x7f }):
		ps = append(ps, catalog.FieldError{Field: field, Msg: "holds control characters"})
	}
	return ps
}
