package store

import (
	"context"
	"iter"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// benchOffers is the size of the register the Go benchmarks build; the
// 1M-offer figures come from bench/run.sh, never from go test.
const benchOffers = 20000

func generated(n int) iter.Seq2[catalog.Offer, error] {
	return func(yield func(catalog.Offer, error) bool) {
		for o := range catalog.Generate(1, n) {
			if !yield(o, nil) {
				return
			}
		}
	}
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	st := openTB(b)
	if _, err := st.ImportOffers(context.Background(), "gen", generated(benchOffers), OfferImportOptions{}); err != nil {
		b.Fatal(err)
	}
	return st
}

// typed is a phrase as typed, one key at a time.
func typed(p string) []string {
	var out []string
	for i := 1; i <= len(p); i++ {
		out = append(out, p[:i])
	}
	return out
}

func benchKeystrokes(b *testing.B, base catalog.Query, facets bool) {
	st := benchStore(b)
	ctx := context.Background()
	keys := append(typed("data analyse python"), typed("zorgkundige thuiszorg")...)
	for b.Loop() {
		st.ClearSearchCache()
		for _, k := range keys {
			q := base
			q.Text = k
			if facets {
				if _, err := st.CountFacets(ctx, q); err != nil {
					b.Fatal(err)
				}
			} else if _, err := st.SearchOffers(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*len(keys)), "ms/keystroke")
}

func BenchmarkFirstPage(b *testing.B) { benchKeystrokes(b, catalog.Query{}, false) }
func BenchmarkFacets(b *testing.B)    { benchKeystrokes(b, catalog.Query{}, true) }
func BenchmarkFirstPageFiltered(b *testing.B) {
	benchKeystrokes(b, catalog.Query{EQFMin: 4, EQFMax: 6, Modes: []catalog.Mode{catalog.ModeOnline}, Language: "nl"}, false)
}
func BenchmarkFacetsFiltered(b *testing.B) {
	benchKeystrokes(b, catalog.Query{EQFMin: 4, EQFMax: 6, Modes: []catalog.Mode{catalog.ModeOnline}, Language: "nl"}, true)
}

func BenchmarkImport(b *testing.B) {
	const n = 2000
	for b.Loop() {
		b.StopTimer()
		st := openTB(b)
		b.StartTimer()
		if _, err := st.ImportOffers(context.Background(), "gen", generated(n), OfferImportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "offers/s")
}
