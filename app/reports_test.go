package app

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/sessions"
)

// TestRunReportRoles: on a server (an App acting as a caller) the role
// table's run-report decides, cell by cell: a refused role gets no report
// and leaves no run in the audit, with the rule named; a single-user
// laptop runs reports; every run is audited with who ran it and its
// parameters.
func TestRunReportRoles(t *testing.T) {
	ctx := context.Background()
	base := openFresh(t, Options{Actor: "laptop"})
	p := report.Params{From: 20251202, To: 20261201, K: report.DefaultK}
	cases := []struct {
		name  string
		app   *App
		allow bool
	}{{"laptop", base, true}}
	for _, r := range sessions.Roles {
		acc := sessions.Counsellor{Name: "acc-" + string(r), Role: r}
		cases = append(cases, struct {
			name  string
			app   *App
			allow bool
		}{string(r), base.AsCaller(Caller{Account: acc, Session: "s1"}), sessions.Decide(r, sessions.OpRunReport, sessions.ScopeOwn) == sessions.Allow})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := reportRuns(t, base)
			r, err := c.app.RunReport(ctx, p, "json")
			after := reportRuns(t, base)
			if !c.allow {
				var ae *Error
				acc, _ := c.app.Caller()
				if !errors.As(err, &ae) || ae.Kind != Refused || ae.Rule != sessions.Rule(acc.Role, sessions.OpRunReport, sessions.ScopeOwn) || !errors.Is(err, ErrRoleDenied) {
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
