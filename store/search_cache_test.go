package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// Unfiltered results are kept for the register generation they were
// computed on: the same search again gives the same page and count, and
// after an import (a new generation) the new offer is found and counted.
func TestUnfilteredResultsFollowTheGeneration(t *testing.T) {
	ctx := context.Background()
	st := titleRegister(t, 20)
	q := catalog.Query{Text: "python", Limit: 10}
	count := func() int {
		t.Helper()
		fc, err := st.CountFacets(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return fc.Total
	}
	first, n := search(t, st, q), count()
	again, n2 := search(t, st, q), count()
	if fmt.Sprint(sids(first)) != fmt.Sprint(sids(again)) || n != n2 || n != 25 {
		t.Fatalf("the same search twice: %v (%d), then %v (%d); want 25 matches", sids(first), n, sids(again), n2)
	}
	if len(st.reg.ranked.m) == 0 || len(st.reg.facets.m) == 0 {
		t.Fatal("nothing kept: the cache is not exercised")
	}
	mustImport(t, st, OfferImportOptions{}, testOffer("t9", "Python for everyone"))
	if got := count(); got != 26 {
		t.Errorf("after an import: %d matches, want 26", got)
	}
	found := false
	for _, h := range search(t, st, q) {
		found = found || h.Offer.SourceID == "t9"
	}
	if !found {
		t.Error("after an import the new title match is not on the first page")
	}
	// withdrawn offers counted or not: two keys
	w := q
	w.Withdrawn = true
	if _, err := st.CountFacets(ctx, w); err != nil {
		t.Fatal(err)
	}
	if unfilteredKey("1", "x", true, 0) == unfilteredKey("1", "x", false, 0) {
		t.Error("withdrawn and not share a key")
	}
}
