package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/koers-project/koers/sessions"
)

// ErrUnknownScheme is returned for a scheme code the store does not define.
var ErrUnknownScheme = errors.New("unknown scheme")

// Schemes lists the scheme definitions, by code.
func (s *Store) Schemes(ctx context.Context) ([]sessions.Scheme, error) { return schemes(ctx, s.db) }

func schemes(ctx context.Context, q rowQuerier) ([]sessions.Scheme, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, unit, annual, share_percent, cap FROM schemes ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read schemes: %w", err)
	}
	defer rows.Close()
	var out []sessions.Scheme
	for rows.Next() {
		var sc sessions.Scheme
		var unit string
		if err := rows.Scan(&sc.Code, &unit, &sc.Annual, &sc.SharePercent, &sc.Cap); err != nil {
			return nil, err
		}
		sc.Unit = sessions.Unit(unit)
		out = append(out, sc)
	}
	return out, rows.Err()
}

// Scheme is one scheme definition, or ErrUnknownScheme.
func (s *Store) Scheme(ctx context.Context, code string) (sessions.Scheme, error) {
	list, err := s.Schemes(ctx)
	if err != nil {
		return sessions.Scheme{}, err
	}
	sc, ok := sessions.FindScheme(list, code)
	if !ok {
		return sc, fmt.Errorf("%w %q", ErrUnknownScheme, code)
	}
	return sc, nil
}

// PostEntry appends e to the person's account in e.Scheme (creating the
// account on first use), in one immediate transaction: the rules are
// checked in Go (sessions.Prepare) and again by the database. Re-posting
// an idempotency key already used in that account changes nothing and
// returns the original entry with Replayed set. An entry that would take
// the account below zero is refused with ErrInsufficient.
func (s *Store) PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error) {
	if e.Key == "" {
		e.Key = NewID()
	}
	var out sessions.Entry
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.postEntry(ctx, tx, e)
		return err
	})
	return out, err
}

func (s *Store) postEntry(ctx context.Context, tx *sql.Tx, e sessions.Entry) (sessions.Entry, error) {
	if err := exists(ctx, tx, e.PersonID); err != nil {
		return e, err
	}
	z, err := s.writeSeals(ctx, tx)
	if err != nil {
		return e, err
	}
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM schemes WHERE code=?`, e.Scheme).Scan(&one); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return e, fmt.Errorf("%w %q", ErrUnknownScheme, e.Scheme)
		}
		return e, err
	}
	accID, err := s.account(ctx, tx, e.PersonID, e.Scheme)
	if err != nil {
		return e, err
	}
	if orig, err := entryWhere(ctx, tx, z, `account_id=? AND idem_key=?`, accID, e.Key); err == nil {
		return sessions.Replay(orig, e)
	} else if !errors.Is(err, ErrNotFound) {
		return e, err
	}
	var t sessions.Totals
	err = tx.QueryRowContext(ctx, `SELECT seq, balance_after, reserved_after FROM ledger_entries WHERE account_id=? ORDER BY seq DESC LIMIT 1`, accID).
		Scan(&t.Seq, &t.Balance, &t.Reserved)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("read totals: %w", err)
	}
	var c sessions.Context
	if e.Kind == sessions.Correct && e.Corrects != "" {
		o, err := entryWhere(ctx, tx, z, `id=?`, e.Corrects)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return e, err
		}
		if err == nil {
			c.Corrected = &o
			e.Ref = o.Ref
			var n int
			_ = tx.QueryRowContext(ctx, `SELECT count(*) FROM ledger_entries WHERE corrects=?`, o.ID).Scan(&n)
			c.AlreadyCorrected = n > 0
		}
	}
	if e.Ref != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(d_reserved), 0), count(*) FROM ledger_entries WHERE account_id=? AND ref=?`, accID, e.Ref).Scan(&c.Outstanding, &n); err != nil {
			return e, fmt.Errorf("read reservation %s: %w", e.Ref, err)
		}
		c.RefKnown = n > 0
	}
	p, err := sessions.Prepare(t, e, c)
	if err != nil {
		return e, err
	}
	p.ID = NewID()
	if p.Effective.IsZero() {
		p.Effective = s.now()
	}
	now := s.stamp()
	var corrects any
	if p.Corrects != "" {
		corrects = p.Corrects
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ledger_entries (id, account_id, person_id, seq, kind, amount, d_balance, d_reserved,
		balance_after, reserved_after, idem_key, ref, corrects, funder, reason, effective, created_at, created_by)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		p.ID, accID, p.PersonID, p.Seq, string(p.Kind), p.Amount, p.DBalance, p.DReserved, p.BalanceAfter, p.ReservedAfter,
		p.Key, p.Ref, corrects, p.Funder, z.seal(p.Reason, "ledger_entries", "reason", p.ID), writeStamp(p.Effective), now, s.actor)
	if err != nil {
		return e, fmt.Errorf("insert ledger entry: %w", mapErr(err))
	}
	if err := s.audit(ctx, tx, p.PersonID, "change", "ledger "+p.Scheme+" "+string(p.Kind)+" "+p.ID); err != nil {
		return e, err
	}
	p.CreatedAt, p.CreatedBy = readStamp(now), s.actor
	return p, nil
}

func (s *Store) account(ctx context.Context, tx *sql.Tx, personID, scheme string) (string, error) {
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE person_id=? AND scheme=?`, personID, scheme).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read account: %w", err)
	}
	id = NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, person_id, scheme, created_at, created_by) VALUES (?,?,?,?,?)`,
		id, personID, scheme, s.stamp(), s.actor); err != nil {
		return "", fmt.Errorf("open account: %w", err)
	}
	return id, nil
}

const entryCols = `e.id, e.person_id, a.scheme, e.seq, e.kind, e.amount, e.idem_key, e.ref, coalesce(e.corrects, ''), e.funder, e.reason,
	e.effective, e.d_balance, e.d_reserved, e.balance_after, e.reserved_after, e.created_at, e.created_by`

func scanEntry(sc interface{ Scan(...any) error }, z seals) (sessions.Entry, error) {
	var e sessions.Entry
	var kind, eff, created string
	err := sc.Scan(&e.ID, &e.PersonID, &e.Scheme, &e.Seq, &kind, &e.Amount, &e.Key, &e.Ref, &e.Corrects, &e.Funder, &e.Reason,
		&eff, &e.DBalance, &e.DReserved, &e.BalanceAfter, &e.ReservedAfter, &created, &e.CreatedBy)
	if err != nil {
		return e, err
	}
	if err := z.openFields("ledger_entries", e.ID, field{"reason", &e.Reason}); err != nil {
		return e, err
	}
	e.Kind = sessions.Kind(kind)
	e.Effective, e.CreatedAt = readStamp(eff), readStamp(created)
	return e, nil
}

func entryWhere(ctx context.Context, q rowQuerier, z seals, where string, args ...any) (sessions.Entry, error) {
	e, err := scanEntry(q.QueryRowContext(ctx, `SELECT `+entryCols+` FROM ledger_entries e JOIN accounts a ON a.id = e.account_id WHERE e.`+where, args...), z)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("ledger entry: %w", ErrNotFound)
	}
	return e, err
}

// Entries lists a person's ledger entries, in scheme then posting order;
// scheme "" means every scheme.
func (s *Store) Entries(ctx context.Context, personID, scheme string) ([]sessions.Entry, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+entryCols+` FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
		WHERE e.person_id=? AND (?='' OR a.scheme=?) ORDER BY a.scheme, e.seq`, personID, scheme, scheme)
	if err != nil {
		return nil, fmt.Errorf("read ledger: %w", err)
	}
	defer rows.Close()
	out := []sessions.Entry{}
	for rows.Next() {
		e, err := scanEntry(rows, z)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Balances is the person's position in every scheme the store defines:
// balance, reserved and available from the running totals of the last
// entry, with its time as the as-of (zero when no entry exists).
func (s *Store) Balances(ctx context.Context, personID string) ([]sessions.Balance, error) {
	return balances(ctx, s.db, personID)
}

func balances(ctx context.Context, q rowQuerier, personID string) ([]sessions.Balance, error) {
	if err := exists(ctx, q, personID); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT sc.code, sc.unit,
		coalesce(e.balance_after, 0), coalesce(e.reserved_after, 0), coalesce(e.created_at, '')
		FROM schemes sc
		LEFT JOIN accounts a ON a.scheme = sc.code AND a.person_id = ?
		LEFT JOIN ledger_entries e ON e.account_id = a.id AND e.seq = (SELECT max(seq) FROM ledger_entries WHERE account_id = a.id)
		ORDER BY sc.code`, personID)
	if err != nil {
		return nil, fmt.Errorf("read balances: %w", err)
	}
	defer rows.Close()
	var out []sessions.Balance
	for rows.Next() {
		var b sessions.Balance
		var unit, asOf string
		if err := rows.Scan(&b.Scheme, &unit, &b.Balance, &b.Reserved, &asOf); err != nil {
			return nil, err
		}
		b.Unit, b.Available, b.AsOf = sessions.Unit(unit), b.Balance-b.Reserved, readStamp(asOf)
		out = append(out, b)
	}
	return out, rows.Err()
}

// Accounts is Balances under the name the planner knows.
func (s *Store) Accounts(ctx context.Context, personID string) ([]sessions.Balance, error) {
	return s.Balances(ctx, personID)
}

// DefineScheme adds a learning-account scheme (a centre's own, e.g. a
// federal training-days right counted in days); an existing code is a
// conflict: a scheme's unit never changes under its entries.
func (s *Store) DefineScheme(ctx context.Context, sc sessions.Scheme) error {
	sc, err := NewScheme(sc)
	if err != nil {
		return err
	}
	defer s.writeTurn(ctx)()
	_, err = s.db.ExecContext(ctx, `INSERT INTO schemes (code, unit, annual, share_percent, cap, created_at, created_by) VALUES (?,?,?,?,?,?,?)`,
		sc.Code, string(sc.Unit), sc.Annual, sc.SharePercent, sc.Cap, s.stamp(), s.actor)
	return mapErr(err)
}

// NewScheme checks a scheme definition for DefineScheme on either engine
// (a code and a known unit) and fills its default share (100%).
func NewScheme(sc sessions.Scheme) (sessions.Scheme, error) {
	if !sc.Unit.Valid() || strings.TrimSpace(sc.Code) == "" {
		return sc, fmt.Errorf("scheme %q unit %q: %w", sc.Code, sc.Unit, sessions.ErrBadEntry)
	}
	if sc.SharePercent == 0 {
		sc.SharePercent = 100
	}
	return sc, nil
}
