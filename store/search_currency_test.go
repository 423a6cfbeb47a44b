package store

import (
	"slices"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestMaxPriceNeverCrossesCurrencies: a price filter compares amounts in
// its own currency only; free offers pass in any; unknown prices never.
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
		priced("e", 50000, "EUR"))
	max := catalog.Money(10000)
	for _, tc := range []struct {
		cur  string
		want []string
	}{
		{"", []string{"a", "c"}}, {"EUR", []string{"a", "c"}}, {"USD", []string{"b", "c"}}, {"GBP", []string{"c"}},
	} {
		if got := sids(search(t, st, catalog.Query{MaxPrice: &max, Currency: tc.cur})); !slices.Equal(got, tc.want) {
			t.Errorf("max 100 %q: %v, want %v", tc.cur, got, tc.want)
		}
	}
}
