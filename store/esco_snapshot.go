package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/koers-project/koers/catalog"
)

// ESCOSnapshot is an ESCO taxonomy that ships with the binary: read calls
// its visitor with every concept (once per language) and relation.
type ESCOSnapshot struct {
	Version string
	Read    func(v catalog.ESCOVisitor) error
}

// SeedESCO loads snap into a database that holds no ESCO concept yet, in
// one transaction, and reports whether it did. A database with ESCO (from
// an import or an earlier seed) is left alone: `koers import` of a newer
// ESCO replaces what the seed wrote.
//
// The tables are empty, so rows go in with multi-row INSERTs and no
// lookups: statements, not rows, are what a pure-Go SQLite pays for.
func (s *Store) SeedESCO(ctx context.Context, snap ESCOSnapshot) (bool, error) {
	seeded := false
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var has bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM esco_concepts)`).Scan(&has); err != nil {
			return fmt.Errorf("check esco: %w", err)
		}
		if has {
			return nil
		}
		// Rows reach the tables batch by batch: a label may be written
		// before its concept's batch is; the keys are checked at commit.
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return fmt.Errorf("load esco snapshot: %w", err)
		}
		// Build two secondary indexes once, sorted, at
		// the end instead of row by row (esco_label_folds_uri stays: the
		// deferred foreign-key checks look child rows up through it).
		for _, q := range []string{`DROP INDEX esco_occupation_skills_skill`, `DROP INDEX esco_label_folds_folded`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("load esco snapshot: %w", err)
			}
		}
		stamp, actor := s.stamp(), s.actor
		concepts := newBatch(ctx, tx, `INSERT OR IGNORE INTO esco_concepts (uri, kind, code, isco, skill_type, reuse_level, status, created_at, created_by, updated_at, updated_by) VALUES `, 11)
		texts := newBatch(ctx, tx, `INSERT INTO esco_texts (uri, lang, preferred, description, hash, updated_at) VALUES `, 6)
		labels := newBatch(ctx, tx, `INSERT OR IGNORE INTO esco_labels (uri, lang, kind, label) VALUES `, 4)
		folds := newBatch(ctx, tx, `INSERT INTO esco_label_folds (folded, uri, ckind, lang, kind, label) VALUES `, 6)
		rels := newBatch(ctx, tx, `INSERT OR IGNORE INTO esco_occupation_skills (occupation_uri, skill_uri, relation, skill_type, created_at, updated_at) VALUES `, 6)
		batches := []*batch{concepts, texts, labels, folds, rels}
		defer func() {
			for _, b := range batches {
				b.close()
			}
		}()
		last := ""
		v := catalog.ESCOVisitor{
			Concept: func(c catalog.Concept) error {
				if c.URI != last {
					last = c.URI
					if err := concepts.add(c.URI, string(c.Kind), c.Code, c.ISCO, c.SkillType, c.ReuseLevel, c.Status, stamp, actor, stamp, actor); err != nil {
						return err
					}
				}
				if err := texts.add(c.URI, c.Lang, c.Preferred, c.Description, conceptHash(c), stamp); err != nil {
					return err
				}
				seenFold := map[string]bool{}
				put := func(kind catalog.LabelKind, label string) error {
					if err := labels.add(c.URI, c.Lang, string(kind), label); err != nil {
						return err
					}
					for _, f := range catalog.FoldVariants(label) {
						if !seenFold[f] {
							seenFold[f] = true
							if err := folds.add(f, c.URI, string(c.Kind), c.Lang, string(kind), label); err != nil {
								return err
							}
						}
					}
					return nil
				}
				if err := put(catalog.LabelPreferred, c.Preferred); err != nil {
					return err
				}
				for _, a := range c.Alt {
					if err := put(catalog.LabelAlt, a); err != nil {
						return err
					}
				}
				return nil
			},
			Relation: func(r catalog.OccupationSkill) error {
				rel := "optional"
				if r.Essential {
					rel = "essential"
				}
				return rels.add(r.OccupationURI, r.SkillURI, rel, r.SkillType, stamp, stamp)
			},
		}
		if err := snap.Read(v); err != nil {
			return fmt.Errorf("load esco snapshot: %w", err)
		}
		for _, b := range batches {
			if err := b.flush(); err != nil {
				return fmt.Errorf("load esco snapshot: %w", err)
			}
		}
		for _, q := range []string{
			`CREATE INDEX esco_occupation_skills_skill ON esco_occupation_skills (skill_uri)`,
			`CREATE INDEX esco_label_folds_folded ON esco_label_folds (ckind, folded)`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("load esco snapshot: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at, updated_by) VALUES ('esco.snapshot', ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`, snap.Version, stamp, actor)
		if err != nil {
			return fmt.Errorf("record esco snapshot: %w", err)
		}
		seeded = true
		return nil
	})
	return seeded, err
}

// HasESCO reports whether the database holds any ESCO concept.
func (s *Store) HasESCO(ctx context.Context) (bool, error) {
	var has bool
	if err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM esco_concepts)`).Scan(&has); err != nil {
		return false, fmt.Errorf("check esco: %w", mapErr(err))
	}
	return has, nil
}
