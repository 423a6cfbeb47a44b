package sessions

import (
	"fmt"
	"time"
)

// Centre is a guidance centre: people, accounts and audit rows belong to
// one. Thresholds are, per scheme code, the amount (minor units) above which
// a counsellor's top-up or correction waits for a supervisor's approval.
type Centre struct {
	Code       string           `json:"code"`
	Name       string           `json:"name,omitempty"`
	Thresholds map[string]int64 `json:"approval_thresholds_minor"`
	CreatedAt  time.Time        `json:"created_at"`
	CreatedBy  string           `json:"created_by"`
}

// ValidCentreCode checks a centre code: 1 to 100 ASCII letters, digits,
// '.', '-' and '_' (codes appear on audit rows and in logs, so they stay plain).
func ValidCentreCode(code string) error {
	if code == "" || len(code) > 100 {
		return fmt.Errorf("%q: a centre code has 1 to 100 characters", code)
	}
	for _, r := range code {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		default:
			return fmt.Errorf("%q: a centre code has only letters, digits, '.', '-' and '_'", code)
		}
	}
	return nil
}

// NeedsApproval reports whether an entry of kind and amount waits for a
// supervisor under threshold: top-ups and corrections above it do.
func NeedsApproval(kind Kind, amount, threshold int64) bool {
	return (kind == TopUp || kind == Correct) && amount > threshold
}

// Request statuses.
const (
	RequestPending  = "pending"
	RequestApproved = "approved"
	RequestRejected = "rejected"
)

// LedgerRequest is a ledger entry held for a supervisor's approval: it is
// shown with the account but not counted until a decision approves it, and
// then the entry is posted under the request's idempotency key. Requests
// and decisions are append-only.
type LedgerRequest struct {
	ID       string `json:"id"`
	PersonID string `json:"person_id"`
	Scheme   string `json:"scheme"`
	Kind     Kind   `json:"kind"`
	Amount   int64  `json:"amount_minor"`
	Key      string `json:"key"`
	Funder   string `json:"funder,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Corrects string `json:"corrects,omitempty"`
	// Threshold is the centre's threshold the amount was above.
	Threshold int64     `json:"threshold_minor"`
	Centre    string    `json:"centre,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	// Decision is set once a supervisor approved or rejected the request.
	Decision *LedgerDecision `json:"decision,omitempty"`
	// Replayed is set (never stored) when a request found its key already used.
	Replayed bool `json:"replayed,omitempty"`
}

// Status is pending, approved or rejected.
func (r LedgerRequest) Status() string {
	if r.Decision == nil {
		return RequestPending
	}
	return r.Decision.Decision
}

// LedgerDecision is a supervisor's approval or rejection of a request.
type LedgerDecision struct {
	ID       string `json:"id"`
	Decision string `json:"decision"` // approved or rejected
	Reason   string `json:"reason,omitempty"`
	// EntryID is the ledger entry the approval posted.
	EntryID   string    `json:"entry_id,omitempty"`
	DecidedAt time.Time `json:"decided_at"`
	DecidedBy string    `json:"decided_by"`
}

// Entry is the ledger entry the request asks for.
func (r LedgerRequest) Entry() Entry {
	return Entry{PersonID: r.PersonID, Scheme: r.Scheme, Kind: r.Kind, Amount: r.Amount, Key: r.Key,
		Funder: r.Funder, Reason: r.Reason, Corrects: r.Corrects}
}

// Owner is where a person's file stands for the caseload rules: the
// responsible counsellor and the centre.
type Owner struct {
	Counsellor string `json:"counsellor"`
	Centre     string `json:"centre"`
}
