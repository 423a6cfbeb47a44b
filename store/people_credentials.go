package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/koers-project/koers/sessions"
)

// AddCredential validates an earned credential and puts it on the person's
// file; its skills join the person's skills with evidence "credential".
func (s *Store) AddCredential(ctx context.Context, c sessions.Credential) (sessions.Credential, error) {
	got, err := s.AddCredentials(ctx, []sessions.Credential{c})
	if err != nil {
		return c, err
	}
	return got[0], nil
}

// AddCredentials puts several earned credentials on files in one
// transaction: all of them or none.
func (s *Store) AddCredentials(ctx context.Context, cs []sessions.Credential) ([]sessions.Credential, error) {
	for i := range cs {
		if err := cs[i].Validate(s.now()).Err(); err != nil {
			return nil, err
		}
	}
	out := make([]sessions.Credential, len(cs))
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		for i, c := range cs {
			var err error
			if out[i], err = s.addCredential(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) addCredential(ctx context.Context, tx *sql.Tx, c sessions.Credential) (sessions.Credential, error) {
	if c.Source == "" {
		c.Source = "manual"
	}
	c.ID = NewID()
	now := s.stamp()
	c.CreatedAt, c.CreatedBy = readStamp(now), s.actor
	if err := exists(ctx, tx, c.PersonID); err != nil {
		return c, err
	}
	z, err := s.writeSeals(ctx, tx)
	if err != nil {
		return c, err
	}
	if prev, found, err := sameCredential(ctx, tx, z, c); err != nil || found {
		return prev, err
	}
	c.AlreadyOnFile = false
	doc, err := json.Marshal(c)
	if err != nil {
		return c, fmt.Errorf("encode credential: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO credentials (id, person_id, title, issued, source, doc, created_at, created_by) VALUES (?,?,?,?,?,?,?,?)`,
		c.ID, c.PersonID, z.seal(c.Title, "credentials", "title", c.ID), c.Issued.String(), c.Source,
		z.seal(string(doc), "credentials", "doc", c.ID), now, s.actor); err != nil {
		return c, fmt.Errorf("insert credential: %w", err)
	}
	for _, sk := range c.Skills() {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO person_skills (person_id, uri, label, evidence, source_id, created_at, created_by)
			VALUES (?,?,?,'credential',?,?,?)`, c.PersonID, sk.URI, sk.Label, c.ID, now, s.actor); err != nil {
			return c, fmt.Errorf("insert skill %s: %w", sk.URI, err)
		}
	}
	return c, s.audit(ctx, tx, c.PersonID, "change", "credential "+c.ID)
}

// Credentials lists the earned credentials on a person's file, newest issue first.
func (s *Store) Credentials(ctx context.Context, personID string) ([]sessions.Credential, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	return credentials(ctx, s.db, z, personID)
}

func credentials(ctx context.Context, q rowQuerier, z seals, personID string) ([]sessions.Credential, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, doc FROM credentials WHERE person_id=? ORDER BY issued DESC, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	defer rows.Close()
	out := []sessions.Credential{}
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, err
		}
		if err := z.openFields("credentials", id, field{"doc", &doc}); err != nil {
			return nil, err
		}
		var c sessions.Credential
		if err := json.Unmarshal([]byte(doc), &c); err != nil {
			return nil, fmt.Errorf("decode credential: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// sameCredential finds the credential on c's person's file that is the
// same document (by its id or its content hash): importing a credential
// twice is a no-op that returns the first, marked AlreadyOnFile. The
// documents are opened and compared here, not in SQL: they may be sealed.
func sameCredential(ctx context.Context, tx *sql.Tx, z seals, c sessions.Credential) (sessions.Credential, bool, error) {
	if c.DocumentID == "" && c.ContentHash == "" {
		return c, false, nil
	}
	on, err := credentials(ctx, tx, z, c.PersonID)
	if err != nil {
		return c, false, err
	}
	prev, found := SameCredential(on, c)
	return prev, found, nil
}

// SameCredential is the credential of on (a person's file, opened) that is
// the same document as c, by its id or its content hash: the first put on
// the file, marked AlreadyOnFile. Both engines compare here, not in SQL:
// the documents may be sealed.
func SameCredential(on []sessions.Credential, c sessions.Credential) (sessions.Credential, bool) {
	if c.DocumentID == "" && c.ContentHash == "" {
		return c, false
	}
	var found *sessions.Credential
	for i, prev := range on {
		if (c.DocumentID != "" && prev.DocumentID == c.DocumentID) || (c.ContentHash != "" && prev.ContentHash == c.ContentHash) {
			if found == nil || prev.CreatedAt.Before(found.CreatedAt) {
				found = &on[i]
			}
		}
	}
	if found == nil {
		return c, false
	}
	prev := *found
	prev.AlreadyOnFile = true
	return prev, true
}
