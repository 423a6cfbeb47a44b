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
	_, err := q.Exec(ctx, `INSERT INTO audit_log (id, at, actor, person_id, action, detail) VALUES ($1,$2,$3,$4,$5,$6)`,
		NewID(), s.stamp(), s.actor, personID, action, detail)
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
	rows, err := s.pool.Query(ctx, `SELECT id::text, at, actor, person_id::text, action, detail FROM audit_log WHERE person_id=$1 ORDER BY at, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AuditEntry, error) {
		var e store.AuditEntry
		var at time.Time
		err := r.Scan(&e.ID, &at, &e.Actor, &e.PersonID, &e.Action, &e.Detail)
		e.At = at.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}
