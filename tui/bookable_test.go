package tui

import (
	"testing"

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
