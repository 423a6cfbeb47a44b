package app

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/sessions"
)

// TestRunReportRoles: reports are for supervisors and auditors. In server
// mode (an App with a role) every other role is refused before anything is
// read or audited, naming the rule; a single-user laptop (no role) runs
// them; every run is audited with who ran it and its parameters.
func TestRunReportRoles(t *testing.T) {
	ctx := context.Background()
	base := openFresh(t, Options{Actor: "laptop"})
	p := report.Params{From: 20251202, To: 20261201, K: report.DefaultK}
	cases := []struct {
		name  string
		app   *App
		allow bool
	}{
		{"laptop", base, true},
		{"supervisor", base.As("sup").WithRole(sessions.RoleSupervisor), true},
		{"auditor", base.As("aud").WithRole(sessions.RoleAuditor), true},
		{"counsellor", base.As("cou").WithRole(sessions.RoleCounsellor), false},
		{"admin", base.As("adm").WithRole(sessions.RoleAdmin), false},
		{"unknown role", base.As("who").WithRole("janitor"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := reportRuns(t, base)
			r, err := c.app.RunReport(ctx, p, "json")
			after := reportRuns(t, base)
			if !c.allow {
				var ae *Error
				if !errors.As(err, &ae) || ae.Kind != Refused || ae.Rule != sessions.Rule(c.app.Role(), sessions.OpRunReport, sessions.ScopeOwn) || !errors.Is(err, ErrRoleDenied) {
					t.Fatalf("refusal: %#v (%v)", ae, err)
				}
				if r != nil || len(after) != len(before) {
					t.Errorf("a refused run returned a report or was audited as run (%d → %d runs)", len(before), len(after))
				}
				return
			}
			if err != nil || r == nil {
				t.Fatalf("run: %v", err)
			}
			if len(after) != len(before)+1 {
				t.Fatalf("runs audited: %d → %d", len(before), len(after))
			}
			last := after[len(after)-1]
			if last.Actor != c.app.Actor() {
				t.Errorf("audited actor %q, want %q", last.Actor, c.app.Actor())
			}
			var got struct {
				From, To, Format string
				K                int
			}
			if err := json.Unmarshal([]byte(last.Detail), &got); err != nil || got.From != p.From.String() || got.To != p.To.String() || got.K != p.K || got.Format != "json" {
				t.Errorf("audit detail %q (%v)", last.Detail, err)
			}
		})
	}
}

func reportRuns(t *testing.T, a *App) []AuditEntry {
	t.Helper()
	all, err := a.AuditLog(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []AuditEntry
	for _, e := range all {
		if e.Action == "report" {
			out = append(out, e)
		}
	}
	return out
}
