package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// rowQuerier is what both *sql.DB and *sql.Tx offer, so reads compose inside
// a transaction.
type rowQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// CreatePerson validates p and stores it with a new id, stamped with the
// actor; the audit log records the creation.
func (s *Store) CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error) {
	if err := p.Validate(s.now()).Err(); err != nil {
		return p, err
	}
	p.ID = NewID()
	now := s.stamp()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		modes, _ := json.Marshal(emptyIfNil(p.Modes))
		_, err = tx.ExecContext(ctx, `INSERT INTO people (id, name, email, phone, language, birth_year, eqf, employment,
			current_occupation, target_occupation, availability, mobility, modes, lawful_basis, notice_version,
			notice_shown, retain_until, created_at, created_by, updated_at, updated_by, gender, region, centre)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			p.ID, z.seal(p.Name, "people", "name", p.ID), z.seal(p.Email, "people", "email", p.ID), z.seal(p.Phone, "people", "phone", p.ID),
			p.Language, p.BirthYear, int(p.EQF), p.Employment, p.CurrentOccupation, p.TargetOccupation,
			z.seal(p.Availability, "people", "availability", p.ID), p.Mobility, string(modes), p.LawfulBasis,
			p.NoticeVersion, p.NoticeShown.String(), p.RetainUntil.String(), now, s.actor, now, s.actor, p.Gender, p.Region, p.Centre)
		if err != nil {
			return fmt.Errorf("insert person: %w", err)
		}
		if err := writeTokens(ctx, tx, z, p.ID, p.Name, p.Email); err != nil {
			return err
		}
		if err := writeReach(ctx, tx, p); err != nil {
			return err
		}
		if err := writeCounsellor(ctx, tx, p); err != nil {
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
// another version (someone saved it since p was read), nothing is written
// and the error is a *sessions.ChangedError.
func (s *Store) UpdatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error) {
	if err := p.Validate(s.now()).Err(); err != nil {
		return p, err
	}
	now := s.stamp()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		modes, _ := json.Marshal(emptyIfNil(p.Modes))
		// version=0 in the condition never matches a stored version (they
		// start at 1): an update without a version takes the second arm.
		res, err := tx.ExecContext(ctx, `UPDATE people SET name=?, email=?, phone=?, language=?, birth_year=?, eqf=?,
			employment=?, current_occupation=?, target_occupation=?, availability=?, mobility=?, modes=?,
			lawful_basis=?, notice_version=?, notice_shown=?, retain_until=?, updated_at=?, updated_by=?, gender=?, region=?, centre=?,
			version=version+1 WHERE id=? AND (version=? OR ?=0)`,
			z.seal(p.Name, "people", "name", p.ID), z.seal(p.Email, "people", "email", p.ID), z.seal(p.Phone, "people", "phone", p.ID),
			p.Language, p.BirthYear, int(p.EQF), p.Employment, p.CurrentOccupation, p.TargetOccupation,
			z.seal(p.Availability, "people", "availability", p.ID), p.Mobility, string(modes), p.LawfulBasis, p.NoticeVersion,
			p.NoticeShown.String(), p.RetainUntil.String(), now, s.actor, p.Gender, p.Region, p.Centre, p.ID, p.Version, p.Version)
		if err != nil {
			return fmt.Errorf("update person: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if err := exists(ctx, tx, p.ID); err != nil {
				return err
			}
			return changedError(ctx, tx, "people", sessions.ChangedProfile, p.ID, p.Version)
		}
		if err := writeTokens(ctx, tx, z, p.ID, p.Name, p.Email); err != nil {
			return err
		}
		if err := writeReach(ctx, tx, p); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_skills WHERE person_id=? AND evidence <> 'credential'`, p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM consents WHERE person_id=?`, p.ID); err != nil {
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

func (s *Store) writeSkillsConsents(ctx context.Context, tx *sql.Tx, p sessions.Person) error {
	now := s.stamp()
	for _, sk := range p.Skills {
		if sk.Evidence == sessions.ByCredential {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO person_skills (person_id, uri, label, evidence, source_id, created_at, created_by)
			VALUES (?,?,?,?,?,?,?)`, p.ID, sk.URI, sk.Label, string(sk.Evidence), sk.Source, now, s.actor); err != nil {
			return fmt.Errorf("insert skill %s: %w", sk.URI, err)
		}
	}
	for _, c := range p.Consents {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO consents (person_id, purpose, given, withdrawn, updated_at, updated_by)
			VALUES (?,?,?,?,?,?)`, p.ID, string(c.Purpose), c.Given.String(), c.Withdrawn.String(), now, s.actor); err != nil {
			return fmt.Errorf("insert consent %s: %w", c.Purpose, err)
		}
	}
	return nil
}

func personNotFound(id string) error {
	return fmt.Errorf("person %s: %w", id, ErrNotFound)
}

// Person reads one person's file: profile, skills with evidence, consents.
// It does not write the audit log; callers that show the file to someone
// call Audit(ctx, id, "view", …).
func (s *Store) Person(ctx context.Context, id string) (sessions.Person, error) {
	return s.person(ctx, s.db, id)
}

func (s *Store) person(ctx context.Context, q rowQuerier, id string) (sessions.Person, error) {
	var p sessions.Person
	var eqf int
	var modes, notice, retain, created, updated string
	err := q.QueryRowContext(ctx, `SELECT id, name, email, phone, language, birth_year, eqf, employment,
		current_occupation, target_occupation, availability, mobility, modes, lawful_basis, notice_version,
		notice_shown, retain_until, created_at, created_by, updated_at, updated_by, gender, region, centre FROM people WHERE id=?`, id).Scan(
		&p.ID, &p.Name, &p.Email, &p.Phone, &p.Language, &p.BirthYear, &eqf, &p.Employment,
		&p.CurrentOccupation, &p.TargetOccupation, &p.Availability, &p.Mobility, &modes, &p.LawfulBasis,
		&p.NoticeVersion, &notice, &retain, &created, &p.CreatedBy, &updated, &p.UpdatedBy, &p.Gender, &p.Region, &p.Centre)
	if errors.Is(err, sql.ErrNoRows) {
		return p, personNotFound(id)
	}
	if err != nil {
		return p, fmt.Errorf("read person %s: %w", id, err)
	}
	z, err := s.readSeals()
	if err != nil {
		return p, err
	}
	if err := z.openFields("people", p.ID, field{"name", &p.Name}, field{"email", &p.Email}, field{"phone", &p.Phone},
		field{"availability", &p.Availability}); err != nil {
		return p, fmt.Errorf("read person %s: %w", id, err)
	}
	p.EQF = catalog.EQF(eqf)
	_ = json.Unmarshal([]byte(modes), &p.Modes)
	var langs string
	if err := q.QueryRowContext(ctx, `SELECT languages, hours_per_week, version, counsellor FROM people WHERE id=?`, id).Scan(&langs, &p.HoursPerWeek, &p.Version, &p.Counsellor); err != nil {
		return p, fmt.Errorf("read person %s: %w", id, err)
	}
	_ = json.Unmarshal([]byte(langs), &p.Languages)
	if len(p.Languages) == 0 {
		p.Languages = nil // not stated, as on a new Person
	}
	p.NoticeShown, p.RetainUntil = civilDate(notice), civilDate(retain)
	p.CreatedAt, p.UpdatedAt = readStamp(created), readStamp(updated)
	rows, err := q.QueryContext(ctx, `SELECT uri, label, evidence, source_id FROM person_skills WHERE person_id=? ORDER BY created_at, uri`, id)
	if err != nil {
		return p, fmt.Errorf("read skills: %w", err)
	}
	defer rows.Close()
	p.Skills = []sessions.HeldSkill{}
	for rows.Next() {
		var sk sessions.HeldSkill
		var ev string
		if err := rows.Scan(&sk.URI, &sk.Label, &ev, &sk.Source); err != nil {
			return p, err
		}
		sk.Evidence = sessions.Evidence(ev)
		p.Skills = append(p.Skills, sk)
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	crows, err := q.QueryContext(ctx, `SELECT purpose, given, withdrawn FROM consents WHERE person_id=? ORDER BY purpose`, id)
	if err != nil {
		return p, fmt.Errorf("read consents: %w", err)
	}
	defer crows.Close()
	p.Consents = []sessions.Consent{}
	for crows.Next() {
		var c sessions.Consent
		var pur, g, w string
		if err := crows.Scan(&pur, &g, &w); err != nil {
			return p, err
		}
		c.Purpose, c.Given, c.Withdrawn = sessions.Purpose(pur), civilDate(g), civilDate(w)
		p.Consents = append(p.Consents, c)
	}
	return p, crows.Err()
}

// People lists people matching query (all when empty), by name: every
// word of the query must occur in the name, the e-mail or the id, with
// case and diacritics folded ("chloe" finds "Chloé"). A centre's caseload
// is a few thousand people, so the match runs in Go over one scan.
func (s *Store) People(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error) {
	if limit <= 0 {
		limit = 500
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	if z.box != nil {
		return s.peopleSealed(ctx, z, query, limit)
	}
	words := PeopleWords(query)
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.name, p.email, p.birth_year, p.updated_at, coalesce(g.last, '')
		FROM people p LEFT JOIN (SELECT person_id, max(at) AS last FROM guidance_sessions GROUP BY person_id) g ON g.person_id = p.id`)
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
		if key, ok := PersonMatch(words, ps); ok {
			hits.Add(key, ps)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return hits.Top(limit), nil
}

// AddSkills adds held skills to a person's file (skills already held with
// the same evidence are kept once).
func (s *Store) AddSkills(ctx context.Context, personID string, skills []sessions.HeldSkill) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, personID); err != nil {
			return err
		}
		now := s.stamp()
		for _, sk := range skills {
			if !sk.Evidence.Valid() || !strings.HasPrefix(sk.URI, "http") {
				return fmt.Errorf("skill %q with evidence %q: %w", sk.URI, sk.Evidence, ErrConflict)
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO person_skills (person_id, uri, label, evidence, source_id, created_at, created_by)
				VALUES (?,?,?,?,?,?,?)`, personID, sk.URI, sk.Label, string(sk.Evidence), sk.Source, now, s.actor); err != nil {
				return fmt.Errorf("insert skill %s: %w", sk.URI, err)
			}
		}
		return s.audit(ctx, tx, personID, "change", "skills")
	})
}

func exists(ctx context.Context, q rowQuerier, personID string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM people WHERE id=?`, personID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
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

func civilDate(s string) catalog.Date {
	d, err := catalog.ParseDate(s)
	if err != nil {
		return catalog.Date{}
	}
	return d
}

func readStamp(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func writeStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// writeReach stores what a suggestion reads to fit the person (0014).
func writeReach(ctx context.Context, tx *sql.Tx, p sessions.Person) error {
	langs, _ := json.Marshal(emptyIfNil(p.Languages))
	if _, err := tx.ExecContext(ctx, `UPDATE people SET languages=?, hours_per_week=? WHERE id=?`,
		string(langs), p.HoursPerWeek, p.ID); err != nil {
		return fmt.Errorf("write person's languages and weekly hours: %w", err)
	}
	return nil
}
