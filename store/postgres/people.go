package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/vault"
)

// dateArg is a civil date as a query argument: NULL when unknown.
func dateArg(d catalog.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.Time()
}

// civil is a scanned date column (nil: unknown).
func civil(t *time.Time) catalog.Date {
	if t == nil {
		return catalog.Date{}
	}
	return catalog.DateOf(*t)
}

// when is a scanned timestamptz column in UTC (nil: zero), as SQLite's
// store gives it back.
func when(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// stampArg is a time as a query argument: NULL when zero.
func stampArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Millisecond)
}

// CreatePerson validates p and stores it with a new id, stamped with the
// actor; the audit log records the creation.
func (s *Store) CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error) {
	if err := p.Validate(s.now()).Err(); err != nil {
		return p, err
	}
	p.ID = NewID()
	now := s.stamp()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO people (id, name, email, phone, language, birth_year, eqf, employment,
			current_occupation, target_occupation, availability, mobility, modes, lawful_basis, notice_version,
			notice_shown, retain_until, created_at, created_by, updated_at, updated_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$18,$19)`,
			p.ID, z.Seal(p.Name, "people", "name", p.ID), z.Seal(p.Email, "people", "email", p.ID), z.Seal(p.Phone, "people", "phone", p.ID),
			p.Language, p.BirthYear, int(p.EQF), p.Employment,
			p.CurrentOccupation, p.TargetOccupation, z.Seal(p.Availability, "people", "availability", p.ID), p.Mobility, emptyIfNil(p.Modes), p.LawfulBasis,
			p.NoticeVersion, dateArg(p.NoticeShown), dateArg(p.RetainUntil), now, s.actor)
		if err != nil {
			return fmt.Errorf("insert person: %w", err)
		}
		if err := writeTokens(ctx, tx, z, p.ID, p.Name, p.Email); err != nil {
			return err
		}
		if err := writeReach(ctx, tx, p); err != nil {
			return err
		}
		if err := writeTeam(ctx, tx, p, true); err != nil {
			return err
		}
		if err := s.writeSkillsConsents(ctx, tx, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, p.ID, "create", "")
	})
	if err != nil {
		return p, err
	}
	return s.Person(ctx, p.ID)
}

// UpdatePerson replaces the stored profile of p.ID with p (skills with
// evidence "credential" stay tied to their credentials); the audit log
// records the change. When p.Version is set and the stored profile has
// another version, nothing is written and the error is a
// *sessions.ChangedError.
func (s *Store) UpdatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error) {
	if err := p.Validate(s.now()).Err(); err != nil {
		return p, err
	}
	if !isID(p.ID) {
		return p, personNotFound(p.ID)
	}
	now := s.stamp()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE people SET name=$1, email=$2, phone=$3, language=$4, birth_year=$5, eqf=$6,
			employment=$7, current_occupation=$8, target_occupation=$9, availability=$10, mobility=$11, modes=$12,
			lawful_basis=$13, notice_version=$14, notice_shown=$15, retain_until=$16, updated_at=$17, updated_by=$18,
			version=version+1 WHERE id=$19 AND ($20::bigint = 0 OR version=$20)`,
			z.Seal(p.Name, "people", "name", p.ID), z.Seal(p.Email, "people", "email", p.ID), z.Seal(p.Phone, "people", "phone", p.ID),
			p.Language, p.BirthYear, int(p.EQF), p.Employment, p.CurrentOccupation,
			p.TargetOccupation, z.Seal(p.Availability, "people", "availability", p.ID), p.Mobility, emptyIfNil(p.Modes), p.LawfulBasis, p.NoticeVersion,
			dateArg(p.NoticeShown), dateArg(p.RetainUntil), now, s.actor, p.ID, p.Version)
		if err != nil {
			return fmt.Errorf("update person: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return changedPerson(ctx, tx, p.ID, p.Version)
		}
		if err := writeTokens(ctx, tx, z, p.ID, p.Name, p.Email); err != nil {
			return err
		}
		if err := writeReach(ctx, tx, p); err != nil {
			return err
		}
		if err := writeTeam(ctx, tx, p, false); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM person_skills WHERE person_id=$1 AND evidence <> 'credential'`, p.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM consents WHERE person_id=$1`, p.ID); err != nil {
			return err
		}
		if err := s.writeSkillsConsents(ctx, tx, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, p.ID, "change", "profile")
	})
	if err != nil {
		return p, err
	}
	return s.Person(ctx, p.ID)
}

const insertSkill = `INSERT INTO person_skills (person_id, uri, label, evidence, source_id, created_at, created_by)
	VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING`

func (s *Store) writeSkillsConsents(ctx context.Context, tx pgx.Tx, p sessions.Person) error {
	now := s.stamp()
	for _, sk := range p.Skills {
		if sk.Evidence == sessions.ByCredential {
			continue
		}
		if _, err := tx.Exec(ctx, insertSkill, p.ID, sk.URI, sk.Label, string(sk.Evidence), sk.Source, now, s.actor); err != nil {
			return fmt.Errorf("insert skill %s: %w", sk.URI, err)
		}
	}
	for _, c := range p.Consents {
		if _, err := tx.Exec(ctx, `INSERT INTO consents (person_id, purpose, given, withdrawn, updated_at, updated_by)
			VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (person_id, purpose) DO UPDATE SET given=excluded.given,
			withdrawn=excluded.withdrawn, updated_at=excluded.updated_at, updated_by=excluded.updated_by`,
			p.ID, string(c.Purpose), dateArg(c.Given), dateArg(c.Withdrawn), now, s.actor); err != nil {
			return fmt.Errorf("insert consent %s: %w", c.Purpose, err)
		}
	}
	return nil
}

// Person reads one person's file: profile, skills with evidence, consents.
// It does not write the audit log (callers that show the file call Audit).
func (s *Store) Person(ctx context.Context, id string) (sessions.Person, error) {
	return s.person(ctx, s.pool, id)
}

func (s *Store) person(ctx context.Context, q querier, id string) (sessions.Person, error) {
	var p sessions.Person
	if !isID(id) {
		return p, personNotFound(id)
	}
	z, err := s.readSeals()
	if err != nil {
		return p, err
	}
	var eqf int
	var notice, retain *time.Time
	var created, updated time.Time
	err = q.QueryRow(ctx, `SELECT id::text, name, email, phone, language, birth_year, eqf, employment,
		current_occupation, target_occupation, availability, mobility, modes, lawful_basis, notice_version,
		notice_shown, retain_until, created_at, created_by, updated_at, updated_by FROM people WHERE id=$1`, id).Scan(
		&p.ID, &p.Name, &p.Email, &p.Phone, &p.Language, &p.BirthYear, &eqf, &p.Employment,
		&p.CurrentOccupation, &p.TargetOccupation, &p.Availability, &p.Mobility, &p.Modes, &p.LawfulBasis,
		&p.NoticeVersion, &notice, &retain, &created, &p.CreatedBy, &updated, &p.UpdatedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, personNotFound(id)
	}
	if err != nil {
		return p, fmt.Errorf("read person %s: %w", id, mapErr(err))
	}
	if err := z.OpenFields("people", p.ID, store.SealField("name", &p.Name), store.SealField("email", &p.Email),
		store.SealField("phone", &p.Phone), store.SealField("availability", &p.Availability)); err != nil {
		return p, err
	}
	if len(p.Modes) == 0 {
		p.Modes = nil // SQLite's store reads "[]" as nil too
	}
	if err := q.QueryRow(ctx, `SELECT languages, hours_per_week, version, centre, counsellor FROM people WHERE id=$1`, id).Scan(&p.Languages, &p.HoursPerWeek, &p.Version, &p.Centre, &p.Counsellor); err != nil {
		return p, fmt.Errorf("read person %s: %w", id, mapErr(err))
	}
	if len(p.Languages) == 0 {
		p.Languages = nil // not stated, as on a new Person
	}
	p.EQF = catalog.EQF(eqf)
	p.NoticeShown, p.RetainUntil = civil(notice), civil(retain)
	p.CreatedAt, p.UpdatedAt = created.UTC(), updated.UTC()
	rows, err := q.Query(ctx, `SELECT uri, label, evidence, source_id FROM person_skills WHERE person_id=$1 ORDER BY created_at, uri`, id)
	if err != nil {
		return p, fmt.Errorf("read skills: %w", err)
	}
	p.Skills, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.HeldSkill, error) {
		var sk sessions.HeldSkill
		var ev string
		err := r.Scan(&sk.URI, &sk.Label, &ev, &sk.Source)
		sk.Evidence = sessions.Evidence(ev)
		return sk, err
	})
	if err != nil {
		return p, fmt.Errorf("read skills: %w", err)
	}
	p.Skills = emptyIfNil(p.Skills)
	rows, err = q.Query(ctx, `SELECT purpose, given, withdrawn FROM consents WHERE person_id=$1 ORDER BY purpose`, id)
	if err != nil {
		return p, fmt.Errorf("read consents: %w", err)
	}
	p.Consents, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Consent, error) {
		var c sessions.Consent
		var pur string
		var g, w *time.Time
		err := r.Scan(&pur, &g, &w)
		c.Purpose, c.Given, c.Withdrawn = sessions.Purpose(pur), civil(g), civil(w)
		return c, err
	})
	if err != nil {
		return p, fmt.Errorf("read consents: %w", err)
	}
	p.Consents = emptyIfNil(p.Consents)
	return p, nil
}

// People lists people matching query (all when empty), by name: every word
// of the query must occur in the name, the e-mail or the id, with case and
// diacritics folded, exactly as store.(*Store).People matches.
func (s *Store) People(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error) {
	if limit <= 0 {
		limit = 500
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	if z.Box() != nil {
		return s.peopleSealed(ctx, z, query, limit)
	}
	words := store.PeopleWords(query)
	rows, err := s.pool.Query(ctx, `SELECT p.id::text, p.name, p.email, p.birth_year, p.updated_at, g.last
		FROM people p LEFT JOIN (SELECT person_id, max(at) AS last FROM guidance_sessions GROUP BY person_id) g ON g.person_id = p.id`)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", mapErr(err))
	}
	defer rows.Close()
	var hits store.PeopleHits
	for rows.Next() {
		var ps sessions.PersonSummary
		var upd time.Time
		var last *time.Time
		if err := rows.Scan(&ps.ID, &ps.Name, &ps.Email, &ps.BirthYear, &upd, &last); err != nil {
			return nil, err
		}
		if vault.IsSealed(ps.Name) {
			// Encrypted by another koers since this one opened.
			return nil, store.ErrLocked
		}
		if key, ok := store.PersonMatch(words, ps); ok {
			ps.UpdatedAt, ps.LastSession = upd.UTC(), when(last)
			hits.Add(key, ps)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	return hits.Top(limit), nil
}

// peopleSealed is People on an encrypted database, as SQLite's store
// answers it: the blind index finds the candidates (every query word of two
// letters or more the prefix of a word of the name or e-mail), whose names
// are then opened and checked; a query that is an id's prefix finds that
// person; with no word the index can use, every name is opened.
func (s *Store) peopleSealed(ctx context.Context, z store.Sealer, query string, limit int) ([]sessions.PersonSummary, error) {
	tokens, idPrefix := store.SealedQuery(z, query)
	where, args := "", []any{}
	if len(tokens) > 0 {
		where = `WHERE p.id IN (SELECT person_id FROM person_tokens WHERE token = ANY($1::text[])
			GROUP BY person_id HAVING count(*) = cardinality(ARRAY(SELECT DISTINCT unnest($1::text[]))))`
		args = append(args, tokens)
		if idPrefix != "" {
			where += ` OR p.id::text LIKE $2`
			args = append(args, idPrefix+"%")
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT p.id::text, p.name, p.email, p.birth_year, p.updated_at,
		(SELECT max(at) FROM guidance_sessions g WHERE g.person_id = p.id) FROM people p `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", mapErr(err))
	}
	defer rows.Close()
	var hits store.PeopleHits
	for rows.Next() {
		var ps sessions.PersonSummary
		var upd time.Time
		var last *time.Time
		if err := rows.Scan(&ps.ID, &ps.Name, &ps.Email, &ps.BirthYear, &upd, &last); err != nil {
			return nil, err
		}
		if err := z.OpenFields("people", ps.ID, store.SealField("name", &ps.Name), store.SealField("email", &ps.Email)); err != nil {
			return nil, err
		}
		if !store.SealedMatch(query, idPrefix, ps) {
			continue
		}
		ps.UpdatedAt, ps.LastSession = upd.UTC(), when(last)
		hits.Add(vault.Fold(ps.Name)+"\x00"+ps.ID, ps)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	return hits.Top(limit), nil
}

// AddSkills adds held skills to a person's file (a skill already held with
// the same evidence is kept once).
func (s *Store) AddSkills(ctx context.Context, personID string, skills []sessions.HeldSkill) error {
	if !isID(personID) {
		return personNotFound(personID)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, personID); err != nil {
			return err
		}
		now := s.stamp()
		for _, sk := range skills {
			if !sk.Evidence.Valid() || !strings.HasPrefix(sk.URI, "http") {
				return fmt.Errorf("skill %q with evidence %q: %w", sk.URI, sk.Evidence, store.ErrConflict)
			}
			if _, err := tx.Exec(ctx, insertSkill, personID, sk.URI, sk.Label, string(sk.Evidence), sk.Source, now, s.actor); err != nil {
				return fmt.Errorf("insert skill %s: %w", sk.URI, err)
			}
		}
		return s.audit(ctx, tx, personID, "change", "skills")
	})
}

// exists is ErrNotFound unless the person is there.
func exists(ctx context.Context, q querier, personID string) error {
	if !isID(personID) {
		return personNotFound(personID)
	}
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM people WHERE id=$1`, personID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return personNotFound(personID)
	}
	return err
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// writeReach stores what a suggestion reads to fit the person (0014).
func writeReach(ctx context.Context, tx pgx.Tx, p sessions.Person) error {
	if _, err := tx.Exec(ctx, `UPDATE people SET languages=$1, hours_per_week=$2 WHERE id=$3`,
		emptyIfNil(p.Languages), p.HoursPerWeek, p.ID); err != nil {
		return fmt.Errorf("write person's languages and weekly hours: %w", mapErr(err))
	}
	return nil
}

// changedPerson explains an update of person id that matched no row: the
// person is gone (ErrNotFound), or someone saved it after version read
// (a *sessions.ChangedError naming them).
func changedPerson(ctx context.Context, q querier, id string, read int64) error {
	var now int64
	var by string
	var at time.Time
	err := q.QueryRow(ctx, `SELECT version, updated_by, updated_at FROM people WHERE id=$1`, id).Scan(&now, &by, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return personNotFound(id)
	}
	if err != nil {
		return fmt.Errorf("read person %s: %w", id, mapErr(err))
	}
	return &sessions.ChangedError{What: sessions.ChangedProfile, ID: id, Read: read, Now: now, By: by, At: at.UTC()}
}
