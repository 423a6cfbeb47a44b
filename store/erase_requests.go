package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/koers-project/koers/sessions"
)

// ErrErasePending is a second erasure request of a person whose earlier
// one is still open.
var ErrErasePending = errors.New("an erasure request of this person is already open")

// RequestErase files the actor's request that a supervisor erase the
// person, with its reason, in one transaction with its audit row. A person
// has at most one open request (sessions.EraseRequest.Open): another is
// ErrErasePending.
func (s *Store) RequestErase(ctx context.Context, personID, reason string) (sessions.EraseRequest, error) {
	r := sessions.EraseRequest{PersonID: personID, Reason: reason}
	if err := sessions.ValidEraseReason("reason", reason).Err(); err != nil {
		return r, err
	}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT centre FROM people WHERE id=?`, personID).Scan(&r.Centre)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("person %s: %w", personID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read person: %w", mapErr(err))
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM erase_requests r LEFT JOIN erase_decisions d ON d.request_id = r.id
			WHERE r.person_id=? AND (d.id IS NULL OR d.decision = 'approved')`, personID).Scan(&open); err != nil {
			return fmt.Errorf("read erasure requests: %w", mapErr(err))
		}
		if open > 0 {
			return fmt.Errorf("person %s: %w", personID, ErrErasePending)
		}
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		r.ID = NewID()
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `INSERT INTO erase_requests (id, person_id, reason, centre, created_at, created_by) VALUES (?,?,?,?,?,?)`,
			r.ID, personID, z.seal(reason, "erase_requests", "reason", r.ID), r.Centre, now, s.actor); err != nil {
			return fmt.Errorf("file erasure request: %w", mapErr(err))
		}
		r.CreatedAt, r.CreatedBy = readStamp(now), s.actor
		return s.audit(ctx, tx, personID, "change", "erase request "+r.ID)
	})
	return r, err
}

const eraseRequestColumns = `r.id, r.person_id, r.reason, r.centre, r.created_at, r.created_by,
	coalesce(d.id, ''), coalesce(d.decision, ''), coalesce(d.reason, ''), coalesce(d.decided_at, ''), coalesce(d.decided_by, '')`

func (s *Store) scanEraseRequest(sc interface{ Scan(...any) error }, z *seals) (sessions.EraseRequest, error) {
	var r sessions.EraseRequest
	var d sessions.EraseDecision
	var at, dat string
	if err := sc.Scan(&r.ID, &r.PersonID, &r.Reason, &r.Centre, &at, &r.CreatedBy, &d.ID, &d.Decision, &d.Reason, &dat, &d.DecidedBy); err != nil {
		return r, err
	}
	r.CreatedAt = readStamp(at)
	if z != nil {
		if err := z.openFields("erase_requests", r.ID, field{"reason", &r.Reason}); err != nil {
			return r, err
		}
	}
	if d.ID != "" {
		if z != nil {
			if err := z.openFields("erase_decisions", d.ID, field{"reason", &d.Reason}); err != nil {
				return r, err
			}
		}
		d.DecidedAt = readStamp(dat)
		r.Decision = &d
	}
	return r, nil
}

func (s *Store) eraseRequestWhere(ctx context.Context, q rowQuerier, z *seals, where string, args ...any) (sessions.EraseRequest, error) {
	r, err := s.scanEraseRequest(q.QueryRowContext(ctx, `SELECT `+eraseRequestColumns+` FROM erase_requests r
		LEFT JOIN erase_decisions d ON d.request_id = r.id WHERE `+where, args...), z)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("erasure request: %w", ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("read erasure request: %w", mapErr(err))
	}
	return r, nil
}

// EraseRequest is one erasure request with its decision, if any.
func (s *Store) EraseRequest(ctx context.Context, id string) (sessions.EraseRequest, error) {
	z, err := s.readSeals()
	if err != nil {
		return sessions.EraseRequest{}, err
	}
	return s.eraseRequestWhere(ctx, s.db, &z, `r.id=?`, id)
}

// EraseRequests lists the person's erasure requests ("" for every
// person's), oldest first; openOnly keeps the open ones (undecided, or
// approved with the erase unfinished).
func (s *Store) EraseRequests(ctx context.Context, personID string, openOnly bool) ([]sessions.EraseRequest, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+eraseRequestColumns+` FROM erase_requests r
		LEFT JOIN erase_decisions d ON d.request_id = r.id
		WHERE (?1 = '' OR r.person_id = ?1) AND (?2 = 0 OR d.id IS NULL OR d.decision = 'approved') ORDER BY r.created_at, r.id`, personID, openOnly)
	if err != nil {
		return nil, fmt.Errorf("read erasure requests: %w", mapErr(err))
	}
	defer rows.Close()
	out := []sessions.EraseRequest{}
	for rows.Next() {
		r, err := s.scanEraseRequest(rows, &z)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DecideErase records the actor's decision on erasure request id, in one
// transaction with its audit row: an approval is recorded before the
// erase (which the application runs next, and which takes the request
// with the person); a decline needs its reason and keeps the request on
// the file. A request decided before is ErrDecided.
func (s *Store) DecideErase(ctx context.Context, id string, approve bool, reason string) (sessions.EraseRequest, error) {
	if !approve {
		if err := sessions.ValidEraseReason("reason", reason).Err(); err != nil {
			return sessions.EraseRequest{}, err
		}
	}
	var out sessions.EraseRequest
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.eraseRequestWhere(ctx, tx, nil, `r.id=?`, id)
		if err != nil {
			return err
		}
		if r.Decision != nil {
			return fmt.Errorf("erasure request %s (%s): %w", id, r.Decision.Decision, ErrDecided)
		}
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		d := sessions.EraseDecision{ID: NewID(), Decision: sessions.EraseDeclined, Reason: reason, DecidedBy: s.actor}
		if approve {
			d.Decision = sessions.EraseApproved
		}
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `INSERT INTO erase_decisions (id, request_id, person_id, decision, reason, decided_at, decided_by) VALUES (?,?,?,?,?,?,?)`,
			d.ID, r.ID, r.PersonID, d.Decision, z.seal(reason, "erase_decisions", "reason", d.ID), now, s.actor); err != nil {
			return fmt.Errorf("decide erasure request %s: %w", id, mapErr(err))
		}
		if err := s.audit(ctx, tx, r.PersonID, "change", "erase request "+d.Decision+" "+r.ID); err != nil {
			return err
		}
		d.DecidedAt = readStamp(now)
		r.Decision = &d
		out = r
		return nil
	})
	if err == nil {
		z, zerr := s.readSeals()
		if zerr == nil {
			out, err = s.eraseRequestWhere(ctx, s.db, &z, `r.id=?`, id)
		}
	}
	return out, err
}
