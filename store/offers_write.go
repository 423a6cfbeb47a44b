package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// unindex removes a changed offer's old text from FTS (a contentless
// index needs the text it was given) and its old skills.
// It runs before the row is updated.
func (w *offerWriter) unindex(ctx context.Context, rid int64) error {
	_, old, err := w.codec.scanOffer(w.old.QueryRowContext(ctx, rid))
	if err != nil {
		return fmt.Errorf("stored offer: %w", err)
	}
	ot := textOf(&old)
	if _, err := w.ftsDel.ExecContext(ctx, rid, ot.title, ot.description, ot.outcomes, ot.skills, ot.provider); err != nil {
		return fmt.Errorf("unindex: %w", err)
	}
	if _, err := w.titleDel.ExecContext(ctx, rid, ot.title); err != nil {
		return fmt.Errorf("unindex: %w", err)
	}
	for _, ph := range termPhrases(ot, &w.seen) {
		w.termRows[ph]--
	}
	for _, sk := range old.Skills() {
		id, err := w.skill(ctx, sk.URI)
		if err != nil {
			return err
		}
		if _, err := w.skDel.ExecContext(ctx, id, rid); err != nil {
			return err
		}
	}
	return nil
}

// writePairs writes the offer_skills rows collected since the last call in
// key order (appending to the b-tree instead of inserting all over it),
// 200 rows a statement, and forgets them. (They were kept: every batch
// wrote every pair of the import again, so that each batch, and the final
// transaction, took longer than the one before — 1.7 s a batch two
// minutes into a 200k-offer import.)
func (w *offerWriter) writePairs(ctx context.Context) error {
	slices.Sort(w.pairs)
	pairs := slices.Compact(w.pairs)
	defer func() { w.pairs = w.pairs[:0] }()
	const batch = 200
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, 2*batch)
	for start := 0; start < len(pairs); start += batch {
		chunk := pairs[start:min(start+batch, len(pairs))]
		args = args[:0]
		for _, p := range chunk {
			args = append(args, int64(p>>32), int64(p&0xffffffff))
		}
		q := `INSERT OR IGNORE INTO offer_skills (skill, offer) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(chunk)), ", ")
		var err error
		if len(chunk) == batch {
			if stmt == nil {
				if stmt, err = w.tx.PrepareContext(ctx, q); err != nil {
					return fmt.Errorf("import offers: skills: %w", err)
				}
			}
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = w.tx.ExecContext(ctx, q, args...)
		}
		if err != nil {
			return fmt.Errorf("import offers: skills: %w", err)
		}
	}
	return nil
}

// withdrawMissing marks the source's active offers that the import did not
// see as withdrawn.
func (w *offerWriter) withdrawMissing(ctx context.Context, source string, seen *bitset) (int, error) {
	gone, err := w.missing(ctx, source, seen)
	if err != nil {
		return 0, err
	}
	for _, rid := range gone {
		if _, err := w.tx.ExecContext(ctx, `UPDATE offers SET status = 'withdrawn', updated_at = ?, updated_by = ? WHERE rid = ?`, w.stamp, w.actor, rid); err != nil {
			return 0, fmt.Errorf("withdraw: %w", err)
		}
		w.idx.withdraw(rid)
	}
	return len(gone), nil
}

// missing is the source's active offers the import did not see.
func (w *offerWriter) missing(ctx context.Context, source string, seen *bitset) ([]int64, error) {
	rows, err := w.tx.QueryContext(ctx, `SELECT rid FROM offers WHERE source = ? AND status = 'active'`, source)
	if err != nil {
		return nil, fmt.Errorf("withdraw: %w", err)
	}
	var gone []int64
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			rows.Close()
			return nil, err
		}
		if !seen.has(rid) {
			gone = append(gone, rid)
		}
	}
	rows.Close()
	return gone, rows.Err()
}

// finishImport is the import's final transaction (import_stage.go): the
// changed offers' staged copies replace their old rows, missing offers
// are withdrawn, each source's import is recorded, the vocabulary and the
// term counts are written, the generation is bumped and its search index
// saved. The stage then raises the ceiling over the staged rows.
func (w *offerWriter) finishImport(tx *sql.Tx) error {
	ctx := context.Background()
	if t, ok := w.tx.(*sql.Tx); !ok || t != tx {
		return fmt.Errorf("import offers: finish on a transaction the writer is not bound to")
	}
	if err := w.writePairs(ctx); err != nil {
		return err
	}
	if err := w.swapChanged(ctx); err != nil {
		return err
	}
	for i, r := range w.runs {
		n := r.counts
		if r.full {
			var err error
			if n.Withdrawn, err = w.withdrawMissing(ctx, r.source, r.seen); err != nil {
				return err
			}
			w.runs[i].counts.Withdrawn = n.Withdrawn
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sources (name, last_import_at, added, changed, unchanged, withdrawn, active, created_at, created_by, updated_at, updated_by)
			VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT count(*) FROM offers WHERE source = ?1 AND status = 'active'), ?2, ?7, ?2, ?7)
			ON CONFLICT (name) DO UPDATE SET last_import_at = excluded.last_import_at, added = excluded.added, changed = excluded.changed,
			unchanged = excluded.unchanged, withdrawn = excluded.withdrawn, active = excluded.active,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			r.source, w.stamp, n.Added, n.Changed, n.Unchanged, n.Withdrawn, w.actor); err != nil {
			return fmt.Errorf("import offers: finish: %w", err)
		}
	}
	if len(w.runs) == 0 {
		return nil // an import of ESCO files only
	}
	if err := w.writeTerms(ctx, w.terms, w.hadOffers); err != nil {
		return err
	}
	for _, q := range []string{`INSERT INTO meta (key, value, updated_at, updated_by) VALUES ('register.generation', '1', ?1, ?2)
			ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT), updated_at = ?1, updated_by = ?2`} {
		if _, err := tx.ExecContext(ctx, q, w.stamp, w.actor); err != nil {
			return fmt.Errorf("import offers: finish: %w", err)
		}
	}
	var gen string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'register.generation'`).Scan(&gen); err != nil {
		return fmt.Errorf("import offers: finish: %w", err)
	}
	if err := saveIndex(ctx, tx, w.idx, gen); err != nil {
		return fmt.Errorf("import offers: save index: %w", err)
	}
	return nil
}

// swapChanged replaces each changed offer's old row by its staged copy,
// which takes the old row's id, key and creation stamp.
func (w *offerWriter) swapChanged(ctx context.Context) error {
	for _, sw := range w.swaps {
		var id, createdAt, createdBy string
		if err := w.tx.QueryRowContext(ctx, `SELECT id, created_at, created_by FROM offers WHERE rid = ?`, sw.old).Scan(&id, &createdAt, &createdBy); err != nil {
			return fmt.Errorf("import offers: swap: %w", err)
		}
		if err := w.unindex(ctx, sw.old); err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(ctx, `DELETE FROM offers WHERE rid = ?`, sw.old); err != nil {
			return fmt.Errorf("import offers: swap: %w", err)
		}
		if _, err := w.upd.ExecContext(ctx, id, sw.sourceID, createdAt, createdBy, sw.staged); err != nil {
			return fmt.Errorf("import offers: swap: %w", err)
		}
		w.idx.drop(sw.old)
	}
	return nil
}

// bitset is a growable set of small non-negative integers (rowids).
type bitset []uint64

func (b *bitset) set(i int64) {
	for int(i>>6) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i>>6] |= 1 << (i & 63)
}

func (b bitset) has(i int64) bool {
	return i >= 0 && int(i>>6) < len(b) && b[i>>6]&(1<<(i&63)) != 0
}
