package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/vault"
)

// peopleSealed is People on an encrypted database. Names are sealed, so
// the blind index finds the candidates: every query word of two letters
// or more must be the prefix of a word of the name or e-mail, whose keyed
// token person_tokens holds. The candidates' names are then opened and
// checked (a word longer than the index's prefixes, a one-letter word);
// a query that is a person id's prefix finds that person. With no word
// the index can use, every name is opened (the whole caseload, as a list).
func (s *Store) peopleSealed(ctx context.Context, z seals, query string, limit int) ([]sessions.PersonSummary, error) {
	tokens, idPrefix := SealedQuery(z, query)
	where, args := "", []any{}
	if len(tokens) > 0 {
		tj, _ := json.Marshal(tokens)
		// distinct tokens: a person must hold every one of them.
		where = `WHERE p.id IN (SELECT person_id FROM person_tokens WHERE token IN (SELECT DISTINCT value FROM json_each(?1))
			GROUP BY person_id HAVING count(*) = (SELECT count(DISTINCT value) FROM json_each(?1)))`
		args = append(args, string(tj))
		if idPrefix != "" {
			where += ` OR p.id LIKE ?2`
			args = append(args, idPrefix+"%")
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.name, p.email, p.birth_year, p.updated_at,
		coalesce((SELECT max(at) FROM guidance_sessions g WHERE g.person_id = p.id), '')
		FROM people p `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	defer rows.Close()
	var hits PeopleHits
	for rows.Next() {
		ps, err := scanSummary(rows, z)
		if err != nil {
			return nil, err
		}
		if !SealedMatch(query, idPrefix, ps) {
			continue
		}
		hits.Add(vault.Fold(ps.Name)+"\x00"+ps.ID, ps)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return hits.Top(limit), nil
}

// scanSummary reads one row of a People query (id, name, e-mail, birth
// year, updated, last session) and opens its sealed name and e-mail.
func scanSummary(rows *sql.Rows, z seals) (sessions.PersonSummary, error) {
	var ps sessions.PersonSummary
	var upd, last string
	if err := rows.Scan(&ps.ID, &ps.Name, &ps.Email, &ps.BirthYear, &upd, &last); err != nil {
		return ps, err
	}
	ps.UpdatedAt, ps.LastSession = readStamp(upd), readStamp(last)
	return ps, z.openFields("people", ps.ID, field{"name", &ps.Name}, field{"email", &ps.Email})
}
