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

// RequestErase files the actor's request that a supervisor erase the
// person, as store.Store.RequestErase: the person's row locked, at most one
// open request per person (another is store.ErrErasePending).
func (s *Store) RequestErase(ctx context.Context, personID, reason string) (sessions.EraseRequest, error) {
	r := sessions.EraseRequest{PersonID: personID, Reason: reason}
	if err := sessions.ValidEraseReason("reason", reason).Err(); err != nil {
		return r, err
	}
	if !isID(personID) {
		return r, personNotFound(personID)
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		r.ID = ""
		err := tx.QueryRow(ctx, `SELECT centre FROM people WHERE id=$1 FOR UPDATE`, personID).Scan(&r.Centre)
		if errors.Is(err, pgx.ErrNoRows) {
			return personNotFound(personID)
		}
		if err != nil {
			return fmt.Errorf("read person: %w", mapErr(err))
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM erase_requests r LEFT JOIN erase_decisions d ON d.request_id = r.id
			WHERE r.person_id=$1 AND (d.id IS NULL OR d.decision = 'approved')`, personID).Scan(&open); err != nil {
			return fmt.Errorf("read erasure requests: %w", mapErr(err))
		}
		if open > 0 {
			return fmt.Errorf("person %s: %w", personID, store.ErrErasePending)
		}
		r.ID = NewID()
		now := s.stamp()
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO erase_requests (id, person_id, reason, centre, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6)`,
			r.ID, personID, z.Seal(reason, "erase_requests", "reason", r.ID), r.Centre, now, s.actor); err != nil {
			return fmt.Errorf("file erasure request: %w", mapErr(err))
		}
		r.CreatedAt, r.CreatedBy = now, s.actor
		return s.audit(ctx, tx, personID, "change", "erase request "+r.ID)
	})
	return r, err
}

const eraseRequestColumns = `r.id::text, r.person_id::text, r.reason, r.centre, r.created_at, r.created_by,
	coalesce(d.id::text, ''), coalesce(d.decision, ''), coalesce(d.reason, ''), d.decided_at, coalesce(d.decided_by, '')`

// scanEraseRequest reads one request with its decision and opens their
// sealed reasons with z.
func scanEraseRequest(sc pgx.Row, z store.Sealer) (sessions.EraseRequest, error) {
	var r sessions.EraseRequest
	var d sessions.EraseDecision
	var dat *time.Time
	if err := sc.Scan(&r.ID, &r.PersonID, &r.Reason, &r.Centre, &r.CreatedAt, &r.CreatedBy, &d.ID, &d.Decision, &d.Reason, &dat, &d.DecidedBy); err != nil {
		return r, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if err := z.OpenFields("erase_requests", r.ID, store.SealField("reason", &r.Reason)); err != nil {
		return r, err
	}
	if d.ID != "" {
		if err := z.OpenFields("erase_decisions", d.ID, store.SealField("reason", &d.Reason)); err != nil {
			return r, err
		}
		d.DecidedAt = when(dat)
		r.Decision = &d
	}
	return r, nil
}

func (s *Store) eraseRequestWhere(ctx context.Context, q querier, where string, args ...any) (sessions.EraseRequest, error) {
	z, err := s.readSeals()
	if err != nil {
		return sessions.EraseRequest{}, err
	}
	r, err := scanEraseRequest(q.QueryRow(ctx, `SELECT `+eraseRequestColumns+` FROM erase_requests r
		LEFT JOIN erase_decisions d ON d.request_id = r.id WHERE `+where, args...), z)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("erasure request: %w", store.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("read erasure request: %w", mapErr(err))
	}
	return r, nil
}

// EraseRequest is one erasure request with its decision, if any.
func (s *Store) EraseRequest(ctx context.Context, id string) (sessions.EraseRequest, error) {
	if !isID(id) {
		return sessions.EraseRequest{}, fmt.Errorf("erasure request %q: %w", id, store.ErrNotFound)
	}
	return s.eraseRequestWhere(ctx, s.pool, `r.id=$1`, id)
}

// EraseRequests lists the person's erasure requests ("" for every
// person's), oldest first; openOnly keeps the open ones.
func (s *Store) EraseRequests(ctx context.Context, personID string, openOnly bool) ([]sessions.EraseRequest, error) {
	if personID != "" && !isID(personID) {
		return []sessions.EraseRequest{}, nil
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+eraseRequestColumns+` FROM erase_requests r
		LEFT JOIN erase_decisions d ON d.request_id = r.id
		WHERE ($1 = '' OR r.person_id::text = $1) AND (NOT $2 OR d.id IS NULL OR d.decision = 'approved') ORDER BY r.created_at, r.id`, personID, openOnly)
	if err != nil {
		return nil, fmt.Errorf("read erasure requests: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.EraseRequest, error) { return scanEraseRequest(r, z) })
	if err != nil {
		return nil, fmt.Errorf("read erasure requests: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}

// DecideErase records the actor's decision on erasure request id, as
// store.Store.DecideErase; at most one decision per request (UNIQUE
// request_id), so of two supervisors deciding at once one gets
// store.ErrDecided.
func (s *Store) DecideErase(ctx context.Context, id string, approve bool, reason string) (sessions.EraseRequest, error) {
	if !approve {
		if err := sessions.ValidEraseReason("reason", reason).Err(); err != nil {
			return sessions.EraseRequest{}, err
		}
	}
	if !isID(id) {
		return sessions.EraseRequest{}, fmt.Errorf("erasure request %q: %w", id, store.ErrNotFound)
	}
	var out sessions.EraseRequest
	err := s.tx(ctx, func(tx pgx.Tx) error {
		r, err := s.eraseRequestWhere(ctx, tx, `r.id=$1`, id)
		if err != nil {
			return err
		}
		if r.Decision != nil {
			return fmt.Errorf("erasure request %s (%s): %w", id, r.Decision.Decision, store.ErrDecided)
		}
		d := sessions.EraseDecision{ID: NewID(), Decision: sessions.EraseDeclined, Reason: reason, DecidedBy: s.actor}
		if approve {
			d.Decision = sessions.EraseApproved
		}
		now := s.stamp()
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO erase_decisions (id, request_id, person_id, decision, reason, decided_at, decided_by) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
			d.ID, r.ID, r.PersonID, d.Decision, z.Seal(reason, "erase_decisions", "reason", d.ID), now, s.actor); err != nil {
			if err := mapErr(err); errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("erasure request %s: %w", id, store.ErrDecided)
			}
			return fmt.Errorf("decide erasure request %s: %w", id, mapErr(err))
		}
		if err := s.audit(ctx, tx, r.PersonID, "change", "erase request "+d.Decision+" "+r.ID); err != nil {
			return err
		}
		d.DecidedAt = now
		r.Decision = &d
		out = r
		return nil
	})
	return out, err
}
