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

// Acting is a view of the same pool that stamps actor, the server session
// and the centre the actor acts from on every change and audit row.
// Closing it leaves the pool open.
func (s *Store) Acting(actor, session, centre string) *Store {
	v := *s
	v.actor, v.session, v.centre, v.view = actor, session, centre, true
	return &v
}

// writeTeam stores the person's centre and, for a new person, the
// responsible counsellor (changed afterwards only by TransferPerson).
func writeTeam(ctx context.Context, tx pgx.Tx, p sessions.Person, create bool) error {
	q := `UPDATE people SET centre=$2 WHERE id=$1`
	args := []any{p.ID, p.Centre}
	if create {
		q, args = `UPDATE people SET centre=$2, counsellor=$3 WHERE id=$1`, append(args, p.Counsellor)
	}
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("person %s centre: %w", p.ID, mapErr(err))
	}
	return nil
}

// TransferPerson makes to the person's responsible counsellor; audited.
func (s *Store) TransferPerson(ctx context.Context, id, to string) error {
	return s.reassign(ctx, id, "counsellor", to, "transfer")
}

// MovePerson moves the person's file to centre; audited.
func (s *Store) MovePerson(ctx context.Context, id, centre string) error {
	return s.reassign(ctx, id, "centre", centre, "move")
}

func (s *Store) reassign(ctx context.Context, id, column, to, what string) error {
	if !isID(id) {
		return personNotFound(id)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		var from string
		err := tx.QueryRow(ctx, `SELECT `+column+` FROM people WHERE id=$1 FOR UPDATE`, id).Scan(&from)
		if errors.Is(err, pgx.ErrNoRows) {
			return personNotFound(id)
		}
		if err != nil {
			return err
		}
		if from == to {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE people SET `+column+`=$1, updated_at=$2, updated_by=$3 WHERE id=$4`, to, s.stamp(), s.actor, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, id, "change", fmt.Sprintf("%s from %q to %q", what, from, to))
	})
}

// AddCentre creates a centre (a code in use is ErrConflict).
func (s *Store) AddCentre(ctx context.Context, c sessions.Centre) (sessions.Centre, error) {
	if err := sessions.ValidCentreCode(c.Code); err != nil {
		return c, err
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		now := s.stamp()
		_, err := tx.Exec(ctx, `INSERT INTO centres (code, name, created_at, created_by, updated_at, updated_by) VALUES ($1,$2,$3,$4,$3,$4)`,
			c.Code, c.Name, now, s.actor)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("add centre %s: %w", c.Code, err)
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
	return sessions.Centre{}, fmt.Errorf("centre %q: %w", code, store.ErrNotFound)
}

// Centres lists every centre with its thresholds, by code.
func (s *Store) Centres(ctx context.Context) ([]sessions.Centre, error) {
	rows, err := s.pool.Query(ctx, `SELECT code, name, created_at, created_by FROM centres ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read centres: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Centre, error) {
		var c sessions.Centre
		err := r.Scan(&c.Code, &c.Name, &c.CreatedAt, &c.CreatedBy)
		c.CreatedAt, c.Thresholds = c.CreatedAt.UTC(), map[string]int64{}
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("read centres: %w", mapErr(err))
	}
	th, err := s.pool.Query(ctx, `SELECT centre, scheme, amount FROM centre_thresholds`)
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
	return emptyIfNil(out), mapErr(th.Err())
}

// SetThreshold sets the centre's approval threshold for scheme (minor
// units); an unknown centre or scheme is ErrNotFound.
func (s *Store) SetThreshold(ctx context.Context, centre, scheme string, amount int64) error {
	if amount < 0 {
		return fmt.Errorf("threshold %d: %w", amount, sessions.ErrBadEntry)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM centres WHERE code=$1) + (SELECT count(*) FROM schemes WHERE code=$2)`, centre, scheme).Scan(&n); err != nil {
			return err
		}
		if n != 2 {
			return fmt.Errorf("threshold of centre %q scheme %q: %w", centre, scheme, store.ErrNotFound)
		}
		_, err := tx.Exec(ctx, `INSERT INTO centre_thresholds (centre, scheme, amount, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (centre, scheme) DO UPDATE SET amount=excluded.amount, updated_at=excluded.updated_at, updated_by=excluded.updated_by`,
			centre, scheme, amount, s.stamp(), s.actor)
		return err
	})
}

// Threshold is the centre's approval threshold for scheme; ok is false
// when the centre sets none.
func (s *Store) Threshold(ctx context.Context, centre, scheme string) (int64, bool, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT amount FROM centre_thresholds WHERE centre=$1 AND scheme=$2`, centre, scheme).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read threshold: %w", mapErr(err))
	}
	return n, true, nil
}

// RequestEntry holds r for a supervisor's approval (as the SQLite store).
func (s *Store) RequestEntry(ctx context.Context, r sessions.LedgerRequest) (sessions.LedgerRequest, error) {
	if r.Key == "" {
		r.Key = NewID()
	}
	var out sessions.LedgerRequest
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, r.PersonID); err != nil {
			return err
		}
		// Lock the person's row: two requests with one key queue here.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM people WHERE id=$1 FOR UPDATE`, r.PersonID); err != nil {
			return err
		}
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		if orig, err := requestWhere(ctx, tx, z, `r.person_id=$1 AND r.scheme=$2 AND r.idem_key=$3`, r.PersonID, r.Scheme, r.Key); err == nil {
			if _, err := sessions.Replay(orig.Entry(), r.Entry()); err != nil {
				return err
			}
			out, out.Replayed = orig, true
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		q := r
		q.ID = NewID()
		now := s.stamp()
		sealed := q
		store.SealRequest(z, &sealed)
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_requests (id, person_id, scheme, kind, amount, idem_key, funder, reason, corrects,
			threshold, centre, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
			q.ID, q.PersonID, q.Scheme, string(q.Kind), q.Amount, q.Key, sealed.Funder, sealed.Reason, q.Corrects, q.Threshold, q.Centre, now, s.actor); err != nil {
			return fmt.Errorf("hold ledger entry: %w", err)
		}
		if err := s.audit(ctx, tx, q.PersonID, "change", "ledger request "+q.Scheme+" "+string(q.Kind)+" "+q.ID); err != nil {
			return err
		}
		q.CreatedAt, q.CreatedBy = now.UTC(), s.actor
		out = q
		return nil
	})
	return out, err
}

const requestColumns = `r.id::text, r.person_id::text, r.scheme, r.kind, r.amount, r.idem_key, r.funder, r.reason, r.corrects, r.threshold, r.centre,
	r.created_at, r.created_by, coalesce(d.id::text, ''), coalesce(d.decision, ''), coalesce(d.reason, ''), coalesce(d.entry_id, ''),
	d.decided_at, coalesce(d.decided_by, '')`

func scanRequest(sc pgx.Row) (sessions.LedgerRequest, error) {
	var r sessions.LedgerRequest
	var d sessions.LedgerDecision
	var kind string
	var dat *time.Time
	err := sc.Scan(&r.ID, &r.PersonID, &r.Scheme, &kind, &r.Amount, &r.Key, &r.Funder, &r.Reason, &r.Corrects, &r.Threshold, &r.Centre,
		&r.CreatedAt, &r.CreatedBy, &d.ID, &d.Decision, &d.Reason, &d.EntryID, &dat, &d.DecidedBy)
	r.Kind, r.CreatedAt = sessions.Kind(kind), r.CreatedAt.UTC()
	if d.ID != "" {
		d.DecidedAt = when(dat)
		r.Decision = &d
	}
	return r, err
}

func requestWhere(ctx context.Context, q querier, z store.Sealer, where string, args ...any) (sessions.LedgerRequest, error) {
	r, err := scanRequest(q.QueryRow(ctx, `SELECT `+requestColumns+` FROM ledger_requests r
		LEFT JOIN ledger_decisions d ON d.request_id = r.id WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("ledger request: %w", store.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("read ledger request: %w", mapErr(err))
	}
	return r, store.OpenRequest(z, &r)
}

// LedgerRequest is one request with its decision, if any.
func (s *Store) LedgerRequest(ctx context.Context, id string) (sessions.LedgerRequest, error) {
	if !isID(id) {
		return sessions.LedgerRequest{}, fmt.Errorf("ledger request %q: %w", id, store.ErrNotFound)
	}
	z, err := s.readSeals()
	if err != nil {
		return sessions.LedgerRequest{}, err
	}
	return requestWhere(ctx, s.pool, z, `r.id=$1`, id)
}

// LedgerRequests lists the person's requests ("" for every person's),
// oldest first; pendingOnly leaves out the decided ones.
func (s *Store) LedgerRequests(ctx context.Context, personID string, pendingOnly bool) ([]sessions.LedgerRequest, error) {
	if personID != "" && !isID(personID) {
		return []sessions.LedgerRequest{}, nil
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+requestColumns+` FROM ledger_requests r
		LEFT JOIN ledger_decisions d ON d.request_id = r.id
		WHERE ($1 = '' OR r.person_id::text = $1) AND (NOT $2 OR d.id IS NULL) ORDER BY r.created_at, r.id`, personID, pendingOnly)
	if err != nil {
		return nil, fmt.Errorf("read ledger requests: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.LedgerRequest, error) {
		req, err := scanRequest(r)
		if err != nil {
			return req, err
		}
		return req, store.OpenRequest(z, &req)
	})
	if err != nil {
		return nil, fmt.Errorf("read ledger requests: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}

// DecideRequest records the actor's decision on request id in one unit of
// work (as the SQLite store): an approval posts the entry under the
// ledger's rules; at most one decision per request (UNIQUE request_id).
func (s *Store) DecideRequest(ctx context.Context, id string, approve bool, reason string) (sessions.LedgerRequest, error) {
	if !isID(id) {
		return sessions.LedgerRequest{}, fmt.Errorf("ledger request %q: %w", id, store.ErrNotFound)
	}
	var out sessions.LedgerRequest
	err := s.tx(ctx, func(tx pgx.Tx) error {
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		r, err := requestWhere(ctx, tx, z, `r.id=$1`, id)
		if err != nil {
			return err
		}
		if r.Decision != nil {
			return fmt.Errorf("request %s (%s): %w", id, r.Decision.Decision, store.ErrDecided)
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
		if _, err := tx.Exec(ctx, `INSERT INTO ledger_decisions (id, request_id, person_id, decision, reason, entry_id, decided_at, decided_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, d.ID, r.ID, r.PersonID, d.Decision, z.Seal(d.Reason, "ledger_decisions", "reason", d.ID), d.EntryID, now, s.actor); err != nil {
			return fmt.Errorf("decide request %s: %w", id, err)
		}
		if err := s.audit(ctx, tx, r.PersonID, "change", "ledger request "+d.Decision+" "+r.ID); err != nil {
			return err
		}
		d.DecidedAt = now.UTC()
		r.Decision = &d
		out = r
		return nil
	})
	return out, err
}

// Owners is every person's responsible counsellor and centre, by id.
func (s *Store) Owners(ctx context.Context) (map[string]sessions.Owner, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, counsellor, centre FROM people`)
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
	return out, mapErr(rows.Err())
}

// ActionPerson is the person an agreed action belongs to (ErrNotFound if none).
func (s *Store) ActionPerson(ctx context.Context, actionID string) (string, error) {
	if !isID(actionID) {
		return "", fmt.Errorf("action %s: %w", actionID, store.ErrNotFound)
	}
	var pid string
	err := s.pool.QueryRow(ctx, `SELECT person_id::text FROM actions WHERE id=$1`, actionID).Scan(&pid)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("action %s: %w", actionID, store.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read action %s: %w", actionID, mapErr(err))
	}
	return pid, nil
}

// AuditViews appends one view row per person in ids, in one unit of work.
func (s *Store) AuditViews(ctx context.Context, ids []string, detail string) error {
	if len(ids) == 0 {
		return nil
	}
	for _, id := range ids {
		if !isID(id) {
			return fmt.Errorf("audit view %s: %w", id, store.ErrNotFound)
		}
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		for _, id := range ids {
			if err := s.audit(ctx, tx, id, "view", detail); err != nil {
				return err
			}
		}
		return nil
	})
}
