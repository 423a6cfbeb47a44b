package app

import (
	"context"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestOfferInLabelsSkillsInTheInterfaceLanguage: an offer's ESCO skills read
// in the interface's language once the taxonomy is loaded (the sample
// register labels them in English), and the register's own labels stand
// before that, without loading it.
func TestOfferInLabelsSkillsInTheInterfaceLanguage(t *testing.T) {
	ctx := context.Background()
	a := openFresh(t, Options{Actor: "test", SeedESCO: true, SeedSample: true})
	if _, err := a.SeedSample(ctx, false); err != nil {
		t.Fatal(err)
	}
	hits, err := a.SearchOffers(ctx, catalog.Query{Text: "data", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var offers []catalog.Offer
	for _, h := range hits {
		full, err := a.Offer(ctx, h.Offer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Outcomes) > 0 && len(full.Outcomes[0].Skills) > 0 {
			offers = append(offers, full)
		}
	}
	if len(offers) < 5 {
		t.Fatalf("%d sample offers with ESCO skills", len(offers))
	}
	o := offers[0]
	before, err := a.OfferIn(ctx, o.ID, "nl")
	if err != nil {
		t.Fatal(err)
	}
	if has, _ := a.st.HasESCO(ctx); has {
		t.Fatal("OfferIn loaded the taxonomy")
	}
	if got, want := before.Outcomes[0].Skills, o.Outcomes[0].Skills; len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) {
		t.Errorf("before the taxonomy: %v, want the register's %v", got, want)
	}
	if err := a.EnsureESCO(ctx); err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, o := range offers {
		fr, err := a.OfferIn(ctx, o.ID, "fr")
		if err != nil {
			t.Fatal(err)
		}
		for i, lo := range fr.Outcomes {
			for j, s := range lo.Skills {
				want, err := a.ConceptLabel(ctx, s.URI, "fr")
				if err != nil {
					t.Fatal(err)
				}
				if want != "" && s.Label != want {
					t.Errorf("%s: %q, want the French %q", s.URI, s.Label, want)
				}
				if s.Label != o.Outcomes[i].Skills[j].Label {
					changed++
				}
			}
		}
	}
	if changed == 0 {
		t.Errorf("no skill label of %d offers changed to French", len(offers))
	}
	again, err := a.Offer(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Outcomes[0].Skills[0] != o.Outcomes[0].Skills[0] {
		t.Errorf("OfferIn changed the store's offer: %v", again.Outcomes[0].Skills[0])
	}
}
