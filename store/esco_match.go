package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// MatchConcepts finds concepts of kind whose preferred, alternative or
// hidden label in any loaded language matches query, folded for case,
// diacritics, apostrophes, hyphens and gender pairs. Results come best
// first, labelled in lang with fallback (English, then any language).
func (s *Store) MatchConcepts(ctx context.Context, kind catalog.ConceptKind, query, lang string, limit int) ([]catalog.ConceptMatch, error) {
	if limit <= 0 {
		limit = 10
	}
	variants := catalog.FoldVariants(query)
	if len(variants) == 0 {
		return nil, nil
	}
	// Match on every variant of a "/" pair query; the first is the whole.
	qs := variants
	if len(variants) > 1 {
		qs = variants[1:]
	}
	longest := ""
	for _, q := range qs {
		for _, t := range strings.Fields(q) {
			if len(t) > len(longest) {
				longest = t
			}
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT f.uri, f.folded, f.lang, f.kind, f.label, c.isco
		FROM esco_label_folds f JOIN esco_concepts c ON c.uri = f.uri
		WHERE f.ckind = ? AND instr(f.folded, ?) > 0`, string(kind), longest)
	if err != nil {
		return nil, fmt.Errorf("match %s: %w", kind, mapErr(err))
	}
	defer rows.Close()
	best := map[string]*catalog.ConceptMatch{}
	for rows.Next() {
		var uri, folded, flang, lkind, label, isco string
		if err := rows.Scan(&uri, &folded, &flang, &lkind, &label, &isco); err != nil {
			return nil, fmt.Errorf("match %s: %w", kind, err)
		}
		sc := 0.0
		for _, q := range qs {
			sc = max(sc, matchScore(q, folded))
		}
		if sc == 0 {
			continue
		}
		switch catalog.LabelKind(lkind) {
		case catalog.LabelPreferred:
			sc += 0.04
		case catalog.LabelAlt:
			sc += 0.02
		}
		if flang == lang {
			sc += 0.01
		}
		if m, ok := best[uri]; !ok || sc > m.Score {
			best[uri] = &catalog.ConceptMatch{URI: uri, Kind: kind, MatchedLabel: label, MatchedLang: flang, ISCO: isco, Score: sc}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match %s: %w", kind, mapErr(err))
	}
	out := make([]catalog.ConceptMatch, 0, len(best))
	for _, m := range best {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if len(out[i].MatchedLabel) != len(out[j].MatchedLabel) {
			return len(out[i].MatchedLabel) < len(out[j].MatchedLabel)
		}
		return out[i].URI < out[j].URI
	})
	if len(out) > limit {
		out = out[:limit]
	}
	for i := range out {
		out[i].Score = float64(int(out[i].Score*1000+0.5)) / 1000
		l, ll, err := s.conceptLabel(ctx, out[i].URI, lang)
		if err != nil {
			return nil, err
		}
		out[i].Label, out[i].LabelLang = l, ll
	}
	return out, nil
}

// matchScore rates how well folded label f matches folded query q, from 0
// (no match) to 1 (the same words), before label-kind bonuses.
func matchScore(q, f string) float64 {
	if q == "" {
		return 0
	}
	lenRatio := float64(len(q)) / float64(max(len(f), 1)) // how much of the label the query covers
	switch {
	case f == q:
		return 0.9
	case strings.HasPrefix(f, q+" "):
		return 0.6 + 0.2*lenRatio
	case strings.HasPrefix(f, q):
		return 0.55 + 0.2*lenRatio
	case strings.Contains(f, " "+q+" ") || strings.HasSuffix(f, " "+q):
		return 0.5 + 0.2*lenRatio
	case strings.Contains(f, " "+q):
		return 0.45 + 0.2*lenRatio
	}
	// Every query word at the start of some label word, in any order.
	words := strings.Fields(f)
	for _, t := range strings.Fields(q) {
		found := false
		for _, w := range words {
			if strings.HasPrefix(w, t) {
				found = true
				break
			}
		}
		if !found {
			if len(strings.Fields(q)) == 1 && strings.Contains(f, q) {
				return 0.2 + 0.1*lenRatio // inside a compound word: "kapper" in "dameskapper"
			}
			return 0
		}
	}
	return 0.35 + 0.2*lenRatio
}

// conceptLabel is the preferred label of uri in lang, else English, else
// any language, with the language it is in.
func (s *Store) conceptLabel(ctx context.Context, uri, lang string) (string, string, error) {
	var label, l string
	err := s.db.QueryRowContext(ctx, `SELECT preferred, lang FROM esco_texts WHERE uri = ?
		ORDER BY CASE lang WHEN ? THEN 0 WHEN 'en' THEN 1 ELSE 2 END, lang LIMIT 1`, uri, lang).Scan(&label, &l)
	if err == sql.ErrNoRows {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("label of %s: %w", uri, err)
	}
	return label, l, nil
}

// ConceptLabel is the preferred label of an ESCO concept in lang, else in
// English, else in any language; "" when the taxonomy does not know it.
func (s *Store) ConceptLabel(ctx context.Context, uri, lang string) (string, error) {
	label, _, err := s.conceptLabel(ctx, uri, lang)
	return label, err
}
