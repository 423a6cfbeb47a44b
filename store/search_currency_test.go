package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestMaxPriceNeverCrossesCurrencies: a price filter compares amounts in
// its own currency only (a free offer in USD is a USD offer); a free offer
// naming no currency passes any; unknown prices never.
func TestMaxPriceNeverCrossesCurrencies(t *testing.T) {
	st := openTB(t)
	priced := func(sid string, cents catalog.Money, cur string) catalog.Offer {
		o := testOffer(sid, "Course "+sid)
		o.Price, o.Currency = &cents, cur
		return o
	}
	unknown := testOffer("d", "Course d")
	unknown.Price, unknown.Currency = nil, ""
	mustImport(t, st, OfferImportOptions{}, priced("a", 5000, "EUR"), priced("b", 5000, "USD"), priced("c", 0, "USD"), unknown,
		priced("e", 50000, "EUR"), priced("f", 0, ""))
	max := catalog.Money(10000)
	for _, tc := range []struct {
		cur  string
		want []string
	}{
		{"", []string{"a", "f"}}, {"EUR", []string{"a", "f"}}, {"USD", []string{"b", "c", "f"}}, {"GBP", []string{"f"}},
	} {
		if got := sids(search(t, st, catalog.Query{MaxPrice: &max, Currency: tc.cur})); !slices.Equal(got, tc.want) {
			t.Errorf("max 100 %q: %v, want %v", tc.cur, got, tc.want)
		}
	}
}

// TestPricedElsewhereUsesIndex: the currency filter is two range scans of
// the partial index, never a pass over every offer (EXPLAIN QUERY PLAN).
func TestPricedElsewhereUsesIndex(t *testing.T) {
	st := openTB(t)
	rows, err := st.db.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+pricedElsewhereSQL, "EUR")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	uses := 0
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(detail, "USING INDEX offers_priced_currency") {
			uses++
		}
		if strings.HasPrefix(detail, "SCAN offers") {
			t.Errorf("full scan: %s", detail)
		}
	}
	if uses != 2 {
		t.Errorf("the index is used %d times, want 2", uses)
	}
}
