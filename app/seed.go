package app

import (
	"context"
	"fmt"
	"iter"
	"sync"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/esco"
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

// SeedESCO loads the ESCO snapshot that ships with the binary into a
// database that holds no ESCO concept yet. It reports whether it loaded
// anything; a database with ESCO (imported or seeded) is left alone.
func (a *App) SeedESCO(ctx context.Context) (bool, error) {
	return a.st.SeedESCO(ctx, store.ESCOSnapshot{Version: esco.Version, Read: func(v catalog.ESCOVisitor) error {
		_, err := esco.Read(v)
		return err
	}})
}

// ESCOAttribution is the notice the Commission's reuse policy asks of a
// service that uses ESCO; faces print it where ESCO's data is listed.
const ESCOAttribution = esco.Attribution

// escoLoader loads the ESCO snapshot once, on the first use of the
// taxonomy; copies of an App (As) share it.
type escoLoader struct {
	mu   sync.Mutex
	done bool
	told func(what string)
}

// ensureESCO loads the embedded ESCO snapshot into a database that holds
// no ESCO yet, the first time a use-case needs occupations or skills. A
// database that has ESCO (the snapshot, or an import of a newer one) is
// left as it is.
func (a *App) ensureESCO(ctx context.Context) error {
	l := a.esco
	if l == nil || a.st == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return nil
	}
	has, err := a.st.HasESCO(ctx)
	if err != nil {
		return err
	}
	if !has {
		if l.told != nil {
			l.told("esco")
		}
		// The load happens once and takes seconds: a short deadline on the
		// first query that needs the taxonomy (the TUI's occupation
		// picker) must not abort it half-way, or every first use on a busy
		// machine fails ("context deadline exceeded").
		if _, err := a.SeedESCO(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("seed esco: %w", err)
		}
	}
	l.done = true
	return nil
}

// EnsureESCO loads the ESCO snapshot now if this database still lacks it
// (for a face or a test that wants the load done up front).
func (a *App) EnsureESCO(ctx context.Context) error { return a.ensureESCO(ctx) }
