package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/report"
)

// fakeReports builds its report from fixed records through the real
// builder (the suppression included), and counts the runs.
type fakeReports struct{ runs int }

func (f *fakeReports) RunReport(_ context.Context, p report.Params, _ string) (*report.Report, error) {
	f.runs++
	b := report.NewBuilder(p, map[string]string{"ila": "EUR", "leave": "hours", "voucher": "EUR"})
	genders := []string{"female", "male", "female", "male", "other", ""}
	emps := []string{"unemployed", "employed", "unemployed", "self-employed", "student", "inactive", "employed"}
	for i := range 90 {
		at := report.DayOf(time.Date(2026, time.Month(1+i%11), 1+i%27, 0, 0, 0, 0, time.UTC))
		r := &report.Record{BirthYear: 1960 + i%40, Gender: genders[i%6], EQF: 1 + i%8, Employment: emps[i%7],
			Region: []string{"BE21", "BE23", "BE10"}[i%3], Schemes: []string{"ila"},
			Sessions: []report.Session{{At: at, Attended: true}, {At: at + 3, Attended: i%9 != 0}},
			Actions:  []report.Action{{Agreed: at, Done: i%3 != 0}}}
		if i%4 != 0 {
			r.PlanMade = at
			st := report.Step{EQF: 3 + i%4, Mode: []string{"online", "onsite", "blended"}[i%3], Field: "0613", Micro: report.Yes, Stackable: report.Tri(1 + i%2)}
			if i%3 != 0 {
				st.Enrolled = at + 7
				if i%5 != 0 {
					st.Completed = at + 20
				}
			}
			r.Steps = append(r.Steps, st)
			r.Entries = append(r.Entries, report.Entry{Scheme: "ila", Kind: "accrual", Amount: 100000, On: at, Step: -1},
				report.Entry{Scheme: "ila", Kind: "spend", Amount: int64(20000 + 1000*(i%7)), On: at + 20, Step: 0})
		}
		if i%2 == 0 {
			r.Employment6 = report.Follow{Situation: []string{"employed", "unemployed"}[i%4/2], On: at}
		}
		b.Add(r)
	}
	return b.Report(), nil
}

func (f *fakeReports) CountFollowUpsDue(context.Context, catalog.Date) (int, error) { return 3, nil }

var reportsNow = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func startReports(t *testing.T, lang string, w, h int) (*peopleRun, *fakeReports) {
	t.Helper()
	f := &fakeReports{}
	sh := newShared(locale.Must(), Deps{Reports: f}, Options{Lang: lang, Now: func() time.Time { return reportsNow }})
	p := &peopleProbe{m: newModel(sh, newReportsPage(sh))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	return &peopleRun{t: t, tm: tm, p: p}, f
}

func TestReportsScreen(t *testing.T) {
	for _, lang := range []struct{ code, due, section, rate string }{
		{"en", "3 follow-ups due this week", "Entitlements", "Took part in training"},
		{"nl", "3 opvolgingen te doen deze week", "Rechten", "Nam deel aan opleiding"},
	} {
		for _, sz := range peopleSizes {
			t.Run(lang.code+"-"+sz.name, func(t *testing.T) {
				r, _ := startReports(t, lang.code, sz.w, sz.h)
				r.waitFor(lang.due, lang.rate, "2025-12-04 – 2026-12-03")
				t.Run("participation", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.special(tea.KeyRight)
				r.waitFor("[" + lang.section + "]")
				t.Run("entitlements", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.finish()
			})
		}
	}
}

// TestReportsScreenNeverPrintsSmallCells: every figure on every section
// of the screen is a printed cell of the report (no suppressed value
// reaches it), and the cells about fewer than k people show as x.
func TestReportsScreenNeverPrintsSmallCells(t *testing.T) {
	r, f := startReports(t, "en", 120, 40)
	r.waitFor("3 follow-ups due this week")
	rep, _ := f.RunReport(context.Background(), report.Params{From: 20251204, To: 20261203, K: 5}, "")
	hidden := 0
	for _, s := range rep.Sections {
		for _, tb := range s.Tables {
			for i := range tb.Cells {
				for _, cl := range tb.Cells[i] {
					if cl.Suppressed {
						hidden++
					}
				}
			}
		}
	}
	if hidden == 0 {
		t.Fatal("the fixture suppresses nothing: the test would prove nothing")
	}
	tr := locale.Must().For("en")
	marks := 0
	for i, s := range rep.Sections {
		r.waitFor("[" + report.SectionTitle(tr, s.ID) + "]")
		scr := r.p.screen()
		marks += strings.Count(scr, " x ")
		// No birth year, no id-shaped string reaches the screen.
		for _, bad := range []string{"1960", "1961", "-7", "@"} {
			if strings.Contains(scr, bad) {
				t.Errorf("section %d shows %q", i, bad)
			}
		}
		r.special(tea.KeyRight)
	}
	if marks == 0 {
		t.Error("no suppressed cell shown as x on any section")
	}
	r.finish()
}

// TestReportsFromPeopleList: ctrl+g on the people list opens the Reports
// screen, and the list's help names the key.
func TestReportsFromPeopleList(t *testing.T) {
	st, _ := peopleStore(t)
	f := &fakeReports{}
	sh := newShared(locale.Must(), Deps{People: appOver(t, st, func() time.Time { return peopleNow }), Reports: f}, Options{Lang: "en", Now: func() time.Time { return peopleNow }})
	p := &peopleProbe{m: newModel(sh, newBlankPage(sh, "Register"))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(120, 40))
	r := &peopleRun{t: t, tm: tm, p: p}
	r.keys("tab")
	r.waitFor("3 people", "ctrl+g reports")
	r.tm.Send(tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl})
	r.waitFor("3 follow-ups due this week", "[Participation]")
	r.keys("esc")
	r.waitFor("3 people")
	r.finish()
	if f.runs != 1 {
		t.Errorf("%d report runs, want 1", f.runs)
	}
}

// TestTabOpensReportsWithoutPeople: an account that may run reports but
// not open people's files (an auditor over SSH: Deps without People)
// reaches the Reports screen with tab, where others reach the people list;
// with neither, tab does nothing.
func TestTabOpensReportsWithoutPeople(t *testing.T) {
	f := &fakeReports{}
	sh := newShared(locale.Must(), Deps{Reports: f}, Options{Lang: "en", Now: func() time.Time { return reportsNow }})
	p := &peopleProbe{m: newModel(sh, newBlankPage(sh, "Register"))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(100, 30))
	r := &peopleRun{t: t, tm: tm, p: p}
	r.special(tea.KeyTab)
	r.waitFor("3 follow-ups due this week", "Took part in training")
	if f.runs == 0 {
		t.Error("the report did not run")
	}
	r.finish()

	none := newShared(locale.Must(), Deps{}, Options{Lang: "en"})
	m := newModel(none, newBlankPage(none, "Register"))
	if _, cmd := m.Update(OpenPeopleMsg{}); cmd != nil {
		t.Error("tab with neither people nor reports opened something")
	}
}
