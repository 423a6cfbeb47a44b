package store

import (
	"slices"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestSearchFindsKeywords: free-text subjects and keywords a mapping
// carries (issue 12) are searched like skills.
func TestSearchFindsKeywords(t *testing.T) {
	st := openTB(t)
	a, b := testOffer("a", "Cloud basics"), testOffer("b", "Zorgkundige")
	a.Keywords = []string{"Kubernetes", "Container orchestration"}
	mustImport(t, st, OfferImportOptions{}, a, b)
	for _, q := range []string{"kubernetes", "orchestration", "kube"} {
		if got := sids(search(t, st, catalog.Query{Text: q})); !slices.Equal(got, []string{"a"}) {
			t.Errorf("search %q: %v, want [a]", q, got)
		}
	}
}
