package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/koers-project/koers/catalog"
)

// Offer is one offer by its id: the UUID, or "source:source_id".
func (s *Store) Offer(ctx context.Context, id string) (catalog.Offer, error) {
	return offer(ctx, s.db, id)
}

func offer(ctx context.Context, q rowQuerier, id string) (catalog.Offer, error) {
	id = strings.TrimSpace(id)
	var row *sql.Row
	if _, err := uuid.Parse(id); err == nil {
		row = q.QueryRowContext(ctx, `SELECT `+offerCols+` FROM `+offerFrom+` WHERE o.id = ? AND o.rid <= `+ceilingSQL, strings.ToLower(id))
	} else if src, sid, ok := strings.Cut(id, ":"); ok && src != "" && sid != "" {
		row = q.QueryRowContext(ctx, `SELECT `+offerCols+` FROM `+offerFrom+` WHERE o.source = ? AND o.source_id = ? AND o.rid <= `+ceilingSQL, src, sid)
	} else {
		return catalog.Offer{}, fmt.Errorf("offer %q: %w", id, ErrNotFound)
	}
	var c docCodec
	_, o, err := c.scanOffer(row)
	if err != nil {
		return catalog.Offer{}, fmt.Errorf("offer %q: %w", id, mapErr(err))
	}
	return o, nil
}

// inList is the placeholders and arguments of an SQL IN list of rowids.
func inList(rids []uint32) (string, []any) {
	args := make([]any, len(rids))
	for i, r := range rids {
		args[i] = int64(r)
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(rids)), ","), args
}

// rids runs a query of offer rowids (one column) and returns them in
// order.
func (s *Store) rids(ctx context.Context, query string, args ...any) ([]uint32, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rids []uint32
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return nil, err
		}
		rids = append(rids, uint32(rid))
	}
	return rids, rows.Err()
}

// offersByRIDs loads offers by rowid, aligned with rids; a rowid that does
// not exist gives a zero offer (ID ""). Offers come through the store's decoded cache:
// their slices and maps are shared and must not be modified.
func (s *Store) offersByRIDs(ctx context.Context, rids []uint32) ([]catalog.Offer, error) {
	byRID := make(map[uint32]catalog.Offer, len(rids))
	var missing []uint32
	for _, r := range rids {
		if o, ok := s.reg.decoded.get(r); ok {
			byRID[r] = o
		} else {
			missing = append(missing, r)
		}
	}
	var c docCodec
	for start := 0; start < len(missing); start += 500 {
		ph, args := inList(missing[start:min(start+500, len(missing))])
		rows, err := s.db.QueryContext(ctx, `SELECT `+offerCols+` FROM `+offerFrom+` WHERE o.rid IN (`+ph+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("load offers: %w", mapErr(err))
		}
		for rows.Next() {
			rid, o, err := c.scanOffer(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("load offers: %w", err)
			}
			byRID[uint32(rid)] = o
			if len(missing) <= filteredBudget+50 { // a page, or the candidates ranking under filters reads
				s.reg.decoded.put(uint32(rid), o)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load offers: %w", mapErr(err))
		}
	}
	out := make([]catalog.Offer, len(rids))
	for i, r := range rids {
		out[i] = byRID[r]
	}
	return out, nil
}

// OffersBySkill is the active offers whose learning outcomes teach any of
// the skill URIs, in register order, at most limit of them (0: all). The
// planner uses it to fill a skill gap.
func (s *Store) OffersBySkill(ctx context.Context, uris []string, limit int) ([]catalog.Offer, error) {
	if len(uris) == 0 {
		return nil, nil
	}
	rids, err := s.OfferRowIDsBySkill(ctx, uris)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(rids) > limit {
		rids = rids[:limit]
	}
	offers, err := s.offersByRIDs(ctx, rids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(offers, func(o catalog.Offer) bool { return o.ID == "" }), nil
}

// OfferRowIDsBySkill is the rowids of active offers teaching any of the
// skill URIs, ascending (from offer_skills, a range scan per skill).
func (s *Store) OfferRowIDsBySkill(ctx context.Context, uris []string) ([]uint32, error) {
	if len(uris) == 0 {
		return nil, nil
	}
	args := make([]any, len(uris))
	for i, u := range uris {
		args[i] = u
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(uris)), ",")
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT k.offer FROM offer_skill_uris u
		JOIN offer_skills k ON k.skill = u.id
		JOIN offers o ON o.rid = k.offer AND o.status = 'active' AND o.rid <= `+ceilingSQL+`
		WHERE u.uri IN (`+ph+`) ORDER BY k.offer`, args...)
	if err != nil {
		return nil, fmt.Errorf("offers by skill: %w", mapErr(err))
	}
	defer rows.Close()
	var out []uint32
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return nil, err
		}
		out = append(out, uint32(rid))
	}
	return out, rows.Err()
}

// SourceStats is one register source and its last import.
type SourceStats struct {
	Name       string    `json:"name"`
	LastImport time.Time `json:"last_import"`
	Active     int       `json:"active"`
	OfferCounts
}

// RegisterStats are the counts `koers stats` shows. Tables of other areas
// (ESCO, people) count 0 until their migrations exist.
type RegisterStats struct {
	Path            string        `json:"path"`
	OffersActive    int           `json:"offers_active"`
	OffersWithdrawn int           `json:"offers_withdrawn"`
	Providers       int           `json:"providers"`
	Occupations     int           `json:"occupations"`
	Skills          int           `json:"skills"`
	Relations       int           `json:"relations"`
	People          int           `json:"people"`
	Sources         []SourceStats `json:"sources"`
}

// RegisterStats counts the register and the other areas' main tables.
func (s *Store) RegisterStats(ctx context.Context) (RegisterStats, error) {
	st := RegisterStats{Path: s.path, Sources: []SourceStats{}}
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'withdrawn'),
		count(DISTINCT provider) FROM offers WHERE rid <= `+ceilingSQL).Scan(&st.OffersActive, &st.OffersWithdrawn, &st.Providers)
	if err != nil {
		return st, fmt.Errorf("stats: %w", mapErr(err))
	}
	for _, c := range []struct {
		dst   *int
		table string
		count string
	}{
		{&st.Occupations, "esco_concepts", `SELECT count(*) FROM esco_concepts WHERE kind = 'occupation'`},
		{&st.Skills, "esco_concepts", `SELECT count(*) FROM esco_concepts WHERE kind = 'skill'`},
		{&st.Relations, "esco_occupation_skills", `SELECT count(*) FROM esco_occupation_skills`},
		{&st.People, "people", `SELECT count(*) FROM people`},
	} {
		n, err := s.countIfTable(ctx, c.table, c.count)
		if err != nil {
			return st, err
		}
		*c.dst = n
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, last_import_at, active, added, changed, unchanged, withdrawn FROM sources ORDER BY name`)
	if err != nil {
		return st, fmt.Errorf("stats: %w", mapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var src SourceStats
		var at string
		if err := rows.Scan(&src.Name, &at, &src.Active, &src.Added, &src.Changed, &src.Unchanged, &src.Withdrawn); err != nil {
			return st, err
		}
		src.LastImport, _ = time.Parse(time.RFC3339, at)
		st.Sources = append(st.Sources, src)
	}
	return st, rows.Err()
}

// countIfTable runs count when table exists (another area's migration may
// not be there), else it is 0.
func (s *Store) countIfTable(ctx context.Context, table, count string) (int, error) {
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("stats: %w", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, count).Scan(&n); err != nil {
		return 0, fmt.Errorf("stats: count %s: %w", table, err)
	}
	return n, nil
}
