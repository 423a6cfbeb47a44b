package store

import (
	"context"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/sessions"
)

// BenchmarkReport runs the full report over a generated population. By
// default 2,000 people are generated into a temporary database;
// KOERS_REPORT_PEOPLE=N generates N instead, and KOERS_REPORT_DB=PATH
// reuses a database made by `koers gen --people 100000 --seed 1 --as-of
// 2026-12-01 -o PATH` (about a million ledger entries; see BENCHMARKS.md).
func BenchmarkReport(b *testing.B) {
	ctx := context.Background()
	path := os.Getenv("KOERS_REPORT_DB")
	if path == "" {
		n := 2000
		if v, err := strconv.Atoi(os.Getenv("KOERS_REPORT_PEOPLE")); err == nil && v > 0 {
			n = v
		}
		path = filepath.Join(b.TempDir(), "pop.db")
		st, err := Open(ctx, path, Options{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.ImportOffers(ctx, "t", offerSeq(reportFixtureOffers()), OfferImportOptions{}); err != nil {
			b.Fatal(err)
		}
		offers, err := st.GenOffers(ctx, 100)
		if err != nil {
			b.Fatal(err)
		}
		asOf := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		if _, _, err := st.WritePopulation(ctx, sessions.GeneratePopulation(1, n, offers, asOf)); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	st, err := Open(ctx, path, Options{Actor: "bench", Now: func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	p := report.Params{From: 20251202, To: 20261201, K: report.DefaultK}
	for b.Loop() {
		if _, err := st.RunReport(ctx, p, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func offerSeq(list []catalog.Offer) iter.Seq2[catalog.Offer, error] {
	return func(yield func(catalog.Offer, error) bool) {
		for _, o := range list {
			if !yield(o, nil) {
				return
			}
		}
	}
}
