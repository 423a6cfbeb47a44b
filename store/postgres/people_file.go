package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
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
	err := s.tx(ctx, func(tx pgx.Tx) error {
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

func (s *Store) addCredential(ctx context.Context, tx pgx.Tx, c sessions.Credential) (sessions.Credential, error) {
	if c.Source == "" {
		c.Source = "manual"
	}
	c.ID = NewID()
	now := s.stamp()
	c.CreatedAt, c.CreatedBy = now, s.actor
	if err := exists(ctx, tx, c.PersonID); err != nil {
		return c, err
	}
	z, err := s.writeSeals(ctx, tx)
	if err != nil {
		return c, err
	}
	// The same document on the same file already (by its id or content
	// hash): importing it again changes nothing, as in SQLite's store. The
	// documents are compared opened, not in SQL: they may be sealed.
	if c.DocumentID != "" || c.ContentHash != "" {
		on, err := credentials(ctx, tx, z, c.PersonID)
		if err != nil {
			return c, err
		}
		if prev, found := store.SameCredential(on, c); found {
			return prev, nil
		}
	}
	c.AlreadyOnFile = false
	doc, err := json.Marshal(c)
	if err != nil {
		return c, fmt.Errorf("encode credential: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO credentials (id, person_id, title, issued, source, doc, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		c.ID, c.PersonID, z.Seal(c.Title, "credentials", "title", c.ID), dateArg(c.Issued), c.Source,
		z.Seal(string(doc), "credentials", "doc", c.ID), now, s.actor); err != nil {
		return c, fmt.Errorf("insert credential: %w", err)
	}
	for _, sk := range c.Skills() {
		if _, err := tx.Exec(ctx, insertSkill, c.PersonID, sk.URI, sk.Label, string(sessions.ByCredential), c.ID, now, s.actor); err != nil {
			return c, fmt.Errorf("insert skill %s: %w", sk.URI, err)
		}
	}
	return c, s.audit(ctx, tx, c.PersonID, "change", "credential "+c.ID)
}

// Credentials lists the earned credentials on a person's file, newest issue first.
func (s *Store) Credentials(ctx context.Context, personID string) ([]sessions.Credential, error) {
	if !isID(personID) {
		return []sessions.Credential{}, nil
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	return credentials(ctx, s.pool, z, personID)
}

// credentials reads and opens the documents on a person's file. SQLite
// sorts the unknown issue date (”) last in descending order: NULLS LAST
// does the same here.
func credentials(ctx context.Context, q querier, z store.Sealer, personID string) ([]sessions.Credential, error) {
	rows, err := q.Query(ctx, `SELECT id::text, doc FROM credentials WHERE person_id=$1 ORDER BY issued DESC NULLS LAST, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", mapErr(err))
	}
	out := []sessions.Credential{}
	var id, doc string
	_, err = pgx.ForEachRow(rows, []any{&id, &doc}, func() error {
		if err := z.OpenFields("credentials", id, store.SealField("doc", &doc)); err != nil {
			return err
		}
		var c sessions.Credential
		if err := json.Unmarshal([]byte(doc), &c); err != nil {
			return fmt.Errorf("decode credential: %w", err)
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", mapErr(err))
	}
	return out, nil
}

// ExportPerson gathers everything held on the person, notes and the audit
// entries about them included, and logs the export (store.GatherFile).
func (s *Store) ExportPerson(ctx context.Context, id string) (store.PersonFile, error) {
	f, err := store.GatherFile(ctx, s, id, s.actor, s.now())
	if err != nil {
		return f, err
	}
	z, err := s.readSeals()
	if err != nil {
		return f, err
	}
	rows, err := s.pool.Query(ctx, `SELECT kind, body, updated_at FROM drafts WHERE person_id=$1 ORDER BY kind`, id)
	if err != nil {
		return f, fmt.Errorf("read drafts: %w", mapErr(err))
	}
	f.Drafts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Draft, error) {
		var d store.Draft
		var at time.Time
		err := r.Scan(&d.Kind, &d.Body, &at)
		d.UpdatedAt = at.UTC()
		if err != nil {
			return d, err
		}
		d.Body, err = z.Open(d.Body, "drafts", "body", draftID(id, d.Kind))
		return d, err
	})
	if err != nil {
		return f, fmt.Errorf("read drafts: %w", mapErr(err))
	}
	f.Drafts = emptyIfNil(f.Drafts)
	if f.Audit, err = s.AuditLog(ctx, id); err != nil {
		return f, err
	}
	return f, nil
}

// ErasePerson removes every trace of the person: the profile and every
// row that references it (ON DELETE CASCADE: skills, consents, accounts
// and ledger, credentials, sessions with notes, goals and actions, drafts,
// plans). Append-only rows go through the sanctioned path: the
// transaction names the person in koers.erasing, which the append-only
// triggers let through for that person only. The audit log keeps an
// "erase" line with the id alone. Dead row versions are reclaimed by
// PostgreSQL's vacuum; backups and WAL archives are the operator's to
// expire (README, PostgreSQL).
func (s *Store) ErasePerson(ctx context.Context, id string) error {
	if !isID(id) {
		return personNotFound(id)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		err := exists(ctx, tx, id)
		if errors.Is(err, store.ErrNotFound) {
			// Erased before (the audit log says so): nothing is left to do,
			// as SQLite's store answers a second erase.
			var n int
			if qerr := tx.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE person_id=$1 AND action='erase'`, id).Scan(&n); qerr != nil {
				return qerr
			}
			if n > 0 {
				return nil
			}
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('koers.erasing', $1, true)`, id); err != nil {
			return fmt.Errorf("erase guard: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM people WHERE id=$1`, id); err != nil {
			return fmt.Errorf("erase person: %w", mapErr(err))
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('koers.erasing', '', true)`); err != nil {
			return fmt.Errorf("erase guard: %w", err)
		}
		return s.audit(ctx, tx, id, "erase", "")
	})
}
