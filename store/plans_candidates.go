package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// CandidateQuery narrows the offers fetched per skill: the suggestion's
// filters run in SQL on the planner's narrow table, cheapest first.
type CandidateQuery struct {
	catalog.Constraints
	Today catalog.Date
	// PerSkill is how many offers to keep per skill (0: 64).
	PerSkill int
}

const factCols = `f.rid, f.id, f.source, f.source_id, f.title, f.status, f.eqf, f.mode, f.languages, f.region, f.price, f.minutes,
	f.ects, f.start, f.end_date, f.apply_by, f.schemes, f.currency, f.weeks`

func scanFact(sc interface{ Scan(...any) error }) (int64, catalog.Candidate, error) {
	var c catalog.Candidate
	var rid, price, mins int64
	var eqf int
	var status, mode, langs, start, end, apply, schemes string
	err := sc.Scan(&rid, &c.ID, &c.Source, &c.SourceID, &c.Title, &status, &eqf, &mode, &langs, &c.Region, &price, &mins,
		&c.ECTS, &start, &end, &apply, &schemes, &c.Currency, &c.Weeks)
	c.Withdrawn, c.EQF, c.Mode, c.Price = status == string(catalog.StatusWithdrawn), catalog.EQF(eqf), catalog.Mode(mode), catalog.Money(price)
	c.Hours = float64(mins) / 60
	c.Languages, c.Schemes = strings.Fields(langs), strings.Fields(schemes)
	c.Start, c.End, c.ApplyBy = civilDate(start), civilDate(end), civilDate(apply)
	c.Skills = []string{}
	return rid, c, err
}

// filterSQL is the WHERE part for the query's filters.
func (q CandidateQuery) filterSQL() (string, []any) {
	var w []string
	var args []any
	if len(q.Modes) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(q.Modes)), ",")
		w = append(w, "f.mode IN ("+ph+")")
		for _, m := range q.Modes {
			args = append(args, string(m))
		}
	}
	if len(q.Languages) > 0 {
		var or []string
		for _, l := range q.Languages {
			or = append(or, "instr(f.languages, ?) > 0")
			args = append(args, " "+l+" ")
		}
		w = append(w, "("+strings.Join(or, " OR ")+")")
	}
	if q.Region != "" {
		w = append(w, "substr(f.region, 1, ?) = ?")
		args = append(args, len(q.Region), q.Region)
	}
	if len(q.Regions) > 0 {
		or := []string{"f.mode = ?"}
		args = append(args, string(catalog.ModeOnline))
		for _, r := range q.Regions {
			or = append(or, "substr(f.region, 1, ?) = ?")
			args = append(args, len(r), r)
		}
		w = append(w, "("+strings.Join(or, " OR ")+")")
	}
	if q.EQFMin > 0 {
		w = append(w, "f.eqf >= ?")
		args = append(args, int(q.EQFMin))
	}
	if q.EQFMax > 0 {
		w = append(w, "f.eqf BETWEEN 1 AND ?")
		args = append(args, int(q.EQFMax))
	}
	from := q.Today
	if q.StartAfter.After(from) {
		from = q.StartAfter
	}
	if !from.IsZero() {
		w = append(w, "(f.start = '' OR f.start >= ?)")
		args = append(args, from.String())
	}
	if !q.Today.IsZero() {
		w = append(w, "(f.apply_by = '' OR f.apply_by >= ?)")
		args = append(args, q.Today.String())
	}
	if q.MaxHours > 0 {
		w = append(w, "f.minutes <= ?")
		args = append(args, catalog.Minutes(q.MaxHours))
	}
	if len(w) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(w, " AND "), args
}

// Candidates is the narrow view of the active offers that teach the skill
// URIs: per skill the cheapest and shortest that pass the query's filters
// (and, for a skill none passes, a few that do not, so the suggestion can
// name the blocking constraint), with the prerequisites they need and each
// offer's skills among uris. It reads only the planner's narrow tables.
func (s *Store) Candidates(ctx context.Context, uris []string, q CandidateQuery) ([]catalog.Candidate, error) {
	if err := s.SyncPlanFacts(ctx, nil); err != nil {
		return nil, err
	}
	if len(uris) == 0 {
		return []catalog.Candidate{}, nil
	}
	if q.PerSkill <= 0 {
		q.PerSkill = 64
	}
	ids, err := s.skillIDs(ctx, uris)
	if err != nil {
		return nil, err
	}
	where, args := q.filterSQL()
	var order []int64
	seen := map[int64]bool{}
	for _, uri := range uris {
		id, ok := ids[uri]
		if !ok {
			continue
		}
		for _, pass := range []struct {
			where string
			args  []any
			limit int
		}{{where, args, q.PerSkill}, {"", nil, 16}} {
			rs, err := ints(ctx, s.db, `SELECT s.rid FROM plan_skill_offers s JOIN plan_offer_facts f ON f.rid = s.rid
				WHERE s.skill = ?`+pass.where+` ORDER BY s.price, s.minutes, s.rid LIMIT ?`, append(append([]any{id}, pass.args...), pass.limit)...)
			if err != nil {
				return nil, fmt.Errorf("candidates: %w", mapErr(err))
			}
			for _, r := range rs {
				if !seen[r] {
					seen[r] = true
					order = append(order, r)
				}
			}
			if len(rs) > 0 || where == "" {
				break
			}
		}
	}
	out, _, err := s.loadCandidates(ctx, order, ids)
	return out, err
}

// skillIDs maps skill URIs to the register's interned ids.
func (s *Store) skillIDs(ctx context.Context, uris []string) (map[string]int64, error) {
	b, _ := json.Marshal(uris)
	rows, err := s.db.QueryContext(ctx, `SELECT id, uri FROM offer_skill_uris WHERE uri IN (SELECT value FROM json_each(?))`, string(b))
	if err != nil {
		return nil, fmt.Errorf("skills: %w", mapErr(err))
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var uri string
		if err := rows.Scan(&id, &uri); err != nil {
			return nil, err
		}
		out[uri] = id
	}
	return out, rows.Err()
}

// loadCandidates reads the facts of rids and, following their references,
// their prerequisites; skills keeps each offer's skills among these ids
// (nil: all its skills). It returns the candidates and their rids.
func (s *Store) loadCandidates(ctx context.Context, rids []int64, skills map[string]int64) ([]catalog.Candidate, []int64, error) {
	var out []catalog.Candidate
	var all []int64
	at := map[int64]int{}
	edges := map[int64][]int64{}
	for round := 0; len(rids) > 0 && round < 8; round++ {
		b, _ := json.Marshal(rids)
		rows, err := s.db.QueryContext(ctx, `SELECT `+factCols+` FROM plan_offer_facts f WHERE f.rid IN (SELECT value FROM json_each(?))`, string(b))
		if err != nil {
			return nil, nil, fmt.Errorf("candidates: %w", mapErr(err))
		}
		var loaded []int64
		for rows.Next() {
			rid, c, err := scanFact(rows)
			if err != nil {
				rows.Close()
				return nil, nil, err
			}
			at[rid] = len(out)
			out = append(out, c)
			all = append(all, rid)
			loaded = append(loaded, rid)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
		if err := s.prereqs(ctx, loaded, out, at, edges); err != nil {
			return nil, nil, err
		}
		var next []int64
		for _, tos := range edges {
			for _, r := range tos {
				if _, ok := at[r]; !ok && !slices.Contains(next, r) {
					next = append(next, r)
				}
			}
		}
		slices.Sort(next)
		rids = next
	}
	for from, tos := range edges {
		for _, to := range tos {
			if j, ok := at[to]; ok {
				out[at[from]].Requires = append(out[at[from]].Requires, out[j].ID)
			}
		}
	}
	for i := range out {
		slices.Sort(out[i].Requires)
		out[i].Requires = slices.Compact(out[i].Requires)
	}
	if err := s.fillSkills(ctx, all, out, at, skills); err != nil {
		return nil, nil, err
	}
	return out, all, nil
}

// prereqs resolves the references of the offers rids (already in out): the
// prerequisites text by source id, else by title (free text resolves to
// nothing); and prerequisite_of relations other offers hold towards them.
// Each dependant's prerequisite rids go into edges.
func (s *Store) prereqs(ctx context.Context, rids []int64, out []catalog.Candidate, at map[int64]int, edges map[int64][]int64) error {
	if len(rids) == 0 {
		return nil
	}
	b, _ := json.Marshal(rids)
	rows, err := s.db.QueryContext(ctx, `SELECT rid, target FROM plan_offer_refs WHERE kind = 'prereq' AND rid IN (SELECT value FROM json_each(?))`, string(b))
	if err != nil {
		return fmt.Errorf("prerequisites: %w", err)
	}
	pending := map[string][]int64{} // source\x00text → dependants
	for rows.Next() {
		var rid int64
		var t string
		if err := rows.Scan(&rid, &t); err != nil {
			rows.Close()
			return err
		}
		k := out[at[rid]].Source + "\x00" + t
		pending[k] = append(pending[k], rid)
	}
	rows.Close()
	for k, deps := range pending {
		src, text, _ := strings.Cut(k, "\x00")
		var to int64
		err := s.db.QueryRowContext(ctx, `SELECT rid FROM offers WHERE source = ? AND source_id = ? AND rid <= `+ceilingSQL, src, text).Scan(&to)
		if err != nil {
			err = s.db.QueryRowContext(ctx, `SELECT rid FROM plan_offer_facts WHERE source = ? AND title = ? ORDER BY rid LIMIT 1`, src, text).Scan(&to)
		}
		if err != nil {
			continue
		}
		for _, d := range deps {
			if d != to {
				edges[d] = append(edges[d], to)
			}
		}
	}
	sids := map[string]int64{}
	var keys []string
	for _, r := range rids {
		c := out[at[r]]
		sids[c.Source+"\x00"+c.SourceID] = r
		keys = append(keys, c.SourceID)
	}
	kb, _ := json.Marshal(keys)
	rows, err = s.db.QueryContext(ctx, `SELECT r.rid, r.target, f.source FROM plan_offer_refs r JOIN plan_offer_facts f ON f.rid = r.rid
		WHERE r.kind = 'prerequisite_of' AND r.target IN (SELECT value FROM json_each(?))`, string(kb))
	if err != nil {
		return fmt.Errorf("prerequisites: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var target, src string
		if err := rows.Scan(&rid, &target, &src); err != nil {
			return err
		}
		if dep, ok := sids[src+"\x00"+target]; ok && dep != rid {
			edges[dep] = append(edges[dep], rid)
		}
	}
	return rows.Err()
}

// fillSkills gives each candidate its skills (among skills' ids, or all of
// them when skills is nil).
func (s *Store) fillSkills(ctx context.Context, rids []int64, out []catalog.Candidate, at map[int64]int, skills map[string]int64) error {
	if len(rids) == 0 {
		return nil
	}
	want := map[int64]bool{}
	for _, id := range skills {
		want[id] = true
	}
	b, _ := json.Marshal(rids)
	rows, err := s.db.QueryContext(ctx, `SELECT p.rid, u.id, u.uri FROM plan_skill_offers p JOIN offer_skill_uris u ON u.id = p.skill
		WHERE p.rid IN (SELECT value FROM json_each(?)) ORDER BY p.rid, u.uri`, string(b))
	if err != nil {
		return fmt.Errorf("skills of candidates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid, id int64
		var uri string
		if err := rows.Scan(&rid, &id, &uri); err != nil {
			return err
		}
		if skills == nil || want[id] {
			c := &out[at[rid]]
			c.Skills = append(c.Skills, uri)
		}
	}
	return rows.Err()
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
	b, _ := json.Marshal(ids)
	rids, err := ints(ctx, s.db, `SELECT rid FROM offers WHERE id IN (SELECT value FROM json_each(?)) AND rid <= `+ceilingSQL, string(b))
	if err != nil {
		return nil, fmt.Errorf("offers of plan: %w", mapErr(err))
	}
	out, _, err := s.loadCandidates(ctx, rids, nil)
	return out, err
}

// StackParts is the larger credential and the offers that are part of it
// (or stack towards it).
func (s *Store) StackParts(ctx context.Context, targetID string) (*catalog.Candidate, []catalog.Candidate, error) {
	ts, err := s.CandidatesByID(ctx, []string{targetID})
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(ts, func(c catalog.Candidate) bool { return c.ID == targetID })
	if i < 0 {
		return nil, nil, fmt.Errorf("stack target %s: %w", targetID, ErrNotFound)
	}
	t := ts[i]
	rids, err := ints(ctx, s.db, `SELECT r.rid FROM plan_offer_refs r JOIN plan_offer_facts f ON f.rid = r.rid
		WHERE r.kind = 'part_of' AND r.target = ? AND f.source = ? ORDER BY r.rid`, t.SourceID, t.Source)
	if err != nil {
		return nil, nil, fmt.Errorf("stack parts: %w", err)
	}
	all, ridOf, err := s.loadCandidates(ctx, rids, nil)
	if err != nil {
		return nil, nil, err
	}
	var parts []catalog.Candidate
	for i, c := range all {
		if slices.Contains(rids, ridOf[i]) && c.ID != targetID {
			parts = append(parts, c)
		}
	}
	return &t, parts, nil
}
