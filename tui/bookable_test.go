package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/locale"

	"github.com/koers-project/koers/catalog"
)

// TestPassedOffersMarkedAndLast (issue 13 item 6): an offer whose start or
// application deadline has passed on the app's clock says so in words in
// the result list and comes after the bookable ones; the filter panel's
// "Passed offers: in rank order" keeps the rank order instead.
func TestPassedOffersMarkedAndLast(t *testing.T) {
	nb := "\u00a0"
	cases := []struct {
		lang, text, mark, firstTitle string
	}{
		{"en", "machine learning in practice", "start passed 1" + nb + "Jun", "Machine learning in practice"},
		{"nl", "machine learning in de praktijk", "start voorbij: 26" + nb + "okt", "Machine learning in de praktijk – intensief"},
		{"fr", "les bases des donnees", "inscriptions closes" + nb + ": 23" + nb + "nov.", "Les bases des données"},
	}
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		for _, c := range cases {
			t.Run(c.lang+"/"+sz.name, func(t *testing.T) {
				s := newSearchSession(t, c.lang, sz.w, sz.h, nil)
				s.tm.Type(c.text)
				s.waitFor(s.count(c.text))
				s.waitFor(c.mark)
				sp := s.p.m.Active().(*searchPage)
				today := catalog.DateOf(s.sh.Now())
				closedSeen := false
				for i, h := range sp.hits {
					closed := h.Offer.LapseOn(today) != catalog.Bookable
					if closedSeen && !closed {
						t.Fatalf("hit %d %q is bookable after a passed one", i+1, h.Offer.Title)
					}
					closedSeen = closedSeen || closed
				}
				if !closedSeen {
					t.Fatal("no passed offer among the hits")
				}
				s.golden()
			})
		}
	}
	t.Run("in rank order", func(t *testing.T) {
		const text = "machine learning"
		s := newSearchSession(t, "en", 80, 24, nil)
		s.tm.Type(text)
		s.waitFor(s.count(text))
		// filters, up to the last field (Passed offers), next value, close
		s.keys("esc", "f", "k", "l", "esc")
		s.waitFor("passed in rank order")
		sp := s.p.m.Active().(*searchPage)
		want := s.f.match(catalog.Query{Text: text})
		today := catalog.DateOf(s.sh.Now())
		mixed, closedSeen := false, false
		for _, h := range sp.hits {
			closed := h.Offer.LapseOn(today) != catalog.Bookable
			mixed = mixed || (closedSeen && !closed)
			closedSeen = closedSeen || closed
		}
		if !mixed {
			t.Error("in rank order no bookable offer follows a passed one: the test shows nothing")
		}
		for i, h := range sp.hits {
			if h.Offer.ID != want[i].Offer.ID {
				t.Fatalf("hit %d is %q, want %q in rank order", i+1, h.Offer.Title, want[i].Offer.Title)
			}
		}
		s.golden()
	})
}

// TestPlannerMarksPassedSteps (issue 13 item 6): on a day after a planned
// step's start, the planner says so under the step, in the language; a
// long warning wraps rather than being cut at 80 columns.
func TestPlannerMarksPassedSteps(t *testing.T) {
	later := func() time.Time { return time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC) }
	for _, c := range []struct{ lang, mark, wrapped string }{
		{"en", "! start date 2027-01-04 has passed", "arts: basics"},
		{"nl", "! startdatum 04-01-2027 is voorbij", "basics"},
	} {
		for _, sz := range peopleSizes {
			t.Run(c.lang+"/"+sz.name, func(t *testing.T) {
				st, ann := plannerStore(t)
				sh := newShared(locale.Must(), Deps{Plans: appOver(t, st, later)}, Options{Lang: c.lang, Now: later})
				p := &peopleProbe{m: newModel(sh, NewPlannerPage(sh, ann))}
				r := &peopleRun{t: t, tm: teatest.NewTestModel(t, p, teatest.WithInitialTermSize(sz.w, sz.h)), p: p, st: st}
				r.waitFor("Participatory art projects", c.mark, c.wrapped, "Σ", "Ann Peeters")
				if strings.Contains(r.p.screen(), "…\n") {
					t.Error("a line is cut with …")
				}
				r.golden()
				r.finish()
			})
		}
	}
}

// TestDetailSaysPassed (issue 13 item 6): the detail of an offer whose
// start has passed says so in words, in the language.
func TestDetailSaysPassed(t *testing.T) {
	for _, c := range []struct{ lang, text, mark string }{
		{"en", "machine learning in practice aachen", "! start passed 24\u00a0Aug"},
		{"nl", "machine learning in de praktijk intensief", "! start voorbij: 26\u00a0okt"},
	} {
		for _, sz := range peopleSizes {
			t.Run(c.lang+"/"+sz.name, func(t *testing.T) {
				s := newSearchSession(t, c.lang, sz.w, sz.h, nil)
				s.tm.Type(c.text)
				s.waitFor(s.count(c.text))
				s.keys("enter")
				s.waitFor(c.mark)
				s.golden()
			})
		}
	}
}
