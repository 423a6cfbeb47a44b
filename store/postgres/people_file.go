package postgres

import (
	"context"
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
	// The same document on the same file already (by its id or content
	// hash): importing it again changes nothing, as in SQLite's store.
	if c.DocumentID != "" || c.ContentHash != "" {
		var prev sessions.Credential
		err := tx.QueryRow(ctx, `SELECT doc FROM credentials WHERE person_id=$1
			AND (($2 <> '' AND doc->>'document_id' = $2) OR ($3 <> '' AND doc->>'content_hash' = $3))
			ORDER BY created_at LIMIT 1`, c.PersonID, c.DocumentID, c.ContentHash).Scan(&prev)
		if err == nil {
			prev.AlreadyOnFile = true
			return prev, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return c, fmt.Errorf("read credentials: %w", err)
		}
	}
	c.AlreadyOnFile = false
	// doc is the credential as JSON; pgx encodes it for the jsonb column.
	if _, err := tx.Exec(ctx, `INSERT INTO credentials (id, person_id, title, issued, source, doc, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		c.ID, c.PersonID, c.Title, dateArg(c.Issued), c.Source, c, now, s.actor); err != nil {
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
	// SQLite sorts the unknown issue date ('') last in descending order:
	// NULLS LAST does the same here.
	rows, err := s.pool.Query(ctx, `SELECT doc FROM credentials WHERE person_id=$1 ORDER BY issued DESC NULLS LAST, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Credential, error) {
		var c sessions.Credential
		err := r.Scan(&c)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}

// ExportPerson gathers everything held on the person, notes and the audit
// entries about them included, and logs the export.
func (s *Store) ExportPerson(ctx context.Context, id string) (store.PersonFile, error) {
	f := store.PersonFile{ExportedAt: s.now().UTC(), ExportedBy: s.actor}
	var err error
	if f.Person, err = s.Person(ctx, id); err != nil {
		return f, err
	}
	if err := s.Audit(ctx, id, "export", "person file"); err != nil {
		return f, err
	}
	if f.Balances, err = s.Balances(ctx, id); err != nil {
		return f, err
	}
	if f.Ledger, err = s.Entries(ctx, id, ""); err != nil {
		return f, err
	}
	if f.Requests, err = s.LedgerRequests(ctx, id, false); err != nil {
		return f, err
	}
	if f.EraseRequests, err = s.EraseRequests(ctx, id, false); err != nil {
		return f, err
	}
	if f.Credentials, err = s.Credentials(ctx, id); err != nil {
		return f, err
	}
	if f.Sessions, err = s.Sessions(ctx, id, true); err != nil {
		return f, err
	}
	if f.Plans, err = s.Plans(ctx, id); err != nil {
		return f, err
	}
	f.Plans = emptyIfNil(f.Plans)
	rows, err := s.pool.Query(ctx, `SELECT kind, body, updated_at FROM drafts WHERE person_id=$1 ORDER BY kind`, id)
	if err != nil {
		return f, fmt.Errorf("read drafts: %w", mapErr(err))
	}
	f.Drafts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Draft, error) {
		var d store.Draft
		var at time.Time
		err := r.Scan(&d.Kind, &d.Body, &at)
		d.UpdatedAt = at.UTC()
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
