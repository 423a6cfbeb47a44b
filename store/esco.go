package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
)

// ESCOCounts is what an ESCO import did.
type ESCOCounts struct {
	Occupations int `json:"occupations"`  // rows read, all languages
	Skills      int `json:"skills"`       //
	ISCOGroups  int `json:"isco_groups"`  //
	SkillGroups int `json:"skill_groups"` //
	Relations   int `json:"relations"`    // relation rows read
	Essential   int `json:"essential"`    //
	Optional    int `json:"optional"`     //
	Broader     int `json:"broader"`      // hierarchy rows read

	Added     int `json:"added"`     // concepts and relations new to the database
	Changed   int `json:"changed"`   // concepts (per language) and relations that differed
	Unchanged int `json:"unchanged"` //

	// Stored is what the database holds after the import, per kind
	// (occupation, skill, isco_group, skill_group, relation).
	Stored map[string]int `json:"stored"`

	Languages         []string `json:"languages"`
	Files             []string `json:"files"`
	Ignored           []string `json:"ignored,omitempty"`
	EmptySkillType    int      `json:"empty_skill_type"`   // quirk: skills and relations without a skillType
	Unlabelled        int      `json:"unlabelled"`         // quirk: rows with no label in their language, skipped
	DanglingRelations int      `json:"dangling_relations"` // quirk: relations to a concept the database lacks
	DanglingBroader   int      `json:"dangling_broader"`   //
}

func (c *ESCOCounts) add(r catalog.ESCOReport) {
	c.Occupations += r.Concepts[catalog.KindOccupation]
	c.Skills += r.Concepts[catalog.KindSkill]
	c.ISCOGroups += r.Concepts[catalog.KindISCOGroup]
	c.SkillGroups += r.Concepts[catalog.KindSkillGroup]
	c.Relations += r.Relations
	c.Essential += r.Essential
	c.Optional += r.Optional
	c.Broader += r.Broader
	c.EmptySkillType += r.EmptySkillType
	c.Unlabelled += r.Unlabelled
	c.Files = append(c.Files, r.Files...)
	c.Ignored = append(c.Ignored, r.Ignored...)
	for _, l := range r.Languages {
		if !contains(c.Languages, l) {
			c.Languages = append(c.Languages, l)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// escoWriter writes ESCO rows inside one transaction with prepared
// statements.
type escoWriter struct {
	ctx    context.Context
	tx     *sql.Tx
	stamp  string
	actor  string
	counts *ESCOCounts
	st     map[string]*sql.Stmt
}

// escoSQL are the writer's statements. A concept's kind is set by the
// first file that names it and never changed: the old Dutch v1.0 files
// list as skill groups a few URIs that v1.1.1 made skills.
var escoSQL = map[string]string{
	"state":     `SELECT EXISTS (SELECT 1 FROM esco_concepts WHERE uri = ?1), coalesce((SELECT hash FROM esco_texts WHERE uri = ?1 AND lang = ?2), '')`,
	"concept":   `INSERT INTO esco_concepts (uri, kind, code, isco, skill_type, reuse_level, status, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uri) DO UPDATE SET code = CASE WHEN excluded.code <> '' THEN excluded.code ELSE code END, isco = CASE WHEN excluded.isco <> '' THEN excluded.isco ELSE isco END, skill_type = CASE WHEN excluded.skill_type <> '' THEN excluded.skill_type ELSE skill_type END, reuse_level = CASE WHEN excluded.reuse_level <> '' THEN excluded.reuse_level ELSE reuse_level END, status = CASE WHEN excluded.status <> '' THEN excluded.status ELSE status END, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
	"text":      `INSERT INTO esco_texts (uri, lang, preferred, description, hash, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uri, lang) DO UPDATE SET preferred = excluded.preferred, description = excluded.description, hash = excluded.hash, updated_at = excluded.updated_at`,
	"dellabels": `DELETE FROM esco_labels WHERE uri = ? AND lang = ?`,
	"delfolds":  `DELETE FROM esco_label_folds WHERE uri = ? AND lang = ?`,
	"reladd":    `INSERT OR IGNORE INTO esco_occupation_skills (occupation_uri, skill_uri, relation, skill_type, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
	"relupd":    `UPDATE esco_occupation_skills SET relation = ?, skill_type = ?, updated_at = ? WHERE occupation_uri = ? AND skill_uri = ? AND (relation <> ? OR skill_type <> ?)`,
	"broader":   `INSERT OR IGNORE INTO esco_broader (uri, broader_uri) VALUES (?, ?)`,
}

func (s *Store) newESCOWriter(ctx context.Context, tx *sql.Tx, counts *ESCOCounts) (*escoWriter, error) {
	w := &escoWriter{ctx: ctx, tx: tx, stamp: s.stamp(), actor: s.actor, counts: counts, st: map[string]*sql.Stmt{}}
	for k, q := range escoSQL {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("prepare esco %s: %w", k, err)
		}
		w.st[k] = st
	}
	return w, nil
}

func (w *escoWriter) close() {
	for _, st := range w.st {
		st.Close()
	}
}

func (w *escoWriter) exec(name string, args ...any) (sql.Result, error) {
	r, err := w.st[name].ExecContext(w.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("esco %s: %w", name, err)
	}
	return r, nil
}

func conceptHash(c catalog.Concept) string {
	h := sha256.New()
	for _, s := range []string{string(c.Kind), c.Code, c.ISCO, c.SkillType, c.ReuseLevel, c.Status, c.Preferred, strings.Join(c.Alt, "\n"), strings.Join(c.Hidden, "\n"), c.Description} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (w *escoWriter) concept(c catalog.Concept) error {
	lang := c.Lang
	if lang == "" {
		lang = "en"
	}
	hash := conceptHash(c)
	var existed bool
	var old string
	if err := w.st["state"].QueryRowContext(w.ctx, c.URI, lang).Scan(&existed, &old); err != nil {
		return fmt.Errorf("esco state: %w", err)
	}
	if existed {
		if old == hash {
			w.counts.Unchanged++
			return nil
		}
		w.counts.Changed++
		if _, err := w.exec("dellabels", c.URI, lang); err != nil {
			return err
		}
		if _, err := w.exec("delfolds", c.URI, lang); err != nil {
			return err
		}
	} else {
		w.counts.Added++
	}
	if _, err := w.exec("concept", c.URI, string(c.Kind), c.Code, c.ISCO, c.SkillType, c.ReuseLevel, c.Status, w.stamp, w.actor, w.stamp, w.actor); err != nil {
		return err
	}
	pref := c.Preferred
	if pref == "" && len(c.Alt) > 0 {
		pref = c.Alt[0]
	}
	if _, err := w.exec("text", c.URI, lang, pref, c.Description, hash, w.stamp); err != nil {
		return err
	}
	// All labels and folded variants of the row go in two multi-row
	// INSERTs: statements, not rows, are what a pure-Go SQLite pays for.
	var labels, folds []any
	seenLabel := map[string]bool{}
	seenFold := map[string]bool{}
	put := func(kind catalog.LabelKind, label string) {
		if k := string(kind) + "\x00" + label; !seenLabel[k] {
			seenLabel[k] = true
			labels = append(labels, c.URI, lang, string(kind), label)
		}
		for _, f := range catalog.FoldVariants(label) {
			if !seenFold[f] {
				seenFold[f] = true
				folds = append(folds, f, c.URI, string(c.Kind), lang, string(kind), label)
			}
		}
	}
	put(catalog.LabelPreferred, pref)
	for _, l := range c.Alt {
		put(catalog.LabelAlt, l)
	}
	for _, l := range c.Hidden {
		put(catalog.LabelHidden, l)
	}
	if err := w.insertRows("label", `INSERT OR IGNORE INTO esco_labels (uri, lang, kind, label) VALUES `, 4, labels); err != nil {
		return err
	}
	return w.insertRows("fold", `INSERT INTO esco_label_folds (folded, uri, ckind, lang, kind, label) VALUES `, 6, folds)
}

// maxRowsPerInsert bounds a multi-row INSERT (SQLite allows 32766
// parameters; ESCO rows have a few dozen labels at most).
const maxRowsPerInsert = 64

// insertRows writes args (cols values per row) with multi-row INSERTs,
// preparing one statement per row count and reusing it.
func (w *escoWriter) insertRows(name, prefix string, cols int, args []any) error {
	for len(args) > 0 {
		n := min(len(args)/cols, maxRowsPerInsert)
		key := fmt.Sprintf("%s/%d", name, n)
		st, ok := w.st[key]
		if !ok {
			tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
			q := prefix + strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
			var err error
			if st, err = w.tx.PrepareContext(w.ctx, q); err != nil {
				return fmt.Errorf("prepare esco %s: %w", key, err)
			}
			w.st[key] = st
		}
		if _, err := st.ExecContext(w.ctx, args[:n*cols]...); err != nil {
			return fmt.Errorf("esco %s: %w", name, err)
		}
		args = args[n*cols:]
	}
	return nil
}

func (w *escoWriter) relation(r catalog.OccupationSkill) error {
	rel := "optional"
	if r.Essential {
		rel = "essential"
	}
	res, err := w.exec("reladd", r.OccupationURI, r.SkillURI, rel, r.SkillType, w.stamp, w.stamp)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		w.counts.Added++
		return nil
	}
	res, err = w.exec("relupd", rel, r.SkillType, w.stamp, r.OccupationURI, r.SkillURI, rel, r.SkillType)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		w.counts.Changed++
	} else {
		w.counts.Unchanged++
	}
	return nil
}

func (w *escoWriter) broader(b catalog.Broader) error {
	_, err := w.exec("broader", b.URI, b.BroaderURI)
	return err
}

func (w *escoWriter) visitor() catalog.ESCOVisitor {
	return catalog.ESCOVisitor{Concept: w.concept, Relation: w.relation, Broader: w.broader}
}

// finish counts the dangling references the whole transaction left.
func (w *escoWriter) finish() error {
	q := `SELECT
	  (SELECT count(*) FROM esco_occupation_skills r WHERE NOT EXISTS (SELECT 1 FROM esco_concepts c WHERE c.uri = r.occupation_uri) OR NOT EXISTS (SELECT 1 FROM esco_concepts c WHERE c.uri = r.skill_uri)),
	  (SELECT count(*) FROM esco_broader b WHERE NOT EXISTS (SELECT 1 FROM esco_concepts c WHERE c.uri = b.uri) OR NOT EXISTS (SELECT 1 FROM esco_concepts c WHERE c.uri = b.broader_uri))`
	if err := w.tx.QueryRowContext(w.ctx, q).Scan(&w.counts.DanglingRelations, &w.counts.DanglingBroader); err != nil {
		return fmt.Errorf("count dangling esco references: %w", err)
	}
	w.counts.Stored = map[string]int{}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT kind, count(*) FROM esco_concepts GROUP BY kind
		UNION ALL SELECT 'relation', count(*) FROM esco_occupation_skills`)
	if err != nil {
		return fmt.Errorf("count esco concepts: %w", err)
	}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return fmt.Errorf("count esco concepts: %w", err)
		}
		w.counts.Stored[k] = n
	}
	rows.Close()
	_, err = w.tx.ExecContext(w.ctx, `INSERT INTO meta (key, value, updated_at, updated_by) VALUES ('esco.imported_at', ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`, w.stamp, w.stamp, w.actor)
	if err != nil {
		return fmt.Errorf("record esco import time: %w", err)
	}
	return nil
}

// ESCOSource is one ESCO input: a zip opened as a file system or an
// extracted folder, and the name messages use for it.
type ESCOSource struct {
	FS    fs.FS
	Label string
}

// ImportESCO loads ESCO CSV downloads (each a zip opened as a file system,
// or an extracted folder) in one transaction: all of them or, on any
// problem, none.
func (s *Store) ImportESCO(ctx context.Context, srcs ...ESCOSource) (ESCOCounts, error) {
	var counts ESCOCounts
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.newESCOWriter(ctx, tx, &counts)
		if err != nil {
			return err
		}
		defer w.close()
		for _, src := range srcs {
			rep, err := catalog.ReadESCO(ctx, src.FS, src.Label, w.visitor())
			counts.add(rep)
			if err != nil {
				return err
			}
		}
		return w.finish()
	})
	return counts, err
}

// ESCOStats is what the database holds of ESCO.
type ESCOStats struct {
	Occupations int       `json:"occupations"`
	Skills      int       `json:"skills"`
	ISCOGroups  int       `json:"isco_groups"`
	SkillGroups int       `json:"skill_groups"`
	Relations   int       `json:"relations"`
	Essential   int       `json:"essential"`
	Languages   []string  `json:"languages"`
	ImportedAt  time.Time `json:"imported_at"` // zero: never imported
}

// ESCOStats counts the loaded ESCO concepts, relations and label languages.
func (s *Store) ESCOStats(ctx context.Context) (ESCOStats, error) {
	var st ESCOStats
	err := s.db.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE kind = 'occupation'), count(*) FILTER (WHERE kind = 'skill'),
		count(*) FILTER (WHERE kind = 'isco_group'), count(*) FILTER (WHERE kind = 'skill_group'),
		(SELECT count(*) FROM esco_occupation_skills), (SELECT count(*) FROM esco_occupation_skills WHERE relation = 'essential')
		FROM esco_concepts`).Scan(&st.Occupations, &st.Skills, &st.ISCOGroups, &st.SkillGroups, &st.Relations, &st.Essential)
	if err != nil {
		return st, fmt.Errorf("esco stats: %w", mapErr(err))
	}
	var at string
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = 'esco.imported_at'), '')`).Scan(&at); err != nil {
		return st, fmt.Errorf("esco stats: %w", mapErr(err))
	}
	st.ImportedAt, _ = time.Parse("2006-01-02T15:04:05.000Z07:00", at)
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT lang FROM esco_texts ORDER BY lang`)
	if err != nil {
		return st, fmt.Errorf("esco stats: %w", mapErr(err))
	}
	defer rows.Close()
	st.Languages = []string{}
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return st, fmt.Errorf("esco stats: %w", err)
		}
		st.Languages = append(st.Languages, l)
	}
	return st, rows.Err()
}
