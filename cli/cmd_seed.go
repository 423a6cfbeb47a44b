package cli

import (
	"context"
	"fmt"
	"iter"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/sample"
	"github.com/koers-project/koers/store"
)

// seedSample imports the embedded sample register (source "sample") into a
// register that has never held an offer, so a first `go run .` is useful
// at once. A register with offers or an import history is left alone: the
// counsellor's own register is never mixed with the sample behind their back.
func seedSample(ctx context.Context, st *store.Store) error {
	stats, err := st.RegisterStats(ctx)
	if err != nil {
		return fmt.Errorf("check register: %w", err)
	}
	if stats.OffersActive+stats.OffersWithdrawn > 0 || len(stats.Sources) > 0 {
		return nil
	}
	offers, err := sample.Offers()
	if err != nil {
		return err
	}
	seq := iter.Seq2[catalog.Offer, error](func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	})
	if _, err := st.ImportOffers(ctx, sample.Source, seq, store.OfferImportOptions{Full: true}); err != nil {
		return fmt.Errorf("import %s register: %w", sample.Source, err)
	}
	return nil
}
