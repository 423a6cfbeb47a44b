package sessions

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// DraftSession is the drafts kind of the session screen.
const DraftSession = "session"

// PersonSummary is one row of the people list.
type PersonSummary struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	BirthYear int       `json:"birth_year,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	// LastSession is the date of the latest guidance session, if any.
	LastSession time.Time `json:"-"`
	// OutsideCaseload marks a person found by their exact id whose file
	// the caller may open only with a reason (break-glass).
	OutsideCaseload bool `json:"outside_caseload,omitempty"`
}

// MarshalJSON writes LastSession as null when there is none.
func (p PersonSummary) MarshalJSON() ([]byte, error) {
	type plain PersonSummary
	var last *time.Time
	if !p.LastSession.IsZero() {
		last = &p.LastSession
	}
	return json.Marshal(struct {
		plain
		LastSession *time.Time `json:"last_session"`
	}{plain(p), last})
}

// NewID is a new record id: a UUIDv7 (time-ordered, so records can move
// between centres and a central server without renumbering).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }
