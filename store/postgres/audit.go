package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/store"
)

// Audit appends to the audit log that the actor did action (view, change,
// export, …) on personID's file; detail names what (ids and kinds only).
func (s *Store) Audit(ctx context.Context, personID, action, detail string) error {
	if !isID(personID) {
		return fmt.Errorf("audit %s %s: %w", action, personID, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx pgx.Tx) error { return s.audit(ctx, tx, personID, action, detail) })
}

func (s *Store) audit(ctx context.Context, q querier, personID, action, detail string) error {
	return s.auditWhy(ctx, q, personID, action, detail, "")
}

// AuditReason appends an audit row with the break-glass reason the actor gave.
func (s *Store) AuditReason(ctx context.Context, personID, action, detail, reason string) error {
	if !isID(personID) {
		return fmt.Errorf("audit %s %s: %w", action, personID, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx pgx.Tx) error { return s.auditWhy(ctx, tx, personID, action, detail, reason) })
}

func (s *Store) auditWhy(ctx context.Context, q querier, personID, action, detail, reason string) error {
	id := NewID()
	if reason != "" {
		// The break-glass reason is free text the actor typed: sealed like
		// a note. A row without one needs no key.
		z, err := s.writeSeals(ctx, q)
		if err != nil {
			return fmt.Errorf("audit %s %s: %w", action, personID, err)
		}
		reason = z.Seal(reason, "audit_log", "reason", id)
	}
	_, err := q.Exec(ctx, `INSERT INTO audit_log (id, at, actor, person_id, action, detail, centre, session, reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		id, s.stamp(), s.actor, personID, action, detail, s.centre, s.session, reason)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, personID, mapErr(err))
	}
	return nil
}

// AuditLog lists the audit entries about personID, oldest first.
func (s *Store) AuditLog(ctx context.Context, personID string) ([]store.AuditEntry, error) {
	if !isID(personID) {
		return []store.AuditEntry{}, nil
	}
	return s.auditWhere(ctx, `person_id=$1`, personID)
}

// AuditBy lists the audit entries the account actor made, oldest first.
func (s *Store) AuditBy(ctx context.Context, actor string) ([]store.AuditEntry, error) {
	return s.auditWhere(ctx, `actor=$1`, actor)
}

func (s *Store) auditWhere(ctx context.Context, where, arg string) ([]store.AuditEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, at, actor, person_id::text, action, detail, centre, session, reason FROM audit_log WHERE `+where+` ORDER BY at, id`, arg)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", mapErr(err))
	}
	z := s.keys.LenientSealer()
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AuditEntry, error) {
		var e store.AuditEntry
		var at time.Time
		err := r.Scan(&e.ID, &at, &e.Actor, &e.PersonID, &e.Action, &e.Detail, &e.Centre, &e.Session, &e.Reason)
		e.At = at.UTC()
		if err != nil {
			return e, err
		}
		return e, store.OpenAudit(z, &e)
	})
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}
