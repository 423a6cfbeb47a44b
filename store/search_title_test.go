package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// titleRegister is a mixed register in the shape issue 12 saw: many
// catalogue entries that mention a word once in a short description,
// imported first, and a few whose title holds it, with long descriptions.
func titleRegister(t testing.TB, mentions int) *Store {
	t.Helper()
	st := openTB(t)
	var offers []catalog.Offer
	for i := range mentions {
		o := testOffer(fmt.Sprintf("m%05d", i), fmt.Sprintf("Spreadsheet skills %d", i))
		o.Description = "Formulas and charts; a short look at Python at the end."
		offers = append(offers, o)
	}
	long := strings.Repeat("Lists, dictionaries, tuples, files and loops, step by step with many exercises. ", 40)
	for i := range 5 {
		o := testOffer(fmt.Sprintf("t%d", i), fmt.Sprintf("Python Data Structures %d", i))
		o.Description = long
		offers = append(offers, o)
	}
	mustImport(t, st, OfferImportOptions{}, offers...)
	return st
}

// TestTitleMatchOutranksDescription (issue 12): in a mixed register a
// title match ranks above every description-only match, with filters
// (ranked in Go), without (ranked by FTS5) and before the in-memory index
// is loaded (the cold path), also beyond the first thousand matches.
func TestTitleMatchOutranksDescription(t *testing.T) {
	st := titleRegister(t, 1500)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    catalog.Query
	}{
		{"no filter", catalog.Query{Text: "python", Limit: 10}},
		{"prefix", catalog.Query{Text: "pyth", Limit: 10}},
		{"filtered", catalog.Query{Text: "python", Language: "nl", Limit: 10}},
		{"two words", catalog.Query{Text: "python data", Limit: 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := st.SearchOffers(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) < 5 {
				t.Fatalf("%d hits", len(hits))
			}
			for i, h := range hits[:5] {
				if !strings.HasPrefix(h.Offer.Title, "Python Data Structures") {
					t.Errorf("hit %d is %q, want a title match", i+1, h.Offer.Title)
				}
			}
		})
	}
	t.Run("cold", func(t *testing.T) {
		hits, err := st.searchCold(ctx, catalog.Query{Text: "python", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range hits[:5] {
			if !strings.HasPrefix(h.Offer.Title, "Python Data Structures") {
				t.Errorf("cold hit %d is %q, want a title match", i+1, h.Offer.Title)
			}
		}
	})
}
