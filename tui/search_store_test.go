package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/sample"
	"github.com/koers-project/koers/store"
)

// The store is what main passes as the register.
var _ Register = (*store.Store)(nil)

func seededStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "koers.db"), store.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	offers, err := sample.Offers()
	if err != nil {
		t.Fatal(err)
	}
	seq := func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	}
	if _, err := st.ImportOffers(ctx, sample.Source, seq, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestAnythingTypedSearches: whatever a person types in the box searches
// and never ends in an error on the status line.
func TestAnythingTypedSearches(t *testing.T) {
	sh := testShared(t, "en")
	sh.Deps.Register = seededStore(t)
	for _, q := range []string{`"`, `data"`, `*`, `-`, `-zorg`, `:`, `title:data`, `(`, `)`, `NEAR`, `data NEAR zorg`,
		`AND`, `OR`, `NOT`, `data AND`, `^`, `'`, `l'énergie`, `énergie`, `ÉNERGIE`, `%`, `_`, `\`, `{}`, `données?`} {
		p := NewSearchPage(sh, nil).(*searchPage)
		p.SetSize(80, 21)
		p.input.SetValue(q)
		p.seq++
		runSearch(p, p.fetch(p.seq))
		if p.err != "" {
			t.Errorf("typing %q: %s", q, p.err)
		}
	}
	// case and diacritics fold: the same offers, in the same order
	var first []string
	for _, q := range []string{"energie", "énergie", "ENERGIE", "Energie"} {
		p := NewSearchPage(sh, nil).(*searchPage)
		p.SetSize(80, 21)
		p.input.SetValue(q)
		p.seq++
		runSearch(p, p.fetch(p.seq))
		var ids []string
		for _, h := range p.hits {
			ids = append(ids, h.Offer.ID)
		}
		if len(ids) == 0 {
			t.Fatalf("%q found nothing", q)
		}
		if first == nil {
			first = ids
		} else if strings.Join(ids, " ") != strings.Join(first, " ") {
			t.Errorf("%q found other offers than %q", q, "energie")
		}
	}
}

// TestSearchPageOnSeededStore drives the page against a real temporary
// store seeded with the sample register: typing narrows, a filter
// narrows further, and the detail gets the full offer from the store.
func TestSearchPageOnSeededStore(t *testing.T) {
	sh := testShared(t, "en")
	sh.Deps.Register = seededStore(t)
	p := NewSearchPage(sh, nil).(*searchPage)
	p.SetSize(80, 21)
	runSearch(p, p.Init())
	if p.facets == nil {
		t.Fatal("no facets for the whole register")
	}
	all := p.facets.Total
	for _, c := range "zorg" {
		_, cmd := p.Update(navKey(string(c)))
		runSearch(p, cmd)
	}
	zorg := p.facets.Total
	if zorg == 0 || zorg >= all/3 {
		t.Fatalf("zorg: %d of %d offers, want a visible narrowing", zorg, all)
	}
	if len(p.hits) == 0 || !strings.Contains(strings.ToLower(p.hits[0].Offer.Title+p.hits[0].Offer.Description), "zorg") {
		t.Fatalf("first hit for zorg: %+v", p.hits)
	}
	// esc, f, EQF from 5 (five steps right), close: fewer offers, all ≥ 5
	for _, k := range []string{"esc", "f", "l", "l", "l", "l", "l", "esc"} {
		_, cmd := p.Update(navKey(k))
		runSearch(p, cmd)
	}
	if p.facets.Total == 0 || p.facets.Total >= zorg {
		t.Fatalf("zorg at EQF ≥ 5: %d of %d", p.facets.Total, zorg)
	}
	for _, h := range p.hits {
		if h.Offer.EQF < 5 {
			t.Errorf("%s is EQF %d, filter says ≥ 5", h.Offer.Title, h.Offer.EQF)
		}
	}
	_, cmd := p.Update(navKey("enter"))
	runSearch(p, cmd)
	if p.detail == nil || !p.detail.full || p.detail.err != nil {
		t.Fatalf("detail did not load from the store: %+v", p.detail)
	}
	if v := searchPlain(p); !strings.Contains(v, "Learning outcomes") || !strings.Contains(v, p.hits[0].Offer.Title) {
		t.Errorf("detail view:\n%s", v)
	}
}
