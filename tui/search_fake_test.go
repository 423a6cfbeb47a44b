package tui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/sample"
)

// fakeRegister searches the sample register in memory, the way the store
// does in outline: every typed word is a prefix of a word of the title,
// provider, description or outcomes (case and diacritics folded), filters
// apply, title matches rank first. It records the queries it served.
type fakeRegister struct {
	offers []catalog.Offer
	words  [][]string // folded words per offer
	title  [][]string

	mu      sync.Mutex
	served  []string // Text of each SearchOffers call, in order
	ctxErrs []error  // the context's error at each SearchOffers call
}

func newFakeRegister(t *testing.T) *fakeRegister {
	t.Helper()
	os, err := sample.Offers()
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRegister{}
	for i, o := range os {
		o.ID = fmt.Sprintf("offer-%04d", i+1)
		f.offers = append(f.offers, o)
		var text []string
		text = append(text, o.Title, o.Provider, o.Description)
		for _, lo := range o.Outcomes {
			text = append(text, lo.Text)
		}
		f.words = append(f.words, strings.Fields(catalog.Fold(strings.Join(text, " "))))
		f.title = append(f.title, strings.Fields(catalog.Fold(o.Title)))
	}
	return f
}

func fakeHasPrefix(words []string, p string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, p) })
}

func (f *fakeRegister) match(q catalog.Query) []catalog.Hit {
	terms := strings.Fields(catalog.Fold(q.Text))
	var hits []catalog.Hit
	for i, o := range f.offers {
		if o.Status == catalog.StatusWithdrawn && !q.Withdrawn {
			continue
		}
		if !fakePasses(o, q) {
			continue
		}
		score, ok := 0.0, true
		for _, t := range terms {
			if !fakeHasPrefix(f.words[i], t) {
				ok = false
				break
			}
			if fakeHasPrefix(f.title[i], t) {
				score += 2
			}
			score++
		}
		if ok {
			hits = append(hits, catalog.Hit{Offer: o, Score: score})
		}
	}
	slices.SortStableFunc(hits, func(a, b catalog.Hit) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	catalog.BookableFirst(hits, q.BookableOn) // as the store orders them
	return hits
}

func fakePasses(o catalog.Offer, q catalog.Query) bool {
	switch {
	case q.EQFMin > 0 && (o.EQF < q.EQFMin):
		return false
	case q.EQFMax > 0 && (o.EQF < 1 || o.EQF > q.EQFMax):
		return false
	case len(q.Modes) > 0 && !slices.Contains(q.Modes, o.Mode):
		return false
	case q.Language != "" && !slices.Contains(o.Languages, q.Language):
		return false
	case q.Region != "" && !strings.HasPrefix(o.Region, q.Region):
		return false
	case q.MaxPrice != nil && (o.Price == nil || *o.Price > *q.MaxPrice):
		return false
	case q.Scheme != "" && !slices.Contains(o.Schemes, q.Scheme):
		return false
	case !q.StartAfter.IsZero() && (o.Start.IsZero() || o.Start.Before(q.StartAfter)):
		return false
	}
	return true
}

func (f *fakeRegister) SearchOffers(ctx context.Context, q catalog.Query) ([]catalog.Hit, error) {
	f.mu.Lock()
	f.served = append(f.served, q.Text)
	f.ctxErrs = append(f.ctxErrs, ctx.Err())
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hits := f.match(q)
	if q.Offset >= len(hits) {
		return nil, nil
	}
	hits = hits[q.Offset:]
	if q.Limit > 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	return hits, nil
}

func (f *fakeRegister) CountFacets(_ context.Context, q catalog.Query) (catalog.Facets, error) {
	hits := f.match(q)
	count := map[string]map[string]int{"eqf": {}, "mode": {}, "lang": {}, "scheme": {}}
	for _, h := range hits {
		o := h.Offer
		e := "unknown"
		switch {
		case o.EQF == catalog.EQFNotApplicable:
			e = "n/a"
		case o.EQF >= 1:
			e = strconv.Itoa(int(o.EQF))
		}
		count["eqf"][e]++
		count["mode"][string(o.Mode)]++
		for _, l := range o.Languages {
			count["lang"][l]++
		}
		for _, s := range o.Schemes {
			count["scheme"][s]++
		}
	}
	sorted := func(m map[string]int, byCount bool) []catalog.Bucket {
		var bs []catalog.Bucket
		for v, n := range m {
			bs = append(bs, catalog.Bucket{Value: v, Count: n})
		}
		slices.SortFunc(bs, func(a, b catalog.Bucket) int {
			if byCount && a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		return bs
	}
	return catalog.Facets{Total: len(hits), EQF: sorted(count["eqf"], false), Mode: sorted(count["mode"], true),
		Language: sorted(count["lang"], true), Scheme: sorted(count["scheme"], true)}, nil
}

func (f *fakeRegister) Offer(_ context.Context, id string) (catalog.Offer, error) {
	for _, o := range f.offers {
		if o.ID == id {
			return o, nil
		}
	}
	return catalog.Offer{}, fmt.Errorf("offer %s: not found", id)
}
