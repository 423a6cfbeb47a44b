package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// FactsProgress reports how many offers the planner's index has re-read.
type FactsProgress func(done, total int)

// registerGeneration is the register's import counter ("" before any import).
func registerGeneration(ctx context.Context, q rowQuerier, key string) (string, error) {
	var g string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&g)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return g, err
}

// SyncPlanFacts brings the planner's narrow view of the register
// (plan_offer_facts, plan_offer_links) up to date with the offers: it
// re-reads only offers that are new or changed since the last sync, and does
// nothing at all when no import happened since. Suggest and gap call it
// first; after a big import it takes a while once (progress reports it).
func (s *Store) SyncPlanFacts(ctx context.Context, progress FactsProgress) error {
	gen, err := registerGeneration(ctx, s.db, "register.generation")
	if err != nil {
		return fmt.Errorf("planner index: %w", err)
	}
	done, err := registerGeneration(ctx, s.db, "plan.facts_generation")
	if err != nil {
		return fmt.Errorf("planner index: %w", err)
	}
	if gen == done {
		return nil
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_offer_facts WHERE rid NOT IN (SELECT rid FROM offers)`); err != nil {
			return fmt.Errorf("planner index: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT o.rid FROM offers o LEFT JOIN plan_offer_facts f ON f.rid = o.rid
			WHERE f.rid IS NULL OR f.hash <> o.hash OR f.id <> o.id ORDER BY o.rid`)
		if err != nil {
			return fmt.Errorf("planner index: %w", err)
		}
		var stale []uint32
		for rows.Next() {
			var rid int64
			if err := rows.Scan(&rid); err != nil {
				rows.Close()
				return err
			}
			stale = append(stale, uint32(rid))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
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

type factLinks struct {
	rid    int64
	source string
	prereq []string           // prerequisites text: source ids or titles
	rels   []catalog.Relation // prerequisite_of, part_of, stacks_towards
}

// refreshFacts re-reads the stale offers' documents, rewrites their facts,
// then their links (which need every title in place first).
func (s *Store) refreshFacts(ctx context.Context, tx *sql.Tx, stale []uint32, progress FactsProgress) error {
	put, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO plan_offer_facts (rid, id, hash, source, title, ects, hours, end_date, apply_by)
		SELECT rid, id, hash, ?2, ?3, ?4, ?5, ?6, ?7 FROM offers WHERE rid = ?1`)
	if err != nil {
		return err
	}
	defer put.Close()
	var links []factLinks
	var c docCodec
	for start := 0; start < len(stale); start += 1000 {
		chunk := stale[start:min(start+1000, len(stale))]
		if err := eachDoc(ctx, tx, chunk, &c, func(rid int64, o catalog.Offer) error {
			cd := catalog.CandidateOf(&o)
			_, err := put.ExecContext(ctx, rid, o.Source, o.Title, cd.ECTS, cd.Hours, o.End.String(), o.ApplyBy.String())
			if err != nil {
				return fmt.Errorf("planner index: offer %s: %w", o.SourceID, err)
			}
			links = append(links, factLinks{rid: rid, source: o.Source, prereq: o.Prerequisites, rels: o.Relations})
			return nil
		}); err != nil {
			return err
		}
		if progress != nil {
			progress(start+len(chunk), len(stale))
		}
	}
	del, err := tx.PrepareContext(ctx, `DELETE FROM plan_offer_links WHERE via_rid = ?`)
	if err != nil {
		return err
	}
	defer del.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO plan_offer_links (from_rid, kind, to_rid, via_rid) VALUES (?,?,?,?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	bySID, err := tx.PrepareContext(ctx, `SELECT rid FROM offers WHERE source = ? AND source_id = ?`)
	if err != nil {
		return err
	}
	defer bySID.Close()
	byTitle, err := tx.PrepareContext(ctx, `SELECT rid FROM plan_offer_facts WHERE source = ? AND title = ? ORDER BY rid LIMIT 1`)
	if err != nil {
		return err
	}
	defer byTitle.Close()
	find := func(src, ref string, titles bool) (int64, bool) {
		var rid int64
		if bySID.QueryRowContext(ctx, src, ref).Scan(&rid) == nil {
			return rid, true
		}
		if titles && byTitle.QueryRowContext(ctx, src, ref).Scan(&rid) == nil {
			return rid, true
		}
		return 0, false
	}
	for _, l := range links {
		if _, err := del.ExecContext(ctx, l.rid); err != nil {
			return fmt.Errorf("planner index: %w", err)
		}
		add := func(from int64, kind string, to int64) error {
			if from == to {
				return nil
			}
			_, err := ins.ExecContext(ctx, from, kind, to, l.rid)
			return err
		}
		for _, ref := range l.prereq {
			if to, ok := find(l.source, ref, true); ok {
				if err := add(l.rid, "requires", to); err != nil {
					return fmt.Errorf("planner index: %w", err)
				}
			}
		}
		for _, r := range l.rels {
			to, ok := find(l.source, r.Target, false)
			if !ok {
				continue
			}
			var err error
			switch r.Kind {
			case catalog.PrerequisiteOf:
				err = add(to, "requires", l.rid)
			case catalog.StacksTowards, catalog.PartOf:
				err = add(l.rid, "part_of", to)
			}
			if err != nil {
				return fmt.Errorf("planner index: %w", err)
			}
		}
	}
	return nil
}

// eachDoc decodes the documents of rids and hands each offer to fn.
func eachDoc(ctx context.Context, q rowQuerier, rids []uint32, c *docCodec, fn func(int64, catalog.Offer) error) error {
	rows, err := q.QueryContext(ctx, `SELECT `+offerCols+` FROM `+offerFrom+` WHERE o.rid IN (SELECT value FROM json_each(?))`, ridsJSON(rids))
	if err != nil {
		return fmt.Errorf("planner index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		rid, o, err := c.scanOffer(rows)
		if err != nil {
			return fmt.Errorf("planner index: %w", err)
		}
		if err := fn(rid, o); err != nil {
			return err
		}
	}
	return rows.Err()
}

func ridsJSON(rids []uint32) string {
	b, _ := json.Marshal(rids)
	return string(b)
}

// candidateCols is every column a Candidate needs: the register's narrow
// columns plus the planner's facts; never the document.
const candidateCols = `o.rid, o.id, o.source, o.source_id, o.status, o.eqf, o.mode, o.languages, o.region, coalesce(o.price, 0),
	coalesce(o.start, ''), o.schemes, coalesce(f.title, ''), coalesce(f.ects, 0), coalesce(f.hours, 0), coalesce(f.end_date, ''), coalesce(f.apply_by, '')`

func scanCandidate(sc interface{ Scan(...any) error }) (int64, catalog.Candidate, error) {
	var c catalog.Candidate
	var rid, price int64
	var eqf int
	var status, mode, langs, start, schemes, end, apply string
	err := sc.Scan(&rid, &c.ID, &c.Source, &c.SourceID, &status, &eqf, &mode, &langs, &c.Region, &price, &start, &schemes,
		&c.Title, &c.ECTS, &c.Hours, &end, &apply)
	c.Withdrawn, c.EQF, c.Mode, c.Price = status == string(catalog.StatusWithdrawn), catalog.EQF(eqf), catalog.Mode(mode), catalog.Money(price)
	c.Languages, c.Schemes = strings.Fields(langs), strings.Fields(schemes)
	c.Start, c.End, c.ApplyBy = civilDate(start), civilDate(end), civilDate(apply)
	return rid, c, err
}

// Candidates is the narrow view of the active offers that teach any of
// the skill URIs, with the prerequisites they need (transitively, active or
// not) and their links resolved into Requires. Each candidate's Skills are
// only those among uris. It reads the register's columns and the planner's
// facts, never the offer documents.
func (s *Store) Candidates(ctx context.Context, uris []string) ([]catalog.Candidate, error) {
	if err := s.SyncPlanFacts(ctx, nil); err != nil {
		return nil, err
	}
	if len(uris) == 0 {
		return []catalog.Candidate{}, nil
	}
	uj, _ := json.Marshal(uris)
	rows, err := s.db.QueryContext(ctx, `SELECT k.offer, u.uri FROM offer_skill_uris u
		JOIN offer_skills k ON k.skill = u.id JOIN offers o ON o.rid = k.offer AND o.status = 'active'
		WHERE u.uri IN (SELECT value FROM json_each(?))`, string(uj))
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", mapErr(err))
	}
	skills := map[int64][]string{}
	var order []uint32
	for rows.Next() {
		var rid int64
		var uri string
		if err := rows.Scan(&rid, &uri); err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := skills[rid]; !ok {
			order = append(order, uint32(rid))
		}
		skills[rid] = append(skills[rid], uri)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	return s.candidatesByRID(ctx, order, skills)
}

// candidatesByRID loads rids and, following 'requires' links, their
// prerequisites; skills gives each rid's skills to keep.
func (s *Store) candidatesByRID(ctx context.Context, rids []uint32, skills map[int64][]string) ([]catalog.Candidate, error) {
	have := map[int64]int{}
	var out []catalog.Candidate
	req := map[int64][]int64{}
	for round := 0; len(rids) > 0 && round < 8; round++ {
		rows, err := s.db.QueryContext(ctx, `SELECT `+candidateCols+` FROM offers o LEFT JOIN plan_offer_facts f ON f.rid = o.rid
			WHERE o.rid IN (SELECT value FROM json_each(?))`, ridsJSON(rids))
		if err != nil {
			return nil, fmt.Errorf("candidates: %w", mapErr(err))
		}
		for rows.Next() {
			rid, c, err := scanCandidate(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("candidates: %w", err)
			}
			c.Skills = skills[rid]
			have[rid] = len(out)
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		lrows, err := s.db.QueryContext(ctx, `SELECT from_rid, to_rid FROM plan_offer_links WHERE kind = 'requires'
			AND from_rid IN (SELECT value FROM json_each(?)) ORDER BY from_rid, to_rid`, ridsJSON(rids))
		if err != nil {
			return nil, fmt.Errorf("candidates: %w", mapErr(err))
		}
		var next []uint32
		seen := map[int64]bool{}
		for lrows.Next() {
			var from, to int64
			if err := lrows.Scan(&from, &to); err != nil {
				lrows.Close()
				return nil, err
			}
			req[from] = append(req[from], to)
			if _, ok := have[to]; !ok && !seen[to] {
				seen[to] = true
				next = append(next, uint32(to))
			}
		}
		lrows.Close()
		if err := lrows.Err(); err != nil {
			return nil, err
		}
		rids = next
	}
	for from, tos := range req {
		i, ok := have[from]
		if !ok {
			continue
		}
		for _, to := range tos {
			if j, ok := have[to]; ok {
				out[i].Requires = append(out[i].Requires, out[j].ID)
			}
		}
	}
	for i := range out {
		if out[i].Skills == nil {
			out[i].Skills = []string{}
		}
	}
	return out, nil
}

// CandidatesByID is the narrow view of the offers with these ids (plan
// steps), with all their skills and their prerequisites.
func (s *Store) CandidatesByID(ctx context.Context, ids []string) ([]catalog.Candidate, error) {
	if err := s.SyncPlanFacts(ctx, nil); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return []catalog.Candidate{}, nil
	}
	ij, _ := json.Marshal(ids)
	rows, err := s.db.QueryContext(ctx, `SELECT o.rid, coalesce(u.uri, '') FROM offers o
		LEFT JOIN offer_skills k ON k.offer = o.rid LEFT JOIN offer_skill_uris u ON u.id = k.skill
		WHERE o.id IN (SELECT value FROM json_each(?)) ORDER BY o.rid, u.uri`, string(ij))
	if err != nil {
		return nil, fmt.Errorf("offers of plan: %w", mapErr(err))
	}
	skills := map[int64][]string{}
	var rids []uint32
	for rows.Next() {
		var rid int64
		var uri string
		if err := rows.Scan(&rid, &uri); err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := skills[rid]; !ok {
			rids = append(rids, uint32(rid))
			skills[rid] = []string{}
		}
		if uri != "" {
			skills[rid] = append(skills[rid], uri)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s.candidatesByRID(ctx, rids, skills)
}

// StackParts is the larger credential and the offers that are part of it
// (or stack towards it).
func (s *Store) StackParts(ctx context.Context, targetID string) (*catalog.Candidate, []catalog.Candidate, error) {
	ts, err := s.CandidatesByID(ctx, []string{targetID})
	if err != nil {
		return nil, nil, err
	}
	if len(ts) == 0 || ts[0].ID != targetID {
		return nil, nil, fmt.Errorf("stack target %s: %w", targetID, ErrNotFound)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT p.id FROM plan_offer_links l JOIN offers o ON o.rid = l.to_rid
		JOIN offers p ON p.rid = l.from_rid WHERE o.id = ? AND l.kind = 'part_of' ORDER BY l.from_rid`, targetID)
	if err != nil {
		return nil, nil, fmt.Errorf("stack parts: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	all, err := s.CandidatesByID(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var parts []catalog.Candidate
	for _, c := range all {
		if slices.Contains(ids, c.ID) {
			parts = append(parts, c)
		}
	}
	return &ts[0], parts, nil
}
