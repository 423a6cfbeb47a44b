package sessions

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
)

// Channel is how a guidance session took place.
type Channel string

// Channels.
const (
	FaceToFace Channel = "face-to-face"
	Phone      Channel = "phone"
	Video      Channel = "video"
	Email      Channel = "email"
	Chat       Channel = "chat"
	Group      Channel = "group"
)

// Channels lists every channel, in display order.
var Channels = []Channel{FaceToFace, Phone, Video, Email, Chat, Group}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return contains(Channels, c) }

// Goal statuses and action statuses.
var (
	GoalStatuses   = []string{"open", "achieved", "dropped"}
	ActionStatuses = []string{"open", "done", "cancelled"}
)

// Goal is something the person aims for, agreed in a session.
type Goal struct {
	ID      string       `json:"id"`
	Type    string       `json:"type,omitempty"` // e.g. job, training, validation
	Summary string       `json:"summary"`
	Target  catalog.Date `json:"target"`
	Status  string       `json:"status"`
}

// Action is an agreed action: who does what by when, optionally a register offer.
type Action struct {
	ID      string       `json:"id"`
	Type    string       `json:"type,omitempty"` // e.g. enrol, apply, document
	Summary string       `json:"summary"`
	Owner   string       `json:"owner,omitempty"` // "person", "counsellor" or a name
	Due     catalog.Date `json:"due"`
	Status  string       `json:"status"`
	OfferID string       `json:"offer_id,omitempty"`
	// SessionID is the session that agreed it (filled when read back).
	SessionID string `json:"session_id,omitempty"`
}

// Session is the record of one guidance session.
type Session struct {
	ID         string    `json:"id"`
	PersonID   string    `json:"person_id"`
	At         time.Time `json:"at"`
	Minutes    int       `json:"minutes"`
	Channel    Channel   `json:"channel"`
	Venue      string    `json:"venue,omitempty"`
	Attended   bool      `json:"attended"`
	Reason     string    `json:"reason,omitempty"` // why not attended
	Counsellor string    `json:"counsellor"`
	Summary    string    `json:"summary,omitempty"` // situation summary
	// Notes are restricted: never printed unless asked for.
	Notes   []string  `json:"notes,omitempty"`
	Goals   []Goal    `json:"goals"`
	Actions []Action  `json:"actions"`
	Next    time.Time `json:"next_appointment"`

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// Validate reports every problem of the session at once, each naming its
// field. Dates must make sense against now: a session cannot be recorded
// for a day after today, nothing is agreed due before its session, and the
// next appointment falls after the session and within two years.
func (s *Session) Validate(now time.Time) catalog.Problems {
	var ps catalog.Problems
	add := func(field, format string, args ...any) {
		ps = append(ps, catalog.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	day := catalog.DateOf(s.At)
	today := catalog.DateOf(now)
	switch {
	case s.At.IsZero():
		add("at", "is required")
	case day.After(today):
		add("at", "%s is after today (%s): record a session once it has taken place", day, today)
	case s.At.Before(now.AddDate(-10, 0, 0)):
		add("at", "%s is more than ten years ago", day)
	}
	if s.Minutes < 0 || s.Minutes > 12*60 {
		add("minutes", "%d is not a duration from 0 to 720 minutes", s.Minutes)
	}
	if s.Channel != "" && !s.Channel.Valid() {
		add("channel", "%q is not one of %s", s.Channel, joinChannels())
	}
	if !s.Attended && strings.TrimSpace(s.Reason) == "" {
		add("reason", "a session not attended needs the reason")
	}
	if strings.TrimSpace(s.Counsellor) == "" {
		add("counsellor", "is required")
	}
	if !s.Next.IsZero() && !s.At.IsZero() {
		if !s.Next.After(s.At) {
			add("next", "%s is not after the session", catalog.DateOf(s.Next))
		} else if s.Next.After(s.At.AddDate(2, 0, 0)) {
			add("next", "%s is more than two years after the session", catalog.DateOf(s.Next))
		}
	}
	for i, g := range s.Goals {
		f := fmt.Sprintf("goals[%d]", i)
		if strings.TrimSpace(g.Summary) == "" {
			add(f+".summary", "is required")
		}
		if !g.Target.IsZero() && g.Target.Before(day) {
			add(f+".target", "%s is before the session (%s)", g.Target, day)
		}
		if g.Status != "" && !contains(GoalStatuses, g.Status) {
			add(f+".status", "%q is not open, achieved or dropped", g.Status)
		}
	}
	for i, a := range s.Actions {
		f := fmt.Sprintf("actions[%d]", i)
		if strings.TrimSpace(a.Summary) == "" {
			add(f+".summary", "is required")
		}
		if !a.Due.IsZero() && a.Due.Before(day) {
			add(f+".due", "%s is before the session (%s): no action is agreed due before its session", a.Due, day)
		}
		if a.Status != "" && !contains(ActionStatuses, a.Status) {
			add(f+".status", "%q is not open, done or cancelled", a.Status)
		}
	}
	return ps
}

func joinChannels() string {
	s := make([]string, len(Channels))
	for i, c := range Channels {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// MarshalJSON writes the session with an unset next appointment as null
// (unknown values are null, never a zero date).
func (s Session) MarshalJSON() ([]byte, error) {
	type plain Session
	return json.Marshal(struct {
		plain
		Next *time.Time `json:"next_appointment"`
	}{plain(s), timeOrNil(s.Next)})
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
