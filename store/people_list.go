package store

import (
	"sort"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// The People list's matching and order, written once for both engines and
// for the sealed search.

// PeopleWords are the folded words of a People query.
func PeopleWords(query string) []string { return strings.Fields(catalog.FoldSearch(query)) }

// PersonMatch says whether a person summary matches the words of a People
// query (every word occurs in the name, the e-mail or the id, case and
// diacritics folded), and gives its sort key (folded name, then id).
func PersonMatch(words []string, ps sessions.PersonSummary) (key string, ok bool) {
	name := catalog.FoldSearch(ps.Name)
	hay := name + " " + catalog.FoldSearch(ps.Email) + " " + ps.ID
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return "", false
		}
	}
	return name + "\x00" + ps.ID, true
}

// PeopleHits collects a People list: each summary with its sort key.
type PeopleHits struct{ hits []personHit }

type personHit struct {
	key string
	ps  sessions.PersonSummary
}

// Add keeps ps under its sort key.
func (h *PeopleHits) Add(key string, ps sessions.PersonSummary) {
	h.hits = append(h.hits, personHit{key: key, ps: ps})
}

// Top is the list by sort key, at most limit long.
func (h *PeopleHits) Top(limit int) []sessions.PersonSummary {
	sort.Slice(h.hits, func(a, b int) bool { return h.hits[a].key < h.hits[b].key })
	out := make([]sessions.PersonSummary, 0, min(len(h.hits), limit))
	for _, x := range h.hits[:min(len(h.hits), limit)] {
		out = append(out, x.ps)
	}
	return out
}
