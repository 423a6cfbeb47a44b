package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
)

// TestPlanGapPricesInTheirCurrency (issue 12): koers plan gap prints each
// offer's price in the offer's own currency and an unknown price as
// "unknown" in the language, never as euros or 0.
func TestPlanGapPricesInTheirCurrency(t *testing.T) {
	db := planFixture(t)
	st, err := store.Open(context.Background(), db, store.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	usd := fixtureOffer("u1", "Dollar course", 15000, 10, "s9")
	usd.Currency = "USD"
	unknown := fixtureOffer("x1", "Priceless course", 0, 12, "s9")
	unknown.Price, unknown.Currency = nil, ""
	if _, err := st.ImportOffers(context.Background(), "t", func(yield func(catalog.Offer, error) bool) {
		_ = yield(usd, nil) && yield(unknown, nil)
	}, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	id := addPersonCLI(t, db, "Ann Peeters")
	for _, c := range []struct{ lang, usd, unknown string }{
		{"en", "$150.00", "unknown"},
		{"fr", "150,00\u00a0$", "inconnu"},
	} {
		out := planCLI(t, db, 0, "--lang", c.lang, "plan", "gap", "--person", id, "--occupation", testOcc)
		for _, l := range strings.Split(out, "\n") {
			switch {
			case strings.Contains(l, "Dollar course") && !strings.HasSuffix(l, c.usd):
				t.Errorf("%s: USD offer reads %q, want it to end in %q", c.lang, l, c.usd)
			case strings.Contains(l, "Priceless course") && !strings.HasSuffix(l, c.unknown):
				t.Errorf("%s: unknown price reads %q, want %q", c.lang, l, c.unknown)
			}
		}
		if !strings.Contains(out, "Dollar course") || !strings.Contains(out, "Priceless course") {
			t.Errorf("%s: gap lacks the offers:\n%s", c.lang, out)
		}
	}
}
