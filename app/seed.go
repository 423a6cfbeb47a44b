package app

import (
	"context"
	"fmt"
	"iter"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/sample"
	"github.com/koers-project/koers/store"
)

// SampleSource is the register source of the embedded sample register.
const SampleSource = sample.Source

// SeedSample imports the embedded sample register (source "sample"). Unless
// force is set, only a register that has never held an offer is seeded: the
// counsellor's own register is never mixed with the sample behind their
// back. It reports whether it imported anything.
func (a *App) SeedSample(ctx context.Context, force bool) (bool, error) {
	stats, err := a.st.RegisterStats(ctx)
	if err != nil {
		return false, fmt.Errorf("check register: %w", err)
	}
	if !force && (stats.OffersActive+stats.OffersWithdrawn > 0 || len(stats.Sources) > 0) {
		return false, nil
	}
	offers, err := sample.Offers()
	if err != nil {
		return false, err
	}
	seq := iter.Seq2[catalog.Offer, error](func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	})
	if _, err := a.st.ImportOffers(ctx, sample.Source, seq, store.OfferImportOptions{Full: true}); err != nil {
		return false, fmt.Errorf("import %s register: %w", sample.Source, err)
	}
	return true, nil
}
