package sessions

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
)

func TestSessionValidate(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	base := func() Session {
		return Session{PersonID: "p", At: now.Add(-time.Hour), Attended: true, Counsellor: "c", Channel: FaceToFace}
	}
	tests := []struct {
		name  string
		edit  func(*Session)
		field string
	}{
		{"ok", func(*Session) {}, ""},
		{"later today is fine", func(s *Session) { s.At = now.Add(3 * time.Hour) }, ""},
		{"next year", func(s *Session) { s.At = now.AddDate(1, 0, 0) }, "at"},
		{"tomorrow", func(s *Session) { s.At = now.AddDate(0, 0, 1) }, "at"},
		{"no date", func(s *Session) { s.At = time.Time{} }, "at"},
		{"action before session", func(s *Session) {
			s.Actions = []Action{{Summary: "enrol", Due: catalog.DateOf(now).AddDays(-2)}}
		}, "actions[0].due"},
		{"goal before session", func(s *Session) { s.Goals = []Goal{{Summary: "job", Target: catalog.NewDate(2020, 1, 1)}} }, "goals[0].target"},
		{"next before session", func(s *Session) { s.Next = now.AddDate(0, 0, -3) }, "next"},
		{"next in three years", func(s *Session) { s.Next = now.AddDate(3, 0, 0) }, "next"},
		{"absent without reason", func(s *Session) { s.Attended = false }, "reason"},
		{"bad channel", func(s *Session) { s.Channel = "pigeon" }, "channel"},
		{"long", func(s *Session) { s.Minutes = 800 }, "minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.edit(&s)
			ps := s.Validate(now)
			if tt.field == "" {
				if len(ps) != 0 {
					t.Fatalf("problems: %v", ps)
				}
				return
			}
			if len(ps) != 1 || ps[0].Field != tt.field {
				t.Fatalf("got %v, want one problem on %s", ps, tt.field)
			}
		})
	}
}

func TestPersonAndCredentialValidate(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	p := Person{Name: "", Email: "x", BirthYear: 2020, EQF: 9, Employment: "astronaut",
		Skills: []HeldSkill{{URI: "python", Evidence: "rumour"}}}
	got := p.Validate(now).Error()
	for _, f := range []string{"name", "email", "birth_year", "eqf", "employment", "skills[0].uri", "skills[0].evidence"} {
		if !strings.Contains(got, f+":") {
			t.Errorf("person problems %q lack %s", got, f)
		}
	}
	var c Credential
	got = c.Validate(now).Error()
	for _, f := range []string{"learner", "title", "country", "awarding_body", "issued", "learning_outcomes", "ects", "assessment", "mode", "quality_assurance"} {
		if !strings.Contains(got, f+":") {
			t.Errorf("credential problems %q lack %s", got, f)
		}
	}
}

func TestSessionJSONUnknownIsNull(t *testing.T) {
	b, err := json.Marshal(Session{ID: "s", At: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"next_appointment":null`) || strings.Count(string(b), "next_appointment") != 1 {
		t.Errorf("session JSON: %s", b)
	}
	var back Session
	if err := json.Unmarshal(b, &back); err != nil || !back.Next.IsZero() || back.ID != "s" {
		t.Errorf("round trip: %+v %v", back, err)
	}
	b, _ = json.Marshal(Balance{Scheme: "ila"})
	if !strings.Contains(string(b), `"as_of":null`) {
		t.Errorf("balance JSON: %s", b)
	}
}
