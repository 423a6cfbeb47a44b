package store

import (
	"context"
	"fmt"
)

// titleExpr restricts an FTS expression to the title column.
func titleExpr(expr string) string { return "title : (" + expr + ")" }

// rankTitleFirst ranks the matches of fq that pass f with title matches
// first (issue 12: in a register mixing catalogues, courses that mention a
// word once in a short description used to outrank courses with it in
// their title, and at 1M offers title matches beyond the first thousand
// matches in register order were never ranked at all). The title matches
// are ranked among themselves; only when they fill less than want are the
// other matches ranked and appended, each tier by weighted bm25.
//
// With passed (not nil), each tier orders the offers passed reports after
// the others, and the title tier is enough only when it holds want offers
// that have not passed.
func (s *Store) rankTitleFirst(ctx context.Context, fq ftsQuery, f *filter, want int, passed func(uint32) bool) ([]scored, error) {
	rankExpr := func(q ftsQuery) ([]scored, error) {
		if !f.onlyStatus() && f.initial == 0 {
			return s.rankInGo(ctx, q, f, max(want, budgetFor(f)))
		}
		return s.rank(ctx, q.expr, f, max(want, budgetFor(f)))
	}
	tq := fq
	tq.expr = titleExpr(fq.expr)
	first, err := rankExpr(tq)
	if err != nil {
		return nil, fmt.Errorf("title matches: %w", err)
	}
	first = bookableFirst(first, passed)
	if len(first) >= want && (passed == nil || !passed(first[want-1].rid)) {
		return first, nil
	}
	rest, err := rankExpr(fq)
	if err != nil {
		return nil, err
	}
	return bookableFirst(appendTier(first, rest), passed), nil
}

// appendTier appends to first the entries of rest it does not hold.
func appendTier(first, rest []scored) []scored {
	in := make(map[uint32]bool, len(first))
	for _, r := range first {
		in[r.rid] = true
	}
	for _, r := range rest {
		if !in[r.rid] {
			first = append(first, r)
		}
	}
	return first
}
