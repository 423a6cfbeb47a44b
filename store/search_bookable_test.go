package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestPassedOffersComeLast (issue 13): with BookableOn, an offer whose
// start has passed comes after every bookable match (title tier or not,
// with and without filters and text), and one whose application deadline
// has passed after the bookable ones of its page; without it rank order
// stands.
func TestPassedOffersComeLast(t *testing.T) {
	st := openTB(t)
	today := catalog.NewDate(2026, 12, 7)
	var offers []catalog.Offer
	for i := range 30 {
		o := testOffer(fmt.Sprintf("p%02d", i), fmt.Sprintf("Python basics %02d", i))
		switch {
		case i < 10: // first in register order and best in rank: passed
			o.Start = catalog.NewDate(2026, 11, 3)
		case i < 13:
			o.ApplyBy = catalog.NewDate(2026, 12, 1)
		}
		offers = append(offers, o)
	}
	for i := range 5 { // bookable, matching only in the description
		o := testOffer(fmt.Sprintf("d%02d", i), fmt.Sprintf("Spreadsheets %02d", i))
		o.Description = "A short look at Python."
		offers = append(offers, o)
	}
	mustImport(t, st, OfferImportOptions{}, offers...)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    catalog.Query
	}{
		{"text", catalog.Query{Text: "python", Limit: 40}},
		{"text filtered", catalog.Query{Text: "python", Language: "nl", Limit: 40}},
		{"no text", catalog.Query{Limit: 40}},
		{"no text filtered", catalog.Query{Language: "nl", Limit: 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := st.SearchOffers(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].Offer.LapseOn(today) == catalog.Bookable {
				t.Fatalf("without BookableOn the passed offers keep their place; got %d hits", len(hits))
			}
			q := tc.q
			q.BookableOn = today
			hits, err = st.SearchOffers(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != 35 {
				t.Fatalf("%d hits, want 35", len(hits))
			}
			seen := false
			for i, h := range hits {
				closed := h.Offer.LapseOn(today) != catalog.Bookable
				if seen && !closed {
					t.Fatalf("hit %d %q is bookable after a passed one", i+1, h.Offer.Title)
				}
				seen = seen || closed
			}
			if got := hits[22].Offer.LapseOn(today); got == catalog.Bookable {
				t.Errorf("hit 23 is bookable; the last 13 should have passed")
			}
		})
	}
}
