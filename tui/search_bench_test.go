package tui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/sample"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/store"
)

// benchDB is KOERS_BENCH_DB (a copy of a large register: the benchmark
// opens it read-write, as the TUI does) or a temporary store seeded with
// the sample register.
func benchDB(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("KOERS_BENCH_DB"); p != "" {
		return p
	}
	path := filepath.Join(b.TempDir(), "koers.db")
	st, err := store.Open(context.Background(), path, store.Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	offers, err := sample.Offers()
	if err != nil {
		b.Fatal(err)
	}
	seq := func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	}
	if _, err := st.ImportOffers(context.Background(), sample.Source, seq, store.OfferImportOptions{}); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchShared is shared state in English with a fixed clock.
func benchShared(reg Register) *Shared {
	sh := newShared(locale.Must(), Deps{Register: reg}, Options{Lang: "en", Now: func() time.Time {
		return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	}})
	return sh
}

// firstPage runs the page's current query for its first page only, as the
// runtime would deliver it (the facets go in a message of their own and
// are measured apart).
func firstPage(p *searchPage) {
	p.seq++
	p.Update(searchHits(context.Background(), p.reg, p.seq, p.query())())
}

// BenchmarkSearchColdStart is the TUI's start to first results on screen:
// open the database, build the root model with the search page, run its
// first query and render.
func BenchmarkSearchColdStart(b *testing.B) {
	path := benchDB(b)
	ctx := context.Background()
	for b.Loop() {
		st, err := store.Open(ctx, path, store.Options{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		sh := benchShared(st)
		page := NewSearchPage(sh, nil).(*searchPage)
		m := newModel(sh, page)
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		firstPage(page)
		if len(page.hits) == 0 {
			b.Fatal("no first page")
		}
		_ = m.render()
		st.Close()
	}
}

// BenchmarkSearchKeystroke is, per keystroke (after the debounce), the
// first page on screen (query, reply, render) and, apart, the count and
// facets; phrases typed letter by letter.
func BenchmarkSearchKeystroke(b *testing.B) {
	path := benchDB(b)
	st, err := store.Open(context.Background(), path, store.Options{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var prefixes []string
	for _, phrase := range []string{"data analyse", "zorgkundige", "énergie"} {
		for i := range []rune(phrase) {
			prefixes = append(prefixes, string([]rune(phrase)[:i+1]))
		}
	}
	p := NewSearchPage(benchShared(st), nil).(*searchPage)
	p.SetSize(80, 21)
	b.Run("first-page", func(b *testing.B) {
		i := 0
		for b.Loop() {
			p.input.SetValue(prefixes[i%len(prefixes)])
			i++
			firstPage(p)
			_ = p.View()
		}
	})
	b.Run("facets", func(b *testing.B) {
		i := 0
		for b.Loop() {
			p.input.SetValue(prefixes[i%len(prefixes)])
			i++
			p.seq++
			p.Update(searchFacets(context.Background(), p.reg, p.seq, p.query())())
		}
	})
}
