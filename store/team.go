package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/koers-project/koers/sessions"
)

// writeCounsellor records the responsible counsellor of a new person.
func writeCounsellor(ctx context.Context, tx *sql.Tx, p sessions.Person) error {
	if p.Counsellor == "" {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE people SET counsellor=? WHERE id=?`, p.Counsellor, p.ID); err != nil {
		return fmt.Errorf("person %s counsellor: %w", p.ID, mapErr(err))
	}
	return nil
}

// TransferPerson makes to the person's responsible counsellor; the audit
// log records from whom to whom. Transferring to the same counsellor
// changes nothing and records nothing.
func (s *Store) TransferPerson(ctx context.Context, id, to string) error {
	return s.reassign(ctx, id, "counsellor", to, "transfer")
}

// MovePerson moves the person's file to centre; the audit log records
// from where to where.
func (s *Store) MovePerson(ctx context.Context, id, centre string) error {
	return s.reassign(ctx, id, "centre", centre, "move")
}

func (s *Store) reassign(ctx context.Context, id, column, to, what string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var from string
		err := tx.QueryRowContext(ctx, `SELECT `+column+` FROM people WHERE id=?`, id).Scan(&from)
		if errors.Is(err, sql.ErrNoRows) {
			return personNotFound(id)
		}
		if err != nil {
			return fmt.Errorf("%s person %s: %w", what, id, mapErr(err))
		}
		if from == to {
			return nil
		}
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE people SET `+column+`=?, updated_at=?, updated_by=? WHERE id=?`, to, now, s.actor, id); err != nil {
			return fmt.Errorf("%s person %s: %w", what, id, mapErr(err))
		}
		return s.audit(ctx, tx, id, "change", fmt.Sprintf("%s from %q to %q", what, from, to))
	})
}

// AddCentre creates a centre (a code in use is ErrConflict).
func (s *Store) AddCentre(ctx context.Context, c sessions.Centre) (sessions.Centre, error) {
	if err := sessions.ValidCentreCode(c.Code); err != nil {
		return c, err
	}
	now := s.stamp()
	end := s.writeTurn(ctx)
	defer end()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO centres (code, name, created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?)`,
		c.Code, c.Name, now, s.actor, now, s.actor); err != nil {
		return c, fmt.Errorf("add centre %s: %w", c.Code, mapErr(err))
	}
	return s.Centre(ctx, c.Code)
}

// Centre is one centre with its thresholds (ErrNotFound if none).
func (s *Store) Centre(ctx context.Context, code string) (sessions.Centre, error) {
	all, err := s.Centres(ctx)
	if err != nil {
		return sessions.Centre{}, err
	}
	for _, c := range all {
		if c.Code == code {
			return c, nil
		}
	}
	return sessions.Centre{}, fmt.Errorf("centre %q: %w", code, ErrNotFound)
}

// Centres lists every centre with its thresholds, by code.
func (s *Store) Centres(ctx context.Context) ([]sessions.Centre, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, created_at, created_by FROM centres ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read centres: %w", mapErr(err))
	}
	out := []sessions.Centre{}
	for rows.Next() {
		var c sessions.Centre
		var at string
		if err := rows.Scan(&c.Code, &c.Name, &at, &c.CreatedBy); err != nil {
			rows.Close()
			return nil, err
		}
		c.CreatedAt, c.Thresholds = readStamp(at), map[string]int64{}
		out = append(out, c)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	th, err := s.db.QueryContext(ctx, `SELECT centre, scheme, amount FROM centre_thresholds`)
	if err != nil {
		return nil, fmt.Errorf("read thresholds: %w", mapErr(err))
	}
	defer th.Close()
	for th.Next() {
		var centre, scheme string
		var amount int64
		if err := th.Scan(&centre, &scheme, &amount); err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].Code == centre {
				out[i].Thresholds[scheme] = amount
			}
		}
	}
	return out, th.Err()
}

// SetThreshold sets the centre's approval threshold for scheme (minor
// units); an unknown centre or scheme is ErrNotFound.
func (s *Store) SetThreshold(ctx context.Context, centre, scheme string, amount int64) error {
	if amount < 0 {
		return fmt.Errorf("threshold %d: %w", amount, sessions.ErrBadEntry)
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM centres WHERE code=?) + (SELECT count(*) FROM schemes WHERE code=?)`, centre, scheme).Scan(&n); err != nil {
			return fmt.Errorf("set threshold: %w", mapErr(err))
		}
		if n != 2 {
			return fmt.Errorf("threshold of centre %q scheme %q: %w", centre, scheme, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO centre_thresholds (centre, scheme, amount, updated_at, updated_by) VALUES (?,?,?,?,?)
			ON CONFLICT (centre, scheme) DO UPDATE SET amount=excluded.amount, updated_at=excluded.updated_at, updated_by=excluded.updated_by`,
			centre, scheme, amount, s.stamp(), s.actor); err != nil {
			return fmt.Errorf("set threshold: %w", mapErr(err))
		}
		return nil
	})
}

// Threshold is the centre's approval threshold for scheme; ok is false
// when the centre sets none (nothing waits for approval there).
func (s *Store) Threshold(ctx context.Context, centre, scheme string) (int64, bool, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT amount FROM centre_thresholds WHERE centre=? AND scheme=?`, centre, scheme).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read threshold: %w", mapErr(err))
	}
	return n, true, nil
}

// RequestEntry holds r for a supervisor's approval. A key already used by
// a request of the account returns that request with Replayed set (a
// different entry under the same key is ErrKeyReused).
func (s *Store) RequestEntry(ctx context.Context, r sessions.LedgerRequest) (sessions.LedgerRequest, error) {
	if r.Key == "" {
		r.Key = NewID()
	}
	var out sessions.LedgerRequest
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, r.PersonID); err != nil {
			return err
		}
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		if orig, err := requestWhere(ctx, tx, z, `r.person_id=? AND r.scheme=? AND r.idem_key=?`, r.PersonID, r.Scheme, r.Key); err == nil {
			if _, err := sessions.Replay(orig.Entry(), r.Entry()); err != nil {
				return err
			}
			out, out.Replayed = orig, true
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		r.ID = NewID()
		now := s.stamp()
		sealed := r
		SealRequest(z, &sealed)
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_requests (id, person_id, scheme, kind, amount, idem_key, funder, reason, corrects,
			threshold, centre, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			r.ID, r.PersonID, r.Scheme, string(r.Kind), r.Amount, r.Key, sealed.Funder, sealed.Reason, r.Corrects, r.Threshold, r.Centre, now, s.actor); err != nil {
			return fmt.Errorf("hold ledger entry: %w", mapErr(err))
		}
		if err := s.audit(ctx, tx, r.PersonID, "change", "ledger request "+r.Scheme+" "+string(r.Kind)+" "+r.ID); err != nil {
			return err
		}
		r.CreatedAt, r.CreatedBy = readStamp(now), s.actor
		out = r
		return nil
	})
	return out, err
}

const requestColumns = `r.id, r.person_id, r.scheme, r.kind, r.amount, r.idem_key, r.funder, r.reason, r.corrects, r.threshold, r.centre,
	r.created_at, r.created_by, coalesce(d.id, ''), coalesce(d.decision, ''), coalesce(d.reason, ''), coalesce(d.entry_id, ''),
	coalesce(d.decided_at, ''), coalesce(d.decided_by, '')`

func scanRequest(sc interface{ Scan(...any) error }) (sessions.LedgerRequest, error) {
	var r sessions.LedgerRequest
	var d sessions.LedgerDecision
	var kind, at, dat string
	err := sc.Scan(&r.ID, &r.PersonID, &r.Scheme, &kind, &r.Amount, &r.Key, &r.Funder, &r.Reason, &r.Corrects, &r.Threshold, &r.Centre,
		&at, &r.CreatedBy, &d.ID, &d.Decision, &d.Reason, &d.EntryID, &dat, &d.DecidedBy)
	r.Kind, r.CreatedAt = sessions.Kind(kind), readStamp(at)
	if d.ID != "" {
		d.DecidedAt = readStamp(dat)
		r.Decision = &d
	}
	return r, err
}

func requestWhere(ctx context.Context, q rowQuerier, z seals, where string, args ...any) (sessions.LedgerRequest, error) {
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM ledger_requests r
		LEFT JOIN ledger_decisions d ON d.request_id = r.id WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("ledger request: %w", ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("read ledger request: %w", mapErr(err))
	}
	return r, OpenRequest(z, &r)
}

// LedgerRequest is one request with its decision, if any.
func (s *Store) LedgerRequest(ctx context.Context, id string) (sessions.LedgerRequest, error) {
	z, err := s.readSeals()
	if err != nil {
		return sessions.LedgerRequest{}, err
	}
	return requestWhere(ctx, s.db, z, `r.id=?`, id)
}

// LedgerRequests lists the person's requests ("" for every person's),
// oldest first; pendingOnly leaves out the decided ones.
func (s *Store) LedgerRequests(ctx context.Context, personID string, pendingOnly bool) ([]sessions.LedgerRequest, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+requestColumns+` FROM ledger_requests r
		LEFT JOIN ledger_decisions d ON d.request_id = r.id
		WHERE (?1 = '' OR r.person_id = ?1) AND (?2 = 0 OR d.id IS NULL) ORDER BY r.created_at, r.id`, personID, pendingOnly)
	if err != nil {
		return nil, fmt.Errorf("read ledger requests: %w", mapErr(err))
	}
	defer rows.Close()
	out := []sessions.LedgerRequest{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		if err := OpenRequest(z, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ErrDecided is a request that already has its decision.
var ErrDecided = errors.New("the request is already decided")

// DecideRequest records the actor's decision on request id, in one
// transaction: an approval posts the entry (under the ledger's rules, so an
// approval that would overdraw is refused and the request stays pending)
// and names it; a rejection keeps the request visible with its reason.
func (s *Store) DecideRequest(ctx context.Context, id string, approve bool, reason string) (sessions.LedgerRequest, error) {
	var out sessions.LedgerRequest
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		r, err := requestWhere(ctx, tx, z, `r.id=?`, id)
		if err != nil {
			return err
		}
		if r.Decision != nil {
			return fmt.Errorf("request %s (%s): %w", id, r.Decision.Decision, ErrDecided)
		}
		d := sessions.LedgerDecision{ID: NewID(), Decision: sessions.RequestRejected, Reason: reason, DecidedBy: s.actor}
		if approve {
			e, err := s.postEntry(ctx, tx, r.Entry())
			if err != nil {
				return err
			}
			d.Decision, d.EntryID = sessions.RequestApproved, e.ID
		}
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_decisions (id, request_id, person_id, decision, reason, entry_id, decided_at, decided_by)
			VALUES (?,?,?,?,?,?,?,?)`, d.ID, r.ID, r.PersonID, d.Decision, z.seal(d.Reason, "ledger_decisions", "reason", d.ID), d.EntryID, now, s.actor); err != nil {
			return fmt.Errorf("decide request %s: %w", id, mapErr(err))
		}
		if err := s.audit(ctx, tx, r.PersonID, "change", "ledger request "+d.Decision+" "+r.ID); err != nil {
			return err
		}
		d.DecidedAt = readStamp(now)
		r.Decision = &d
		out = r
		return nil
	})
	return out, err
}

// Owners is every person's responsible counsellor and centre, by id, in
// one scan (a caller's people list filters on them).
func (s *Store) Owners(ctx context.Context) (map[string]sessions.Owner, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, counsellor, centre FROM people`)
	if err != nil {
		return nil, fmt.Errorf("read caseloads: %w", mapErr(err))
	}
	defer rows.Close()
	out := map[string]sessions.Owner{}
	for rows.Next() {
		var id string
		var o sessions.Owner
		if err := rows.Scan(&id, &o.Counsellor, &o.Centre); err != nil {
			return nil, err
		}
		out[id] = o
	}
	return out, rows.Err()
}

// ActionPerson is the person an agreed action belongs to (ErrNotFound if
// none), so a change of its status is checked against their file.
func (s *Store) ActionPerson(ctx context.Context, actionID string) (string, error) {
	var pid string
	err := s.db.QueryRowContext(ctx, `SELECT person_id FROM actions WHERE id=?`, actionID).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("action %s: %w", actionID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read action %s: %w", actionID, mapErr(err))
	}
	return pid, nil
}

// AuditViews appends one view row per person in ids, in one transaction: a
// list shows many files at once, and one commit per row would make a list
// as slow as its length.
func (s *Store) AuditViews(ctx context.Context, ids []string, detail string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if err := s.audit(ctx, tx, id, "view", detail); err != nil {
				return err
			}
		}
		return nil
	})
}
