package store

import (
	"context"
	"database/sql"
	"fmt"
)

// rankTitleFirst ranks the matches of fq that pass f with title matches
// first (issue 12: in a register mixing catalogues, courses that mention a
// word once in a short description used to outrank courses with it in
// their title, and at 1M offers title matches beyond the first thousand
// matches in register order were never ranked at all). The title tier
// comes from offers_title_fts, ranked by bm25 over the title; only when it
// fills less than want are the other matches ranked by weighted bm25 over
// every column and appended.
//
// The title tier has an index of its own because asking offers_fts for
// title matches ('title : (…)') makes FTS5 decode every position list of
// each phrase to count, for bm25, the rows holding it in the title: at 1M
// offers that cost more than ranking every column (issue 11's p95).
//
// With passed (not nil), each tier orders the offers passed reports after
// the others, and the title tier is enough only when it holds want offers
// that have not passed.
func (s *Store) rankTitleFirst(ctx context.Context, fq ftsQuery, f *filter, want int, passed func(uint32) bool) ([]scored, error) {
	rankIn := func(ix *ftsIndex) ([]scored, error) {
		if !f.onlyStatus() && f.initial == 0 {
			return s.rankInGo(ctx, ix, fq, f, max(want, budgetFor(f)))
		}
		return s.rank(ctx, ix, fq.expr, f, max(want, budgetFor(f)))
	}
	first, err := rankIn(titleOnly)
	if err != nil {
		return nil, fmt.Errorf("title matches: %w", err)
	}
	first = bookableFirst(first, passed)
	if len(first) >= want && (passed == nil || !passed(first[want-1].rid)) {
		return first, nil
	}
	rest, err := rankIn(allColumns)
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

// backfillTitles indexes the title of every stored offer in
// offers_title_fts: the Go step of migration offer_title_index, for
// registers imported before it (about two minutes at 1M offers, once).
func backfillTitles(ctx context.Context, tx *sql.Tx) error {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO offers_title_fts (rowid, title) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	rows, err := tx.QueryContext(ctx, `SELECT `+offerCols+` FROM `+offerFrom+` ORDER BY o.rid`)
	if err != nil {
		return fmt.Errorf("titles: %w", err)
	}
	defer rows.Close()
	var c docCodec
	for rows.Next() {
		rid, o, err := c.scanOffer(rows)
		if err != nil {
			return fmt.Errorf("titles: %w", err)
		}
		if _, err := ins.ExecContext(ctx, rid, textOf(&o).title); err != nil {
			return fmt.Errorf("titles: offer %d: %w", rid, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("titles: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO offers_title_fts (offers_title_fts) VALUES ('optimize')`)
	return err
}
