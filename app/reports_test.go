package app

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

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

// TestReportScopedToCentres: a supervisor's report covers the people of
// their centre and a regional supervisor's exactly the people of the
// centres of their region; a centre outside them is refused (Refused,
// rule report:centres, nothing audited as run), one inside narrows the
// report to it; an auditor and an admin report on every centre.
func TestReportScopedToCentres(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	if _, err := tm.local.AddCentre(ctx, sessions.Centre{Code: "oostende"}); err != nil {
		t.Fatal(err)
	}
	for centre, n := range map[string]int{"gent": 6, "brugge": 7, "oostende": 8} {
		for i := range n {
			p, err := tm.local.CreatePerson(ctx, sessions.Person{Name: centre + " " + string(rune('A'+i))})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tm.local.MovePerson(ctx, p.ID, centre); err != nil {
				t.Fatal(err)
			}
			// Seen in the period: the person takes part.
			if _, err := tm.local.AddSession(ctx, sessions.Session{PersonID: p.ID, At: tm.local.Now().Add(-24 * time.Hour),
				Channel: sessions.FaceToFace, Attended: true, Summary: "intake"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	from, to := report.Last12Months(tm.local.Now())
	period := report.Params{From: from, To: to, K: report.DefaultK}
	for _, c := range []struct {
		who, centre string
		people      int64
		centres     []string
	}{
		{"rita", "", 13, []string{"gent", "brugge"}},
		{"rita", "brugge", 7, []string{"gent", "brugge"}},
		{"sue", "", 6, []string{"gent"}},
		{"stan", "", 7, []string{"brugge"}},
		{"audrey", "", 21, nil},
		{"adam", "oostende", 8, nil},
	} {
		p := period
		p.Centre = c.centre
		r, err := tm.as[c.who].RunReport(ctx, p, "json")
		if err != nil {
			t.Fatalf("%s --centre %q: %v", c.who, c.centre, err)
		}
		if got := reportPeople(t, r); got != c.people || !slices.Equal(r.Params.Centres, c.centres) {
			t.Errorf("%s --centre %q: %d people over centres %v, want %d over %v", c.who, c.centre, got, r.Params.Centres, c.people, c.centres)
		}
	}
	for _, c := range []struct{ who, centre string }{{"rita", "oostende"}, {"sue", "brugge"}, {"stan", "gent"}} {
		before := reportRuns(t, tm.local)
		p := period
		p.Centre = c.centre
		r, err := tm.as[c.who].RunReport(ctx, p, "json")
		var ae *Error
		if !errors.As(err, &ae) || ae.Kind != Refused || ae.Rule != "report:centres" || !errors.Is(err, ErrOutsideCentres) || r != nil {
			t.Fatalf("%s --centre %s: %v, want a refusal by report:centres", c.who, c.centre, err)
		}
		msg := tm.local.Catalog().For("en").T(ae.Msg, ae.Args...)
		if !strings.Contains(msg, c.centre) || !strings.Contains(msg, "not one of your centres") {
			t.Errorf("refusal message %q", msg)
		}
		if after := reportRuns(t, tm.local); len(after) != len(before) {
			t.Errorf("a refused report was audited as run")
		}
	}
	runs := reportRuns(t, tm.local)
	if last := runs[len(runs)-1]; last.Actor != "adam" || !strings.Contains(runs[0].Detail, `"centres":["gent","brugge"]`) {
		t.Errorf("the audited runs do not name the centres a report was limited to: %q", runs[0].Detail)
	}
}

// reportPeople is the report's population (participation's total).
func reportPeople(t *testing.T, r *report.Report) int64 {
	t.Helper()
	for _, sec := range r.Sections {
		for _, tb := range sec.Tables {
			if tb.ID == "participation.age" {
				c := tb.Cells[len(tb.Rows)-1][len(tb.Cols)-1]
				if c.Suppressed {
					t.Fatalf("the population is suppressed: %+v %+v", tb.Rows, tb.Cells)
				}
				return c.Value
			}
		}
	}
	t.Fatal("no participation table")
	return 0
}
