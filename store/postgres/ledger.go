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

// Schemes lists the scheme definitions, by code.
func (s *Store) Schemes(ctx context.Context) ([]sessions.Scheme, error) { return schemes(ctx, s.pool) }

func schemes(ctx context.Context, q querier) ([]sessions.Scheme, error) {
	rows, err := q.Query(ctx, `SELECT code, unit, annual, share_percent, cap FROM schemes ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("read schemes: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Scheme, error) {
		var sc sessions.Scheme
		var unit string
		err := r.Scan(&sc.Code, &unit, &sc.Annual, &sc.SharePercent, &sc.Cap)
		sc.Unit = sessions.Unit(unit)
		return sc, err
	})
	if err != nil {
		return nil, fmt.Errorf("read schemes: %w", mapErr(err))
	}
	return out, nil
}

// Scheme is one scheme definition, or store.ErrUnknownScheme.
func (s *Store) Scheme(ctx context.Context, code string) (sessions.Scheme, error) {
	list, err := s.Schemes(ctx)
	if err != nil {
		return sessions.Scheme{}, err
	}
	sc, ok := sessions.FindScheme(list, code)
	if !ok {
		return sc, fmt.Errorf("%w %q", store.ErrUnknownScheme, code)
	}
	return sc, nil
}

// DefineScheme adds a learning-account scheme, as
// store.Store.DefineScheme: an existing code is a conflict (a scheme's
// unit never changes under its entries).
func (s *Store) DefineScheme(ctx context.Context, sc sessions.Scheme) error {
	sc, err := store.NewScheme(sc)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO schemes (code, unit, annual, share_percent, cap, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
			sc.Code, string(sc.Unit), sc.Annual, sc.SharePercent, sc.Cap, s.stamp(), s.actor)
		if err != nil {
			return fmt.Errorf("scheme %s: %w", sc.Code, mapErr(err))
		}
		return nil
	})
}

// PostEntry appends e to the person's account in e.Scheme (opening the
// account on first use). The account row is locked first (SELECT … FOR
// UPDATE), so concurrent posts to one account queue and each sees the
// totals the previous one left; the rules are checked in Go
// (sessions.Prepare) and again by the database. Re-posting an idempotency
// key already used in that account changes nothing and returns the
// original entry with Replayed set. An entry that would take the account
// below zero is refused with store.ErrInsufficient.
func (s *Store) PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error) {
	if e.Key == "" {
		e.Key = NewID()
	}
	var out sessions.Entry
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = s.postEntry(ctx, tx, e)
		return err
	})
	return out, err
}

// postEntry appends e inside tx. Posts to one account queue on its row
// lock, so the work done while holding it is kept to three round trips:
// the lock, one read of the key, the totals and the reservation, and one
// statement that writes the entry and its audit line.
func (s *Store) postEntry(ctx context.Context, tx pgx.Tx, e sessions.Entry) (sessions.Entry, error) {
	if !isID(e.PersonID) {
		return e, personNotFound(e.PersonID)
	}
	var person, scheme bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM people WHERE id=$1), EXISTS (SELECT 1 FROM schemes WHERE code=$2)`,
		e.PersonID, e.Scheme).Scan(&person, &scheme); err != nil {
		return e, err
	}
	if !person {
		return e, personNotFound(e.PersonID)
	}
	if !scheme {
		return e, fmt.Errorf("%w %q", store.ErrUnknownScheme, e.Scheme)
	}
	// The reason is free text: sealed once encryption is on. A post
	// without one needs no key and no look at the wraps (the hot path).
	z := s.keys.LenientSealer()
	if e.Reason != "" {
		var err error
		if z, err = s.writeSeals(ctx, tx); err != nil {
			return e, err
		}
	}
	accID, err := s.lockAccount(ctx, tx, e.PersonID, e.Scheme)
	if err != nil {
		return e, err
	}
	// Statements after the lock read the latest committed rows (READ
	// COMMITTED takes a new snapshot per statement).
	ref := e.Ref
	if e.Kind == sessions.Correct {
		ref = "" // a correction's reservation is its corrected entry's, read below
	}
	var t sessions.Totals
	var c sessions.Context
	var replay *string
	var seq, bal, res *int64
	err = tx.QueryRow(ctx, `SELECT
		(SELECT id::text FROM ledger_entries WHERE account_id=$1 AND idem_key=$2),
		l.seq, l.balance_after, l.reserved_after,
		(SELECT coalesce(sum(d_reserved), 0) FROM ledger_entries WHERE account_id=$1 AND ref=$3 AND $3 <> ''),
		EXISTS (SELECT 1 FROM ledger_entries WHERE account_id=$1 AND ref=$3 AND $3 <> '')
		FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT seq, balance_after, reserved_after FROM ledger_entries
			WHERE account_id=$1 ORDER BY seq DESC LIMIT 1) l ON true`, accID, e.Key, ref).
		Scan(&replay, &seq, &bal, &res, &c.Outstanding, &c.RefKnown)
	if err != nil {
		return e, fmt.Errorf("read totals: %w", err)
	}
	if replay != nil {
		orig, err := entryWhere(ctx, tx, z, `e.id=$1`, *replay)
		if err != nil {
			return orig, err
		}
		return sessions.Replay(orig, e) // the same request, or a key reused for another entry
	}
	if seq != nil {
		t = sessions.Totals{Seq: *seq, Balance: *bal, Reserved: *res}
	}
	if e.Kind == sessions.Correct && e.Corrects != "" && isID(e.Corrects) {
		o, err := entryWhere(ctx, tx, z, `e.id=$1`, e.Corrects)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return e, err
		}
		if err == nil {
			c.Corrected = &o
			e.Ref = o.Ref
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE corrects=$1),
				(SELECT coalesce(sum(d_reserved), 0) FROM ledger_entries WHERE account_id=$2 AND ref=$3 AND $3 <> '')`,
				o.ID, accID, e.Ref).Scan(&c.AlreadyCorrected, &c.Outstanding); err != nil {
				return e, err
			}
		}
	}
	p, err := sessions.Prepare(t, e, c)
	if err != nil {
		return e, err
	}
	p.ID = NewID()
	if p.Effective.IsZero() {
		p.Effective = s.now()
	}
	p.Effective = p.Effective.UTC().Truncate(time.Millisecond)
	now := s.stamp()
	var corrects any
	if p.Corrects != "" {
		corrects = p.Corrects
	}
	// The entry and its audit line in one statement (the triggers fire as
	// for a plain INSERT).
	_, err = tx.Exec(ctx, `WITH entry AS (INSERT INTO ledger_entries (id, account_id, person_id, seq, kind, amount, d_balance, d_reserved,
		balance_after, reserved_after, idem_key, ref, corrects, funder, reason, effective, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) RETURNING id)
		INSERT INTO audit_log (id, at, actor, person_id, action, detail) SELECT $19, $17, $18, $3, 'change', $20 FROM entry`,
		p.ID, accID, p.PersonID, p.Seq, string(p.Kind), p.Amount, p.DBalance, p.DReserved, p.BalanceAfter, p.ReservedAfter,
		p.Key, p.Ref, corrects, p.Funder, z.Seal(p.Reason, "ledger_entries", "reason", p.ID), p.Effective, now, s.actor,
		NewID(), "ledger "+p.Scheme+" "+string(p.Kind)+" "+p.ID)
	if err != nil {
		return e, fmt.Errorf("insert ledger entry: %w", mapErr(err))
	}
	p.CreatedAt, p.CreatedBy = now, s.actor
	return p, nil
}

// lockAccount locks the account's row for the rest of the transaction,
// opening the account on first use: the one place where posts to an
// account queue.
func (s *Store) lockAccount(ctx context.Context, tx pgx.Tx, personID, scheme string) (string, error) {
	const lock = `SELECT id::text FROM accounts WHERE person_id=$1 AND scheme=$2 FOR UPDATE`
	var id string
	err := tx.QueryRow(ctx, lock, personID, scheme).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("lock account: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO accounts (id, person_id, scheme, created_at, created_by) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (person_id, scheme) DO NOTHING`, NewID(), personID, scheme, s.stamp(), s.actor); err != nil {
		return "", fmt.Errorf("open account: %w", err)
	}
	if err := tx.QueryRow(ctx, lock, personID, scheme).Scan(&id); err != nil {
		return "", fmt.Errorf("lock account: %w", err)
	}
	return id, nil
}

const entryCols = `e.id::text, e.person_id::text, a.scheme, e.seq, e.kind, e.amount, e.idem_key, e.ref, coalesce(e.corrects::text, ''), e.funder, e.reason,
	e.effective, e.d_balance, e.d_reserved, e.balance_after, e.reserved_after, e.created_at, e.created_by`

func scanEntry(sc pgx.Row, z store.Sealer) (sessions.Entry, error) {
	var e sessions.Entry
	var kind string
	err := sc.Scan(&e.ID, &e.PersonID, &e.Scheme, &e.Seq, &kind, &e.Amount, &e.Key, &e.Ref, &e.Corrects, &e.Funder, &e.Reason,
		&e.Effective, &e.DBalance, &e.DReserved, &e.BalanceAfter, &e.ReservedAfter, &e.CreatedAt, &e.CreatedBy)
	e.Kind = sessions.Kind(kind)
	e.Effective, e.CreatedAt = e.Effective.UTC(), e.CreatedAt.UTC()
	if err != nil {
		return e, err
	}
	return e, z.OpenFields("ledger_entries", e.ID, store.SealField("reason", &e.Reason))
}

func entryWhere(ctx context.Context, q querier, z store.Sealer, where string, args ...any) (sessions.Entry, error) {
	e, err := scanEntry(q.QueryRow(ctx, `SELECT `+entryCols+` FROM ledger_entries e JOIN accounts a ON a.id = e.account_id WHERE `+where, args...), z)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, fmt.Errorf("ledger entry: %w", store.ErrNotFound)
	}
	return e, err
}

// Entries lists a person's ledger entries, in scheme then posting order;
// scheme "" means every scheme.
func (s *Store) Entries(ctx context.Context, personID, scheme string) ([]sessions.Entry, error) {
	if !isID(personID) {
		return []sessions.Entry{}, nil
	}
	z := s.keys.LenientSealer()
	rows, err := s.pool.Query(ctx, `SELECT `+entryCols+` FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
		WHERE e.person_id=$1 AND ($2='' OR a.scheme=$2) ORDER BY a.scheme, e.seq`, personID, scheme)
	if err != nil {
		return nil, fmt.Errorf("read ledger: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Entry, error) { return scanEntry(r, z) })
	if err != nil {
		return nil, fmt.Errorf("read ledger: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}

// Balances is the person's position in every scheme the store defines:
// balance, reserved and available from the running totals of the last
// entry, with its time as the as-of (zero when no entry exists).
func (s *Store) Balances(ctx context.Context, personID string) ([]sessions.Balance, error) {
	return balances(ctx, s.pool, personID)
}

func balances(ctx context.Context, q querier, personID string) ([]sessions.Balance, error) {
	if err := exists(ctx, q, personID); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT sc.code, sc.unit,
		coalesce(e.balance_after, 0), coalesce(e.reserved_after, 0), e.created_at
		FROM schemes sc
		LEFT JOIN accounts a ON a.scheme = sc.code AND a.person_id = $1
		LEFT JOIN LATERAL (SELECT balance_after, reserved_after, created_at FROM ledger_entries
			WHERE account_id = a.id ORDER BY seq DESC LIMIT 1) e ON true
		ORDER BY sc.code`, personID)
	if err != nil {
		return nil, fmt.Errorf("read balances: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Balance, error) {
		var b sessions.Balance
		var unit string
		var asOf *time.Time
		err := r.Scan(&b.Scheme, &unit, &b.Balance, &b.Reserved, &asOf)
		b.Unit, b.Available, b.AsOf = sessions.Unit(unit), b.Balance-b.Reserved, when(asOf)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("read balances: %w", mapErr(err))
	}
	return out, nil
}

// Accounts is Balances under the name the planner knows.
func (s *Store) Accounts(ctx context.Context, personID string) ([]sessions.Balance, error) {
	return s.Balances(ctx, personID)
}
