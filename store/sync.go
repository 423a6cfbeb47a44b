package store

// The laptop's side of koers sync (migration 0023; README, "Off the network
// and back"): checked-out copies of people's files, the transactional
// outbox of what changed offline, and what the server answered.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SyncRow is one row of a person's file as it travels between the
// engines: column name to value (string, int64, float64 or nil), each in
// SQLite's form (stamps as RFC 3339 text, dates as text, booleans 0/1).
type SyncRow map[string]any

// SyncTables are the tables of a person's file a checkout copies, parents
// before children (the order rows are written in).
var SyncTables = []string{"people", "person_skills", "consents", "accounts", "ledger_entries", "credentials",
	"guidance_sessions", "session_notes", "goals", "actions", "drafts", "plans", "plan_steps", "plan_funding",
	"step_outcomes", "employment_outcomes"}

// PersonCopy is one person's file as the server holds it.
type PersonCopy struct {
	PersonID string
	Tables   map[string][]SyncRow
}

// SyncState is the checkout this laptop file holds.
type SyncState struct {
	CheckoutID   string    `json:"checkout_id"`
	Server       string    `json:"server"`
	CheckedOutAt time.Time `json:"checked_out_at"`
	SyncedAt     time.Time `json:"synced_at"`
	Cursor       string    `json:"-"`
	By           string    `json:"by"`
}

// SyncChange is one sealed change of the outbox: immutable from the moment
// it has its id.
type SyncChange struct {
	ID          string `json:"id"`
	Seq         int64  `json:"seq"`
	Table       string `json:"table"`
	RowID       string `json:"row_id"`
	PersonID    string `json:"person_id"`
	Op          string `json:"op"`
	BaseVersion int64  `json:"base_version,omitempty"`
	// Base holds the compared fields of a row without a version (a goal's
	// or action's status before the change).
	Base SyncRow `json:"base,omitempty"`
	// Row is the row as sealed; a plan's is {"plan": row, "steps": [rows],
	// "funding": [rows]}.
	Row SyncRow `json:"row"`
}

// Outcomes of a pushed change.
const (
	SyncApplied  = "applied"
	SyncRefused  = "refused"
	SyncConflict = "conflict"
)

// SyncAck is the server's answer to one change.
type SyncAck struct {
	ChangeID string
	Outcome  string
	// Reason is why a proposed ledger entry was refused.
	Reason string
	// ServerRow and ServerVersion are the server's row of a conflict.
	ServerRow     SyncRow
	ServerVersion int64
}

// ErrNoCheckout is a sync command on a file that holds no checkout.
var ErrNoCheckout = errors.New("this database holds no checkout (koers sync checkout first)")

// ErrOtherCheckout is a checkout into a file that holds another server's.
var ErrOtherCheckout = errors.New("this database already holds a checkout from another server (check it in first)")

// SyncState reads the checkout, or ErrNoCheckout.
func (s *Store) SyncState(ctx context.Context) (SyncState, error) {
	return syncState(ctx, s.db)
}

func syncState(ctx context.Context, q rowQuerier) (SyncState, error) {
	var st SyncState
	var at, synced string
	err := q.QueryRowContext(ctx, `SELECT checkout_id, server, checked_out_at, synced_at, cursor, created_by FROM sync_state`).
		Scan(&st.CheckoutID, &st.Server, &at, &synced, &st.Cursor, &st.By)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNoCheckout
	}
	if err != nil {
		return st, fmt.Errorf("read checkout: %w", mapErr(err))
	}
	st.CheckedOutAt, st.SyncedAt = readStamp(at), readStamp(synced)
	return st, nil
}

// SyncCheckout records the checkout st (or adds to the one this file
// holds from the same server) and writes the copies, in one transaction.
func (s *Store) SyncCheckout(ctx context.Context, st SyncState, files []PersonCopy) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := syncState(ctx, tx)
		switch {
		case errors.Is(err, ErrNoCheckout):
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_state (one, checkout_id, server, checked_out_at, synced_at, cursor, created_by)
				VALUES (1,?,?,?,?,?,?)`, st.CheckoutID, st.Server, writeStamp(st.CheckedOutAt), writeStamp(st.CheckedOutAt), st.Cursor, s.actor); err != nil {
				return fmt.Errorf("record checkout: %w", err)
			}
		case err != nil:
			return err
		case cur.Server != st.Server:
			return ErrOtherCheckout
		}
		// A person checked out again keeps a copy with changes not yet
		// pushed: the next sync sends them, then brings the server's.
		keep, err := notWaiting(ctx, tx, files)
		if err != nil {
			return err
		}
		return s.loadCopies(ctx, tx, keep, st.CheckedOutAt)
	})
}

// notWaiting are those of files whose person has nothing in the outbox.
func notWaiting(ctx context.Context, tx *sql.Tx, files []PersonCopy) ([]PersonCopy, error) {
	var keep []PersonCopy
	for _, f := range files {
		var waiting int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sync_outbox WHERE person_id=?`, f.PersonID).Scan(&waiting); err != nil {
			return nil, err
		}
		if waiting == 0 {
			keep = append(keep, f)
		}
	}
	return keep, nil
}

// SyncLoad replaces the copies of the people in files with the server's
// (a pull) and moves the cursor, in one transaction. A person with changes
// still in the outbox keeps their copy (the push comes first).
func (s *Store) SyncLoad(ctx context.Context, cursor string, files []PersonCopy, at time.Time) (int, error) {
	n := 0
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		keep, err := notWaiting(ctx, tx, files)
		if err != nil {
			return err
		}
		n = len(keep)
		if err := s.loadCopies(ctx, tx, keep, at); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE sync_state SET cursor=?, synced_at=?`, cursor, writeStamp(at))
		return err
	})
	return n, err
}

// loadCopies writes each person's copy in place of the one held, with the
// outbox triggers quiet (sync_pulling) and the append-only guards opened
// for that person alone (erasing), as an erase does.
func (s *Store) loadCopies(ctx context.Context, tx *sql.Tx, files []PersonCopy, at time.Time) error {
	if len(files) == 0 {
		return nil
	}
	cols, err := liteColumns(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sync_pulling (one) VALUES (1)`); err != nil {
		return fmt.Errorf("sync guard: %w", err)
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO erasing (one, person_id) VALUES (1, ?)`, f.PersonID); err != nil {
			return fmt.Errorf("sync guard: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM people WHERE id=?`, f.PersonID); err != nil {
			return fmt.Errorf("replace copy: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM erasing`); err != nil {
			return fmt.Errorf("sync guard: %w", err)
		}
		for _, t := range SyncTables {
			for _, r := range f.Tables[t] {
				if err := insertRow(ctx, tx, t, cols[t], r, ""); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_people (person_id, copied_at) VALUES (?,?)
			ON CONFLICT (person_id) DO UPDATE SET copied_at=excluded.copied_at`, f.PersonID, writeStamp(at)); err != nil {
			return fmt.Errorf("record checkout: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM sync_pulling`)
	return err
}

type liteCol struct {
	name    string
	text    bool
	notNull bool
}

// liteColumns are the columns of the copied tables, by table.
func liteColumns(ctx context.Context, q rowQuerier) (map[string][]liteCol, error) {
	out := map[string][]liteCol{}
	for _, t := range append(SyncTables, "audit_log") {
		rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull" FROM pragma_table_info(?) ORDER BY cid`, t)
		if err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", t, err)
		}
		for rows.Next() {
			var c liteCol
			var typ string
			if err := rows.Scan(&c.name, &typ, &c.notNull); err != nil {
				rows.Close()
				return nil, err
			}
			c.text = strings.EqualFold(typ, "TEXT")
			out[t] = append(out[t], c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// insertRow writes r into table t (the columns both engines share; a NULL
// where SQLite holds NOT NULL text or numbers becomes ” or 0, as SQLite's
// own rows keep unknown dates).
func insertRow(ctx context.Context, tx *sql.Tx, t string, cols []liteCol, r SyncRow, conflict string) error {
	var names, marks []string
	var args []any
	for _, c := range cols {
		v, ok := r[c.name]
		if !ok {
			continue
		}
		if v == nil && c.notNull {
			if c.text {
				v = ""
			} else {
				v = int64(0)
			}
		}
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				v = i
			} else if f, err := n.Float64(); err == nil {
				v = f
			}
		}
		names = append(names, c.name)
		marks = append(marks, "?")
		args = append(args, v)
	}
	q := `INSERT INTO ` + t + ` (` + strings.Join(names, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)` + conflict
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("write %s: %w", t, err)
	}
	return nil
}

// readRow reads the row of t whose id is id (nil when there is none).
func readRow(ctx context.Context, q rowQuerier, t, id string) (SyncRow, error) {
	rows, err := readRows(ctx, q, `SELECT * FROM `+t+` WHERE id=?`, id)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0], nil
}

// planAggregate is a plan as it travels: its row, steps and funding lines.
func planAggregate(ctx context.Context, q rowQuerier, plan SyncRow) (SyncRow, error) {
	steps, err := readRows(ctx, q, `SELECT * FROM plan_steps WHERE plan_id=? ORDER BY position`, plan["id"])
	if err != nil {
		return nil, err
	}
	funding, err := readRows(ctx, q, `SELECT f.* FROM plan_funding f JOIN plan_steps s ON s.id = f.step_id WHERE s.plan_id=? ORDER BY f.step_id, f.scheme`, plan["id"])
	if err != nil {
		return nil, err
	}
	return SyncRow{"plan": plan, "steps": emptyIfNil(steps), "funding": emptyIfNil(funding)}, nil
}

func readRows(ctx context.Context, q rowQuerier, query string, args ...any) ([]SyncRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []SyncRow
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := SyncRow{}
		for i, n := range names {
			if b, ok := vals[i].([]byte); ok {
				vals[i] = string(b)
			}
			r[n] = vals[i]
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SyncSeal gives every unsealed change of the outbox its id and a frozen
// copy of its row, in one transaction, and returns every sealed change not
// yet acknowledged, in the order they were made. A change sealed once is
// sent as it is, however often the push is repeated.
func (s *Store) SyncSeal(ctx context.Context) ([]SyncChange, error) {
	var out []SyncChange
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		out = nil
		type unsealed struct {
			seq        int64
			tbl, rowID string
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq, tbl, row_id FROM sync_outbox WHERE change_id IS NULL ORDER BY seq`)
		if err != nil {
			return err
		}
		var todo []unsealed
		for rows.Next() {
			var u unsealed
			if err := rows.Scan(&u.seq, &u.tbl, &u.rowID); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, u)
		}
		rows.Close()
		for _, u := range todo {
			r, err := readRow(ctx, tx, u.tbl, u.rowID)
			if err != nil {
				return err
			}
			if r == nil { // gone since (erased on this laptop): nothing to send
				if _, err := tx.ExecContext(ctx, `DELETE FROM sync_outbox WHERE seq=?`, u.seq); err != nil {
					return err
				}
				continue
			}
			if u.tbl == "plans" {
				if r, err = planAggregate(ctx, tx, r); err != nil {
					return err
				}
			}
			if u.tbl == "ledger_entries" {
				var scheme string
				if err := tx.QueryRowContext(ctx, `SELECT scheme FROM accounts WHERE id=?`, r["account_id"]).Scan(&scheme); err != nil {
					return fmt.Errorf("seal ledger entry: %w", err)
				}
				r["scheme"] = scheme
			}
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sync_outbox SET change_id=?, payload=? WHERE seq=?`, NewID(), string(b), u.seq); err != nil {
				return fmt.Errorf("seal change: %w", err)
			}
		}
		out, err = sealed(ctx, tx)
		return err
	})
	return out, err
}

func sealed(ctx context.Context, q rowQuerier) ([]SyncChange, error) {
	rows, err := q.QueryContext(ctx, `SELECT change_id, seq, tbl, row_id, person_id, op, base_version, base, payload
		FROM sync_outbox WHERE change_id IS NOT NULL ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SyncChange
	for rows.Next() {
		var c SyncChange
		var base, payload string
		if err := rows.Scan(&c.ID, &c.Seq, &c.Table, &c.RowID, &c.PersonID, &c.Op, &c.BaseVersion, &base, &payload); err != nil {
			return nil, err
		}
		if base != "" {
			if c.Base, err = DecodeSyncRow(base); err != nil {
				return nil, fmt.Errorf("change %s: %w", c.ID, err)
			}
		}
		if c.Row, err = DecodeSyncRow(payload); err != nil {
			return nil, fmt.Errorf("change %s: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DecodeSyncRow reads a row from its JSON, numbers kept exact.
func DecodeSyncRow(s string) (SyncRow, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var r SyncRow
	if err := d.Decode(&r); err != nil {
		return nil, err
	}
	return r, nil
}

// SyncAcknowledge records the server's answer to change c and takes it
// out of the outbox, in one transaction: a refused ledger entry is kept
// with its reason, a conflict with both versions.
func (s *Store) SyncAcknowledge(ctx context.Context, c SyncChange, ack SyncAck) error {
	return s.SyncAcknowledgeBatch(ctx, []SyncChange{c}, []SyncAck{ack})
}

// SyncAcknowledgeBatch records the answers to changes (acks[i] answers
// changes[i]) in one transaction.
func (s *Store) SyncAcknowledgeBatch(ctx context.Context, changes []SyncChange, acks []SyncAck) error {
	if len(changes) != len(acks) {
		return fmt.Errorf("sync: %d answers to %d changes", len(acks), len(changes))
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		for i, c := range changes {
			if err := s.acknowledge(ctx, tx, c, acks[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) acknowledge(ctx context.Context, tx *sql.Tx, c SyncChange, ack SyncAck) error {
	{
		res, err := tx.ExecContext(ctx, `DELETE FROM sync_outbox WHERE change_id=?`, c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // acknowledged before
		}
		at := s.stamp()
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_pushed (change_id, person_id, outcome, at) VALUES (?,?,?,?)
			ON CONFLICT (change_id) DO NOTHING`, c.ID, c.PersonID, ack.Outcome, at); err != nil {
			return fmt.Errorf("record push: %w", err)
		}
		switch ack.Outcome {
		case SyncRefused:
			amount, _ := asInt(c.Row["amount"])
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_refusals (id, person_id, entry_id, scheme, kind, amount, reason, at) VALUES (?,?,?,?,?,?,?,?)
				ON CONFLICT (id) DO NOTHING`, c.ID, c.PersonID, c.RowID, fmt.Sprint(c.Row["scheme"]), fmt.Sprint(c.Row["kind"]), amount, ack.Reason, at); err != nil {
				return fmt.Errorf("record refusal: %w", err)
			}
		case SyncConflict:
			local, err := json.Marshal(c.Row)
			if err != nil {
				return err
			}
			server, err := json.Marshal(ack.ServerRow)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_conflicts (id, person_id, tbl, row_id, base_version, server_version, local, server, at)
				VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING`, c.ID, c.PersonID, c.Table, c.RowID, c.BaseVersion, ack.ServerVersion,
				string(local), string(server), at); err != nil {
				return fmt.Errorf("record conflict: %w", err)
			}
		}
		return nil
	}
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case json.Number:
		i, err := x.Int64()
		return i, err == nil
	case float64:
		return int64(x), true
	}
	return 0, false
}

// SyncPeople are the ids of the people checked out, in id order.
func (s *Store) SyncPeople(ctx context.Context) ([]string, error) {
	out, err := queryStrings(ctx, s.db, `SELECT person_id FROM sync_people ORDER BY person_id`)
	return out, mapErr(err)
}

// SyncPersonState is what the sync status says of one checked-out person.
type SyncPersonState struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CopiedAt  time.Time `json:"copied_at"`
	Waiting   int       `json:"waiting"`
	Conflicts int       `json:"conflicts"`
	Refusals  int       `json:"refusals"`
}

// SyncPeopleState lists the checked-out people with their waiting changes,
// open conflicts and refused entries.
func (s *Store) SyncPeopleState(ctx context.Context) ([]SyncPersonState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sp.person_id, coalesce(p.name, ''), sp.copied_at,
		(SELECT count(*) FROM sync_outbox o WHERE o.person_id = sp.person_id AND o.tbl <> 'audit_log'),
		(SELECT count(*) FROM sync_conflicts c WHERE c.person_id = sp.person_id AND c.resolved = ''),
		(SELECT count(*) FROM sync_refusals r WHERE r.person_id = sp.person_id)
		FROM sync_people sp LEFT JOIN people p ON p.id = sp.person_id ORDER BY p.name, sp.person_id`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []SyncPersonState
	for rows.Next() {
		var p SyncPersonState
		var at string
		if err := rows.Scan(&p.ID, &p.Name, &at, &p.Waiting, &p.Conflicts, &p.Refusals); err != nil {
			return nil, err
		}
		p.CopiedAt = readStamp(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SyncConflictRow is a conflict kept on the laptop: both versions.
type SyncConflictRow struct {
	ID            string    `json:"id"`
	PersonID      string    `json:"person_id"`
	Table         string    `json:"table"`
	RowID         string    `json:"row_id"`
	BaseVersion   int64     `json:"base_version"`
	ServerVersion int64     `json:"server_version"`
	Local         SyncRow   `json:"local"`
	Server        SyncRow   `json:"server"`
	At            time.Time `json:"at"`
	Resolved      string    `json:"resolved,omitempty"`
}

// SyncConflicts lists the conflicts (open ones only unless all).
func (s *Store) SyncConflicts(ctx context.Context, all bool) ([]SyncConflictRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, person_id, tbl, row_id, base_version, server_version, local, server, at, resolved
		FROM sync_conflicts WHERE ? OR resolved = '' ORDER BY at, id`, all)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []SyncConflictRow
	for rows.Next() {
		var c SyncConflictRow
		var local, server, at string
		if err := rows.Scan(&c.ID, &c.PersonID, &c.Table, &c.RowID, &c.BaseVersion, &c.ServerVersion, &local, &server, &at, &c.Resolved); err != nil {
			return nil, err
		}
		if c.Local, err = DecodeSyncRow(local); err != nil {
			return nil, err
		}
		if c.Server, err = DecodeSyncRow(server); err != nil {
			return nil, err
		}
		c.At = readStamp(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// SyncRefusal is a proposed ledger entry the server refused.
type SyncRefusal struct {
	ID       string    `json:"id"`
	PersonID string    `json:"person_id"`
	EntryID  string    `json:"entry_id"`
	Scheme   string    `json:"scheme"`
	Kind     string    `json:"kind"`
	Amount   int64     `json:"amount_minor"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

// SyncRefusals lists the refused entries, oldest first.
func (s *Store) SyncRefusals(ctx context.Context) ([]SyncRefusal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, person_id, entry_id, scheme, kind, amount, reason, at FROM sync_refusals ORDER BY at, id`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []SyncRefusal
	for rows.Next() {
		var r SyncRefusal
		var at string
		if err := rows.Scan(&r.ID, &r.PersonID, &r.EntryID, &r.Scheme, &r.Kind, &r.Amount, &r.Reason, &at); err != nil {
			return nil, err
		}
		r.At = readStamp(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SyncPending are the proposed ledger entries not yet pushed: the ids of
// entries in the outbox (shown as pending, never as final).
func (s *Store) SyncPending(ctx context.Context, personID string) (map[string]bool, error) {
	ids, err := queryStrings(ctx, s.db, `SELECT row_id FROM sync_outbox WHERE tbl='ledger_entries' AND person_id=?`, personID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ErrSyncResolved is a resolve of a conflict already resolved.
var ErrSyncResolved = errors.New("this conflict is resolved already")

// SyncResolve records the counsellor's choice on conflict id and audits
// it, in one transaction. "mine" puts the laptop's version back in the
// outbox as a new sealed change on the server's version (so the next push
// writes it over that version, and only over that one); "theirs" keeps
// the server's, which the pull has already copied.
func (s *Store) SyncResolve(ctx context.Context, id, choice string) (SyncConflictRow, error) {
	var c SyncConflictRow
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var local, server, resolved string
		err := tx.QueryRowContext(ctx, `SELECT id, person_id, tbl, row_id, base_version, server_version, local, server, resolved FROM sync_conflicts WHERE id=?`, id).
			Scan(&c.ID, &c.PersonID, &c.Table, &c.RowID, &c.BaseVersion, &c.ServerVersion, &local, &server, &resolved)
		if err != nil {
			return err
		}
		if resolved != "" {
			return ErrSyncResolved
		}
		if choice == "mine" {
			// A row without a version is compared on its status: the base
			// is now the server's.
			base := ""
			if c.Table == "goals" || c.Table == "actions" {
				srv, err := DecodeSyncRow(server)
				if err != nil {
					return err
				}
				b, err := json.Marshal(SyncRow{"status": srv["status"]})
				if err != nil {
					return err
				}
				base = string(b)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO sync_outbox (change_id, tbl, row_id, person_id, op, base_version, base, payload)
				VALUES (?,?,?,?,'update',?,?,?)`, NewID(), c.Table, c.RowID, c.PersonID, c.ServerVersion, base, local); err != nil {
				return fmt.Errorf("resolve: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_conflicts SET resolved=?, resolved_at=?, resolved_by=? WHERE id=?`,
			choice, s.stamp(), s.actor, id); err != nil {
			return fmt.Errorf("resolve: %w", err)
		}
		c.Resolved = choice
		return s.audit(ctx, tx, c.PersonID, "sync-resolve", c.Table+" "+c.RowID+" conflict "+c.ID+": "+choice)
	})
	return c, mapErr(err)
}

// SyncPushedIDs are the ids of every change the server acknowledged.
func (s *Store) SyncPushedIDs(ctx context.Context) ([]string, error) {
	out, err := queryStrings(ctx, s.db, `SELECT change_id FROM sync_pushed ORDER BY change_id`)
	return out, mapErr(err)
}

// SyncCounts are the outbox's waiting changes and the open conflicts.
func (s *Store) SyncCounts(ctx context.Context) (waiting, conflicts int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM sync_outbox), (SELECT count(*) FROM sync_conflicts WHERE resolved='')`).
		Scan(&waiting, &conflicts)
	return waiting, conflicts, mapErr(err)
}

// SyncForget removes the checked-out people from this file once the
// server holds everything (check-in): each is erased as an erase does
// (secure delete, VACUUM, WAL truncated), with the outbox triggers quiet
// so the erase is not sent back, and then every sync table is emptied.
// Run again after an interruption, it finishes the job.
func (s *Store) SyncForget(ctx context.Context) error {
	ids, err := s.SyncPeople(ctx)
	if err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO sync_pulling (one) VALUES (1) ON CONFLICT DO NOTHING`); err != nil {
		return mapErr(err)
	}
	for _, id := range ids {
		if err := s.ErasePerson(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return mapErr(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = OFF`)
	for _, q := range []string{`DELETE FROM sync_outbox`, `DELETE FROM sync_conflicts`, `DELETE FROM sync_refusals`,
		`DELETE FROM sync_pushed`, `DELETE FROM sync_people`, `DELETE FROM sync_state`, `DELETE FROM sync_pulling`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("check in: %w", mapErr(err))
		}
	}
	return s.scrub(ctx, conn, "(checked in)")
}

// SyncPersonState is what the sync status says of one checked-out person;
// ok is false when the person is not checked out into this file.
func (s *Store) SyncPersonState(ctx context.Context, id string) (SyncPersonState, bool, error) {
	var p SyncPersonState
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT sp.person_id, sp.copied_at,
		(SELECT count(*) FROM sync_outbox o WHERE o.person_id = sp.person_id AND o.tbl <> 'audit_log'),
		(SELECT count(*) FROM sync_conflicts c WHERE c.person_id = sp.person_id AND c.resolved = ''),
		(SELECT count(*) FROM sync_refusals r WHERE r.person_id = sp.person_id)
		FROM sync_people sp WHERE sp.person_id = ?`, id).Scan(&p.ID, &at, &p.Waiting, &p.Conflicts, &p.Refusals)
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, mapErr(err)
	}
	p.CopiedAt = readStamp(at)
	return p, true, nil
}
