package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOutcomeCLI walks a plan's steps through enrolment, completion and
// drop-out, refuses dates out of order, records the 12-month follow-up
// and lists what is due.
func TestOutcomeCLI(t *testing.T) {
	db := planFixture(t)
	id := addPersonCLI(t, db, "Ann Peeters")
	planCLI(t, db, 0, "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "1000.00", "--key", "a1")
	planCLI(t, db, 0, "plan", "add", "--person", id, "--offer", "t:m1")
	out := planCLI(t, db, 0, "plan", "add", "--person", id, "--offer", "t:m2", "--json")
	var plan struct {
		ID    string `json:"id"`
		Steps []struct {
			ID string `json:"id"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil || len(plan.Steps) != 2 {
		t.Fatalf("plan json %v: %s", err, out)
	}
	s1, s2 := plan.Steps[0].ID, plan.Steps[1].ID

	// Follow-up before the plan ended: refused, naming the plan.
	msg := planCLI(t, db, 2, "outcome", "employment", "--person", id, "--plan", plan.ID, "--at", "6", "--situation", "employed", "--source", "self-reported")
	if !strings.Contains(msg, "plan: has steps still open") {
		t.Errorf("early follow-up: %s", msg)
	}
	planCLI(t, db, 0, "outcome", "step", "--person", id, "--step", s1, "--status", "enrolled")
	var o struct {
		Status string `json:"status"`
		Date   string `json:"date"`
		PlanID string `json:"plan_id"`
	}
	out = planCLI(t, db, 0, "outcome", "step", "--person", id, "--step", s1, "--status", "completed", "--json")
	if err := json.Unmarshal([]byte(out), &o); err != nil || o.Status != "completed" || o.PlanID != plan.ID || len(o.Date) != 10 {
		t.Fatalf("completed json %v: %s", err, out)
	}
	cases := []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"twice", []string{"--step", s1, "--status", "completed"}, 2, "already recorded completed"},
		{"closed", []string{"--step", s1, "--status", "dropped", "--reason", "moved"}, 2, "already completed"},
		{"no reason", []string{"--step", s2, "--status", "dropped"}, 2, "reason: dropping out needs the reason"},
		{"future", []string{"--step", s2, "--status", "enrolled", "--date", "2999-01-01"}, 2, "is after today"},
		{"before plan", []string{"--step", s2, "--status", "enrolled", "--date", "2001-01-01"}, 2, "before the plan was made"},
		{"bad status", []string{"--step", s2, "--status", "finished"}, 2, "--status"},
		{"other's step", []string{"--step", "nope", "--status", "enrolled"}, 2, "has no plan step"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := planCLI(t, db, c.want, append([]string{"outcome", "step", "--person", id}, c.args...)...)
			if !strings.Contains(msg, c.msg) {
				t.Errorf("message %q lacks %q", msg, c.msg)
			}
		})
	}
	planCLI(t, db, 0, "outcome", "step", "--person", id, "--step", s2, "--status", "dropped", "--reason", "found a job")

	// The plan ended today: both follow-ups are due within a year, none within a week.
	var due []struct {
		PersonID string `json:"person_id"`
		Months   int    `json:"months"`
		Due      string `json:"due"`
	}
	out = planCLI(t, db, 0, "outcome", "due", "--within", "400", "--json")
	if err := json.Unmarshal([]byte(out), &due); err != nil || len(due) != 2 || due[0].Months != 6 || due[1].Months != 12 || due[0].PersonID != id {
		t.Fatalf("due %v: %s", err, out)
	}
	if out := planCLI(t, db, 0, "outcome", "due"); !strings.Contains(out, "0 follow-ups due within 7 days") {
		t.Errorf("due this week: %s", out)
	}
	planCLI(t, db, 0, "outcome", "employment", "--person", id, "--at", "12", "--situation", "employed", "--source", "administrative")
	planCLI(t, db, 2, "outcome", "employment", "--person", id, "--at", "9", "--situation", "employed", "--source", "administrative")
	out = planCLI(t, db, 0, "outcome", "due", "--within", "400", "--json")
	if err := json.Unmarshal([]byte(out), &due); err != nil || len(due) != 1 || due[0].Months != 6 {
		t.Fatalf("due after the 12-month follow-up %v: %s", err, out)
	}
	var list struct {
		Steps      []struct{ Status string } `json:"steps"`
		Employment []struct {
			Months    int    `json:"months"`
			Source    string `json:"source"`
			SessionID string `json:"session_id"`
		} `json:"employment"`
	}
	out = planCLI(t, db, 0, "outcome", "list", "--person", id, "--json")
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Steps) != 3 || len(list.Employment) != 1 || list.Employment[0].SessionID == "" {
		t.Fatalf("list %v: %s", err, out)
	}
	// The follow-up session is on the file.
	if out := planCLI(t, db, 0, "session", "list", "--person", id); !strings.Contains(out, "follow-up 12 months after the plan") {
		t.Errorf("session list lacks the follow-up:\n%s", out)
	}
}
