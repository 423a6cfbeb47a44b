package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/koers-project/koers/sessions"
)

// PersonFile is everything held on one person (their access request).
type PersonFile struct {
	ExportedAt time.Time          `json:"exported_at"`
	ExportedBy string             `json:"exported_by"`
	Person     sessions.Person    `json:"person"`
	Balances   []sessions.Balance `json:"balances"`
	Ledger     []sessions.Entry   `json:"ledger"`
	// Requests are ledger entries held for approval, with their decisions.
	Requests []sessions.LedgerRequest `json:"ledger_requests"`
	// EraseRequests are the requests that the person be erased, with
	// their decisions (an approved one goes with the person).
	EraseRequests []sessions.EraseRequest `json:"erase_requests"`
	Credentials   []sessions.Credential   `json:"credentials"`
	Sessions      []sessions.Session      `json:"sessions"`
	Plans         []sessions.Plan         `json:"plans"`
	// Outcomes are the dated step outcomes and employment follow-ups.
	StepOutcomes []sessions.StepOutcome       `json:"step_outcomes"`
	FollowUps    []sessions.EmploymentOutcome `json:"follow_ups"`
	Drafts       []Draft                      `json:"drafts"`
	Audit        []AuditEntry                 `json:"audit"`
}

// Draft is a saved, unfinished form.
type Draft struct {
	Kind      string    `json:"kind"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

// FileSource is what a person file is gathered from, on either engine.
type FileSource interface {
	Person(ctx context.Context, id string) (sessions.Person, error)
	Audit(ctx context.Context, personID, action, detail string) error
	Balances(ctx context.Context, personID string) ([]sessions.Balance, error)
	Entries(ctx context.Context, personID, scheme string) ([]sessions.Entry, error)
	LedgerRequests(ctx context.Context, personID string, pendingOnly bool) ([]sessions.LedgerRequest, error)
	EraseRequests(ctx context.Context, personID string, openOnly bool) ([]sessions.EraseRequest, error)
	Credentials(ctx context.Context, personID string) ([]sessions.Credential, error)
	Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error)
	Plans(ctx context.Context, personID string) ([]sessions.Plan, error)
	StepOutcomes(ctx context.Context, personID string) ([]sessions.StepOutcome, error)
	EmploymentOutcomes(ctx context.Context, personID string) ([]sessions.EmploymentOutcome, error)
}

// GatherFile reads the person's file from src, stamped as exported by
// actor at now, and logs the export: everything held on the person but
// the drafts and the audit entries, which the engine reads last
// (ExportPerson), so the file's audit holds this export.
func GatherFile(ctx context.Context, src FileSource, id, actor string, now time.Time) (PersonFile, error) {
	f := PersonFile{ExportedAt: now.UTC(), ExportedBy: actor}
	var err error
	if f.Person, err = src.Person(ctx, id); err != nil {
		return f, err
	}
	if err := src.Audit(ctx, id, "export", "person file"); err != nil {
		return f, err
	}
	if f.Balances, err = src.Balances(ctx, id); err != nil {
		return f, err
	}
	if f.Ledger, err = src.Entries(ctx, id, ""); err != nil {
		return f, err
	}
	if f.Requests, err = src.LedgerRequests(ctx, id, false); err != nil {
		return f, err
	}
	if f.EraseRequests, err = src.EraseRequests(ctx, id, false); err != nil {
		return f, err
	}
	if f.Credentials, err = src.Credentials(ctx, id); err != nil {
		return f, err
	}
	if f.Sessions, err = src.Sessions(ctx, id, true); err != nil {
		return f, err
	}
	if f.Plans, err = src.Plans(ctx, id); err != nil {
		return f, err
	}
	f.Plans = emptyIfNil(f.Plans)
	if f.StepOutcomes, err = src.StepOutcomes(ctx, id); err != nil {
		return f, err
	}
	if f.FollowUps, err = src.EmploymentOutcomes(ctx, id); err != nil {
		return f, err
	}
	return f, nil
}

// ExportPerson gathers everything held on the person, notes and the audit
// entries about them included, and logs the export.
func (s *Store) ExportPerson(ctx context.Context, id string) (PersonFile, error) {
	f, err := GatherFile(ctx, s, id, s.actor, s.now())
	if err != nil {
		return f, err
	}
	z, err := s.readSeals()
	if err != nil {
		return f, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, body, updated_at FROM drafts WHERE person_id=? ORDER BY kind`, id)
	if err != nil {
		return f, fmt.Errorf("read drafts: %w", err)
	}
	defer rows.Close()
	f.Drafts = []Draft{}
	for rows.Next() {
		var d Draft
		var at string
		if err := rows.Scan(&d.Kind, &d.Body, &at); err != nil {
			return f, err
		}
		if err := z.openFields("drafts", draftID(id, d.Kind), field{"body", &d.Body}); err != nil {
			return f, err
		}
		d.UpdatedAt = readStamp(at)
		f.Drafts = append(f.Drafts, d)
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	if f.Audit, err = s.AuditLog(ctx, id); err != nil {
		return f, err
	}
	return f, nil
}

// ErasePerson removes every trace of the person: the profile, skills,
// consents, accounts and ledger entries, credentials, sessions with notes,
// goals and actions, drafts, and every other table that references
// people(id) ON DELETE CASCADE (plans). Append-only rows are deleted through
// the sanctioned path: the erasing guard names the person inside the one
// transaction. Then secure_delete, VACUUM and a WAL truncate make sure the
// file's bytes, free pages included, hold nothing of them. The audit log
// keeps an "erase" line with the id alone.
func (s *Store) ErasePerson(ctx context.Context, id string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = OFF`)
	// A person erased before whose WAL could not be truncated then (see
	// below), or whose erase was killed after its marker (erase_resume.go),
	// is not there any more or half-erased: finish the job.
	var erased, pending int
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM audit_log WHERE person_id=?1 AND action='erase'),
		(SELECT count(*) FROM erase_pending WHERE person_id=?1)`, id).Scan(&erased, &pending); err != nil {
		return fmt.Errorf("erase: %w", mapErr(err))
	}
	if (erased > 0 || pending > 0) && errors.Is(exists(ctx, conn, id), ErrNotFound) {
		if err := s.scrub(ctx, conn, id); err != nil {
			return err
		}
		return s.unmarkErase(ctx, conn, id)
	}
	if err := exists(ctx, conn, id); err != nil {
		return mapErr(err)
	}
	if err := s.markErase(ctx, conn, id); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	err = func() error {
		if err := exists(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO erasing (one, person_id) VALUES (1, ?)`, id); err != nil {
			return fmt.Errorf("erase guard: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM people WHERE id=?`, id); err != nil {
			return fmt.Errorf("erase person: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM erasing`); err != nil {
			return fmt.Errorf("erase guard: %w", err)
		}
		return s.audit(ctx, tx, id, "erase", "")
	}()
	if err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	if err := tx.Commit(); err != nil {
		return mapErr(err)
	}
	if err := s.scrub(ctx, conn, id); err != nil {
		return err
	}
	return s.unmarkErase(ctx, conn, id)
}

// scrub rewrites the file without free pages (VACUUM) and truncates the WAL.
func (s *Store) scrub(ctx context.Context, conn *sql.Conn, id string) error {
	if _, err := conn.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("erase: vacuum: %w", mapErr(err))
	}
	// A reader in another process can hold the WAL; the busy handler waits
	// for it, and a checkpoint that still could not finish is reported, so
	// no one believes the file clean while the WAL may hold the person.
	var busy, logFrames, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("erase: truncate wal: %w", mapErr(err))
	}
	if busy != 0 {
		return fmt.Errorf("erase: person %s is erased, but another process holds the database open, so its write-ahead log could not be truncated yet: close it and run the erase again: %w", id, ErrConflict)
	}
	return nil
}
