package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/koers-project/koers/catalog"
)

// FactsProgress reports how many offers the planner's index has re-read.
type FactsProgress func(done, total int)

func metaValue(ctx context.Context, q rowQuerier, key string) (string, error) {
	var g string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&g)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return g, err
}

// SyncPlanFacts brings the planner's index of the register
// (plan_offer_facts, plan_skill_offers, plan_offer_refs) up to date: it
// re-reads only offers that are new or changed since the last sync, and
// does nothing at all when no import happened since. Suggest and gap call
// it first; after a big import the first call takes a while (progress
// reports it); `koers plan index` runs it on its own.
func (s *Store) SyncPlanFacts(ctx context.Context, progress FactsProgress) error {
	gen, err := metaValue(ctx, s.db, "register.generation")
	if err != nil {
		return fmt.Errorf("planner index: %w", err)
	}
	done, err := metaValue(ctx, s.db, "plan.facts_generation")
	if err != nil {
		return fmt.Errorf("planner index: %w", err)
	}
	if gen == done {
		return nil
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM plan_skill_offers WHERE rid NOT IN (SELECT rid FROM offers)`,
			`DELETE FROM plan_offer_refs WHERE rid NOT IN (SELECT rid FROM offers)`,
			`DELETE FROM plan_offer_facts WHERE rid NOT IN (SELECT rid FROM offers)`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("planner index: %w", err)
			}
		}
		stale, err := ints(ctx, tx, `SELECT o.rid FROM offers o LEFT JOIN plan_offer_facts f ON f.rid = o.rid
			WHERE (f.rid IS NULL OR f.hash <> o.hash OR f.id <> o.id OR f.status <> o.status) AND o.rid <= `+ceilingSQL+` ORDER BY o.rid`)
		if err != nil {
			return fmt.Errorf("planner index: %w", err)
		}
		if err := s.refreshFacts(ctx, tx, stale, progress); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at, updated_by) VALUES ('plan.facts_generation', ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			gen, s.stamp(), s.actor)
		return err
	})
}

func ints(ctx context.Context, q rowQuerier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

type rawDoc struct {
	rid        int64
	id, status string
	hash       int64
	offer      catalog.Offer
	err        error
}

// refreshFacts re-reads the stale offers' documents and rewrites their
// facts, skill rows and references.
func (s *Store) refreshFacts(ctx context.Context, tx *sql.Tx, stale []int64, progress FactsProgress) error {
	// A first sync (an empty index) has nothing to delete.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM plan_offer_facts LIMIT 1)`).Scan(&n); err != nil {
		return fmt.Errorf("planner index: %w", err)
	}
	fresh := n == 0
	skillID := map[string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT id, uri FROM offer_skill_uris`)
	if err != nil {
		return fmt.Errorf("planner index: %w", err)
	}
	for rows.Next() {
		var id int64
		var uri string
		if err := rows.Scan(&id, &uri); err != nil {
			rows.Close()
			return err
		}
		skillID[uri] = id
	}
	rows.Close()
	facts := newBatch(ctx, tx, `INSERT OR REPLACE INTO plan_offer_facts (rid, id, hash, source, source_id, title, status, eqf, mode,
		languages, region, price, minutes, ects, start, end_date, apply_by, schemes, currency, weeks) VALUES `, 20)
	skills := newBatch(ctx, tx, `INSERT OR IGNORE INTO plan_skill_offers (skill, price, minutes, rid) VALUES `, 4)
	refs := newBatch(ctx, tx, `INSERT OR IGNORE INTO plan_offer_refs (rid, kind, target) VALUES `, 3)
	defer facts.close()
	defer skills.close()
	defer refs.close()
	for start := 0; start < len(stale); start += 2000 {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := stale[start:min(start+2000, len(stale))]
		if !fresh {
			b, _ := json.Marshal(chunk)
			for _, q := range []string{`DELETE FROM plan_skill_offers WHERE rid IN (SELECT value FROM json_each(?))`,
				`DELETE FROM plan_offer_refs WHERE rid IN (SELECT value FROM json_each(?))`} {
				if _, err := tx.ExecContext(ctx, q, string(b)); err != nil {
					return fmt.Errorf("planner index: %w", err)
				}
			}
		}
		docs, err := s.readDocsParallel(ctx, chunk)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if d.err != nil {
				return fmt.Errorf("planner index: offer %s: %w", d.id, d.err)
			}
			o, c := &d.offer, catalog.CandidateOf(&d.offer)
			price := int64(c.Price)
			mins := catalog.Minutes(c.Hours)
			if err := facts.add(d.rid, d.id, d.hash, o.Source, o.SourceID, o.Title, d.status, int(o.EQF), string(o.Mode),
				" "+strings.Join(o.Languages, " ")+" ", o.Region, price, mins, c.ECTS, o.Start.String(), o.End.String(),
				o.ApplyBy.String(), strings.Join(o.Schemes, " "), c.Currency, c.Weeks); err != nil {
				return err
			}
			if d.status == string(catalog.StatusActive) {
				for _, sk := range o.Skills() {
					if id, ok := skillID[sk.URI]; ok {
						if err := skills.add(id, price, mins, d.rid); err != nil {
							return err
						}
					}
				}
			}
			for _, p := range o.Prerequisites {
				if strings.TrimSpace(p) != "" {
					if err := refs.add(d.rid, "prereq", strings.TrimSpace(p)); err != nil {
						return err
					}
				}
			}
			for _, r := range o.Relations {
				kind := "part_of"
				if r.Kind == catalog.PrerequisiteOf {
					kind = "prerequisite_of"
				}
				if err := refs.add(d.rid, kind, r.Target); err != nil {
					return err
				}
			}
		}
		for _, b := range []*batch{facts, skills, refs} {
			if err := b.flush(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(start+len(chunk), len(stale))
		}
	}
	return nil
}

// withHash scans a row of offerCols followed by o.hash.
type withHash struct {
	rows *sql.Rows
	hash *int64
}

func (w withHash) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.hash)...) }

// readDocsParallel reads and decodes the documents of rids on two
// connections at once (the offers are not changing under the index's
// transaction: reads see the last committed register).
func (s *Store) readDocsParallel(ctx context.Context, rids []int64) ([]rawDoc, error) {
	half := len(rids) / 2
	var a, b []rawDoc
	var errA, errB error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a, errA = readDocs(ctx, s.db, rids[:half])
	}()
	b, errB = readDocs(ctx, s.db, rids[half:])
	wg.Wait()
	if err := errors.Join(errA, errB); err != nil {
		return nil, err
	}
	return append(a, b...), nil
}

// readDocs reads the offers rids with their documents decoded.
func readDocs(ctx context.Context, q rowQuerier, rids []int64) ([]rawDoc, error) {
	b, _ := json.Marshal(rids)
	rows, err := q.QueryContext(ctx, `SELECT `+offerCols+`, o.hash FROM `+offerFrom+` WHERE o.rid IN (SELECT value FROM json_each(?)) ORDER BY o.rid`, string(b))
	if err != nil {
		return nil, fmt.Errorf("planner index: %w", err)
	}
	defer rows.Close()
	var c docCodec
	var docs []rawDoc
	for rows.Next() {
		var d rawDoc
		d.rid, d.offer, d.err = c.scanOffer(withHash{rows, &d.hash})
		d.id, d.status = d.offer.ID, string(d.offer.Status)
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// batch is a multi-row INSERT: rows are sent batchRows at a time through
// one prepared statement (far fewer statement steps than a row each).
type batch struct {
	ctx    context.Context
	tx     *sql.Tx
	prefix string
	cols   int
	args   []any
	full   *sql.Stmt
}

const batchRows = 100

func newBatch(ctx context.Context, tx *sql.Tx, prefix string, cols int) *batch {
	return &batch{ctx: ctx, tx: tx, prefix: prefix, cols: cols}
}

func (b *batch) sql(rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", b.cols), ",") + ")"
	return b.prefix + strings.TrimSuffix(strings.Repeat(row+",", rows), ",")
}

func (b *batch) add(args ...any) error {
	b.args = append(b.args, args...)
	if len(b.args) < batchRows*b.cols {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PrepareContext(b.ctx, b.sql(batchRows))
		if err != nil {
			return fmt.Errorf("batch insert: %w", err)
		}
		b.full = st
	}
	if _, err := b.full.ExecContext(b.ctx, b.args...); err != nil {
		return fmt.Errorf("batch insert: %w", err)
	}
	b.args = b.args[:0]
	return nil
}

// flush writes what is left.
func (b *batch) flush() error {
	if len(b.args) == 0 {
		return nil
	}
	if _, err := b.tx.ExecContext(b.ctx, b.sql(len(b.args)/b.cols), b.args...); err != nil {
		return fmt.Errorf("batch insert: %w", err)
	}
	b.args = b.args[:0]
	return nil
}

func (b *batch) close() {
	if b.full != nil {
		b.full.Close()
	}
}
