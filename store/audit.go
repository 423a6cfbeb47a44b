package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one line of the audit log: who did what to which person's
// file, when. It holds ids only, never personal data.
type AuditEntry struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	PersonID string    `json:"person_id"`
	Action   string    `json:"action"` // view, create, change, export, erase
	Detail   string    `json:"detail,omitempty"`
	// Centre is the centre the actor acted from; Session the server
	// session ("" outside koers serve).
	Centre  string `json:"centre,omitempty"`
	Session string `json:"session,omitempty"`
	// Reason is the break-glass reason given to open a file outside the
	// actor's caseload (free text the actor typed).
	Reason string `json:"reason,omitempty"`
}

// Audit appends to the audit log that the actor did action (view, change,
// export, …) on personID's file. detail names what (ids and kinds only,
// never names or notes).
func (s *Store) Audit(ctx context.Context, personID, action, detail string) error {
	// A write of its own (every look at a file writes one): it takes its
	// turn beside an import like every write transaction (import_turns.go),
	// or a view waits on SQLite's busy handler while batches commit.
	defer s.writeTurn(ctx)()
	return s.audit(ctx, s.db, personID, action, detail)
}

func (s *Store) audit(ctx context.Context, q rowQuerier, personID, action, detail string) error {
	return s.auditWhy(ctx, q, personID, action, detail, "")
}

// AuditReason appends an audit row with the break-glass reason the actor gave.
func (s *Store) AuditReason(ctx context.Context, personID, action, detail, reason string) error {
	defer s.writeTurn(ctx)()
	return s.auditWhy(ctx, s.db, personID, action, detail, reason)
}

func (s *Store) auditWhy(ctx context.Context, q rowQuerier, personID, action, detail, reason string) error {
	id := NewID()
	if reason != "" {
		// The reason is free text the actor typed: sealed like a note. A
		// row without one needs no key (a report run on a locked file).
		z, err := s.writeSeals(ctx, q)
		if err != nil {
			return fmt.Errorf("audit %s %s: %w", action, personID, err)
		}
		reason = z.seal(reason, "audit_log", "reason", id)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor, person_id, action, detail, centre, session, reason) VALUES (?,?,?,?,?,?,?,?,?)`,
		id, s.stamp(), s.actor, personID, action, detail, s.centre, s.session, reason)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, personID, mapErr(err))
	}
	return nil
}

// AuditLog lists the audit entries about personID, oldest first.
func (s *Store) AuditLog(ctx context.Context, personID string) ([]AuditEntry, error) {
	return s.auditWhere(ctx, `person_id=?`, personID)
}

// AuditBy lists the audit entries the account actor made, oldest first.
func (s *Store) AuditBy(ctx context.Context, actor string) ([]AuditEntry, error) {
	return s.auditWhere(ctx, `actor=?`, actor)
}

func (s *Store) auditWhere(ctx context.Context, where string, arg string) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, actor, person_id, action, detail, centre, session, reason FROM audit_log WHERE `+where+` ORDER BY at, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	z := s.keys.LenientSealer()
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.PersonID, &e.Action, &e.Detail, &e.Centre, &e.Session, &e.Reason); err != nil {
			return nil, err
		}
		e.At = readStamp(at)
		if err := OpenAudit(z, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
