package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/koers-project/koers/catalog"
)

// plainQuery reports whether q has no filter and no one-letter last word,
// so that SQL alone can answer it.
func plainQuery(q catalog.Query) bool {
	return q.EQFMin == 0 && q.EQFMax == 0 && len(q.Modes) == 0 && q.Language == "" && q.Region == "" && q.MaxPrice == nil &&
		q.Scheme == "" && q.StartAfter.IsZero() && q.Provider == "" && len(q.Skills) == 0 && buildFTS(q.Text, nil).initial == 0
}

// searchCold answers a plain query before the in-memory index is loaded:
// the same ranking, withdrawn offers dropped from the decoded page.
func (s *Store) searchCold(ctx context.Context, q catalog.Query) ([]catalog.Hit, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	want := max(q.Offset, 0) + limit
	var ranked []scored
	terms, err := loadTerms(ctx, s.db) // small beside the index: prefixes expand as usual
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	fq := buildFTS(q.Text, terms)
	if fq.expr == "" {
		rows, err := s.db.QueryContext(ctx, `SELECT rid FROM offers WHERE status = 'active' OR ?1 ORDER BY rid LIMIT ?2`, q.Withdrawn, want)
		if err != nil {
			return nil, fmt.Errorf("search: %w", mapErr(err))
		}
		defer rows.Close()
		for rows.Next() {
			var rid int64
			if err := rows.Scan(&rid); err != nil {
				return nil, err
			}
			ranked = append(ranked, scored{rid: uint32(rid)})
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("search: %w", mapErr(err))
		}
	} else {
		// Title matches first, as SearchOffers ranks them.
		for _, ix := range []*ftsIndex{titleOnly, allColumns} {
			tier, err := s.coldRank(ctx, ix, fq.expr, max(want, rankBudget))
			if err != nil {
				return nil, err
			}
			ranked = appendTier(ranked, tier)
			if len(ranked) >= want+16 {
				break
			}
		}
	}
	// Decode a little more than the page, in case some are withdrawn.
	rids := make([]uint32, 0, want+16)
	for _, r := range ranked[:min(len(ranked), want+16)] {
		rids = append(rids, r.rid)
	}
	offers, err := s.offersByRIDs(ctx, rids)
	if err != nil {
		return nil, err
	}
	score := make(map[uint32]float64, len(ranked))
	for _, r := range ranked {
		score[r.rid] = r.score
	}
	hits := []catalog.Hit{}
	for i, o := range offers {
		if o.ID == "" || (o.Status != catalog.StatusActive && !q.Withdrawn) {
			continue
		}
		hits = append(hits, catalog.Hit{Offer: o, Score: -score[rids[i]]})
	}
	// Before the index loads, the passed offers go last within what was decoded.
	catalog.BookableFirst(hits, q.BookableOn)
	if q.Offset >= len(hits) {
		return []catalog.Hit{}, nil
	}
	return hits[max(q.Offset, 0):min(want, len(hits))], nil
}

// coldRank scores up to budget matches of expr in ix with FTS5's bm25 and sorts them.
func (s *Store) coldRank(ctx context.Context, ix *ftsIndex, expr string, budget int) ([]scored, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT rowid, bm25(`+ix.table+`, `+ix.bm25Args+`) FROM `+ix.table+` WHERE `+ix.table+` MATCH ?1 LIMIT ?2`,
		expr, budget)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", expr, mapErr(err))
	}
	defer rows.Close()
	var out []scored
	for rows.Next() {
		var rid int64
		var sc float64
		if err := rows.Scan(&rid, &sc); err != nil {
			return nil, err
		}
		out = append(out, scored{uint32(rid), sc})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %s: %w", expr, mapErr(err))
	}
	slices.SortFunc(out, func(a, b scored) int {
		if c := cmp.Compare(a.score, b.score); c != 0 {
			return c
		}
		return cmp.Compare(a.rid, b.rid)
	})
	return out, nil
}
