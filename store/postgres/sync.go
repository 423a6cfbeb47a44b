package postgres

// The server's side of koers sync (migration 0023; README, "Off the
// network and back"): checkouts, the change cursor, and changes applied
// once by their ids.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

type pgCol struct {
	name, typ string
}

// syncColumns are the columns of the tables a person's file travels in.
func syncColumns(ctx context.Context, q querier) (map[string][]pgCol, error) {
	rows, err := q.Query(ctx, `SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY table_name, ordinal_position`,
		append(append([]string{}, store.SyncTables...), "audit_log"))
	if err != nil {
		return nil, fmt.Errorf("read columns: %w", mapErr(err))
	}
	defer rows.Close()
	out := map[string][]pgCol{}
	for rows.Next() {
		var t string
		var c pgCol
		if err := rows.Scan(&t, &c.name, &c.typ); err != nil {
			return nil, err
		}
		out[t] = append(out[t], c)
	}
	return out, rows.Err()
}

// selectExpr reads column c in SQLite's form.
func selectExpr(c pgCol) string {
	q := `"` + c.name + `"`
	switch c.typ {
	case "timestamp with time zone":
		return `to_char(` + q + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
	case "boolean":
		return `(` + q + `::int)::bigint`
	case "integer", "bigint", "smallint":
		return q + `::bigint`
	case "numeric", "double precision", "real":
		return q + `::float8`
	case "ARRAY":
		return `array_to_json(` + q + `)::text`
	default: // text, uuid, date, jsonb
		return q + `::text`
	}
}

// writeExpr turns parameter n (SQLite's form) into column c's type.
func writeExpr(c pgCol, n int) string {
	p := fmt.Sprintf("$%d", n)
	switch c.typ {
	case "timestamp with time zone":
		return `nullif(` + p + `::text, '')::timestamptz`
	case "date":
		return `nullif(` + p + `::text, '')::date`
	case "uuid":
		return `nullif(` + p + `::text, '')::uuid`
	case "jsonb":
		return p + `::jsonb`
	case "boolean":
		return `(` + p + `::bigint <> 0)`
	case "integer", "bigint", "smallint":
		return p + `::bigint`
	case "numeric", "double precision", "real":
		return p + `::float8`
	case "ARRAY":
		return `ARRAY(SELECT jsonb_array_elements_text(` + p + `::jsonb))`
	default:
		return p + `::text`
	}
}

// param is a value of a SyncRow as pgx sends it for column c.
func param(c pgCol, v any) any {
	if n, ok := v.(json.Number); ok {
		switch c.typ {
		case "integer", "bigint", "smallint", "boolean":
			if i, err := n.Int64(); err == nil {
				return i
			}
		}
		if f, err := n.Float64(); err == nil {
			return f
		}
		return n.String()
	}
	switch c.typ {
	case "integer", "bigint", "smallint", "boolean", "numeric", "double precision", "real":
		return v
	}
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// personRows reads table t's rows of the people ids, in SQLite's form.
func personRows(ctx context.Context, q querier, cols []pgCol, t string, ids []string) ([]store.SyncRow, error) {
	var exprs []string
	for _, c := range cols {
		exprs = append(exprs, selectExpr(c))
	}
	key := "person_id"
	if t == "people" {
		key = "id"
	}
	order := ""
	if t == "ledger_entries" {
		order = " ORDER BY account_id, seq" // each entry's running totals follow its predecessor's
	} else if slices.ContainsFunc(cols, func(c pgCol) bool { return c.name == "created_at" }) &&
		slices.ContainsFunc(cols, func(c pgCol) bool { return c.name == "id" }) {
		order = " ORDER BY created_at, id"
	}
	rows, err := q.Query(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM `+t+` WHERE `+key+` = ANY($1::uuid[])`+order, ids)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t, mapErr(err))
	}
	defer rows.Close()
	var out []store.SyncRow
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		r := store.SyncRow{}
		for i, c := range cols {
			r[c.name] = vals[i]
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// copies reads the files of the people ids in the snapshot of tx.
func copies(ctx context.Context, tx pgx.Tx, ids []string) ([]store.PersonCopy, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cols, err := syncColumns(ctx, tx)
	if err != nil {
		return nil, err
	}
	byPerson := map[string]*store.PersonCopy{}
	var out []store.PersonCopy
	for _, id := range ids {
		byPerson[id] = &store.PersonCopy{PersonID: id, Tables: map[string][]store.SyncRow{}}
	}
	for _, t := range store.SyncTables {
		rows, err := personRows(ctx, tx, cols[t], t, ids)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			key := "person_id"
			if t == "people" {
				key = "id"
			}
			if p := byPerson[fmt.Sprint(r[key])]; p != nil {
				p.Tables[t] = append(p.Tables[t], r)
			}
		}
	}
	for _, id := range ids {
		if p := byPerson[id]; len(p.Tables["people"]) == 1 {
			out = append(out, *p)
		}
	}
	return out, nil
}

// snapshot runs fn in one REPEATABLE READ transaction and hands it the
// cursor of that snapshot (its xmin: every transaction below it had ended).
func (s *Store) snapshot(ctx context.Context, readOnly bool, fn func(tx pgx.Tx, cursor string) error) error {
	mode := pgx.ReadWrite
	if readOnly {
		mode = pgx.ReadOnly
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: mode})
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var cursor string
	if err := tx.QueryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text`).Scan(&cursor); err != nil {
		return mapErr(err)
	}
	if err := fn(tx, cursor); err != nil {
		return mapErr(err)
	}
	return mapErr(tx.Commit(ctx))
}

// SyncCheckout records a checkout of the people ids (the audit log says
// who took whose file) and reads their files and the cursor, all in one
// snapshot. An id that is not a person is store.ErrNotFound.
func (s *Store) SyncCheckout(ctx context.Context, checkoutID string, ids []string) (string, []store.PersonCopy, error) {
	for _, id := range ids {
		if !isID(id) {
			return "", nil, personNotFound(id)
		}
	}
	var cursor string
	var files []store.PersonCopy
	err := s.snapshot(ctx, false, func(tx pgx.Tx, cur string) error {
		cursor = cur
		if _, err := tx.Exec(ctx, `INSERT INTO sync_checkouts (id, created_at, created_by) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO NOTHING`, checkoutID, s.now().UTC(), s.actor); err != nil {
			return fmt.Errorf("record checkout: %w", err)
		}
		for _, id := range ids {
			if err := exists(ctx, tx, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO sync_checkout_people (checkout_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, checkoutID, id); err != nil {
				return fmt.Errorf("record checkout: %w", err)
			}
			if err := s.audit(ctx, tx, id, "sync-checkout", "checkout "+checkoutID); err != nil {
				return err
			}
		}
		var err error
		files, err = copies(ctx, tx, ids)
		return err
	})
	return cursor, files, err
}

// SyncPull reads, in one snapshot, the files of those of the people ids
// that changed at or after cursor, and the next cursor.
func (s *Store) SyncPull(ctx context.Context, ids []string, cursor string) (string, []store.PersonCopy, error) {
	var next string
	var files []store.PersonCopy
	err := s.snapshot(ctx, true, func(tx pgx.Tx, cur string) error {
		next = cur
		rows, err := tx.Query(ctx, `SELECT person_id::text FROM person_changes WHERE person_id = ANY($1::uuid[]) AND xid >= $2::xid8 ORDER BY 1`, ids, cursor)
		if err != nil {
			return fmt.Errorf("read changes: %w", err)
		}
		changed, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("read changes: %w", err)
		}
		files, err = copies(ctx, tx, changed)
		return err
	})
	return next, files, err
}

// SyncApply applies one change a laptop pushed, in one transaction with
// the record of its id: a change whose id the server holds already is not
// applied again, and its first answer is returned. A proposed ledger entry
// is posted under the ledger's rules (the account row locked, no
// overdraft): one that would overdraw is refused, and the refusal is on
// the person's audit log with the reason. An update carries the version it
// was made on: when the server's row is at another version, nothing is
// written and the answer is a conflict with the server's row.
func (s *Store) SyncApply(ctx context.Context, checkoutID string, c store.SyncChange) (store.SyncAck, error) {
	var ack store.SyncAck
	err := s.tx(ctx, func(tx pgx.Tx) error {
		ack = store.SyncAck{ChangeID: c.ID}
		var outcome, reason, row string
		var version int64
		err := tx.QueryRow(ctx, `SELECT outcome, reason, server_row, server_version FROM sync_applied WHERE change_id=$1`, c.ID).
			Scan(&outcome, &reason, &row, &version)
		if err == nil {
			ack.Outcome, ack.Reason, ack.ServerVersion = outcome, reason, version
			if row != "" {
				if ack.ServerRow, err = store.DecodeSyncRow(row); err != nil {
					return err
				}
			}
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read applied: %w", err)
		}
		if !isID(c.PersonID) {
			return personNotFound(c.PersonID)
		}
		if err := exists(ctx, tx, c.PersonID); err != nil {
			return err
		}
		cols, err := syncColumns(ctx, tx)
		if err != nil {
			return err
		}
		switch {
		case c.Table == "ledger_entries" && c.Op == "insert":
			ack, err = s.applyEntry(ctx, tx, c)
		case c.Table == "people" && c.Op == "update":
			ack, err = s.applyUpdate(ctx, tx, cols["people"], c)
		case c.Op == "insert" && cols[c.Table] != nil && c.Table != "people":
			ack, err = applyInsert(ctx, tx, cols[c.Table], c)
		default:
			return fmt.Errorf("sync: a change of %s (%s) cannot be applied", c.Table, c.Op)
		}
		if err != nil {
			return err
		}
		ack.ChangeID = c.ID
		var server string
		if ack.ServerRow != nil {
			b, err := json.Marshal(ack.ServerRow)
			if err != nil {
				return err
			}
			server = string(b)
		}
		_, err = tx.Exec(ctx, `INSERT INTO sync_applied (change_id, checkout_id, person_id, tbl, outcome, reason, server_row, server_version, applied_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, c.ID, checkoutID, c.PersonID, c.Table, ack.Outcome, ack.Reason, server, ack.ServerVersion, s.now().UTC())
		if err != nil {
			return fmt.Errorf("record applied: %w", err)
		}
		return nil
	})
	return ack, err
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func (s *Store) applyEntry(ctx context.Context, tx pgx.Tx, c store.SyncChange) (store.SyncAck, error) {
	amount, err := json.Number(str(c.Row["amount"])).Int64()
	if err != nil {
		return store.SyncAck{}, fmt.Errorf("sync: entry %s: amount: %w", c.RowID, err)
	}
	eff, _ := time.Parse(time.RFC3339Nano, str(c.Row["effective"]))
	e := sessions.Entry{PersonID: c.PersonID, Scheme: str(c.Row["scheme"]), Kind: sessions.Kind(str(c.Row["kind"])), Amount: amount,
		Key: str(c.Row["idem_key"]), Ref: str(c.Row["ref"]), Corrects: str(c.Row["corrects"]), Funder: str(c.Row["funder"]),
		Reason: str(c.Row["reason"]), Effective: eff}
	// A savepoint: a refusal leaves the transaction usable for its record.
	sp, err := tx.Begin(ctx)
	if err != nil {
		return store.SyncAck{}, err
	}
	_, err = s.postEntry(ctx, sp, e)
	if errors.Is(err, store.ErrInsufficient) || errors.Is(mapErr(err), store.ErrInsufficient) {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return store.SyncAck{}, rerr
		}
		reason := "insufficient: " + e.Scheme + " would go below zero"
		if aerr := s.audit(ctx, tx, c.PersonID, "sync-refused", "ledger "+e.Scheme+" "+string(e.Kind)+" "+c.RowID+": "+reason); aerr != nil {
			return store.SyncAck{}, aerr
		}
		return store.SyncAck{Outcome: store.SyncRefused, Reason: reason}, nil
	}
	if err != nil {
		_ = sp.Rollback(ctx)
		return store.SyncAck{}, err
	}
	if err := sp.Commit(ctx); err != nil {
		return store.SyncAck{}, err
	}
	return store.SyncAck{Outcome: store.SyncApplied}, nil
}

// applyInsert writes an append-only row as it was made (its UUIDv7 id
// kept); a row already there is left as it is.
func applyInsert(ctx context.Context, tx pgx.Tx, cols []pgCol, c store.SyncChange) (store.SyncAck, error) {
	var names, exprs []string
	var args []any
	for _, col := range cols {
		v, ok := c.Row[col.name]
		if !ok {
			continue
		}
		names = append(names, `"`+col.name+`"`)
		args = append(args, param(col, v))
		exprs = append(exprs, writeExpr(col, len(args)))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO `+c.Table+` (`+strings.Join(names, ", ")+`) VALUES (`+strings.Join(exprs, ", ")+`) ON CONFLICT DO NOTHING`, args...); err != nil {
		return store.SyncAck{}, fmt.Errorf("sync: write %s: %w", c.Table, mapErr(err))
	}
	return store.SyncAck{Outcome: store.SyncApplied}, nil
}

// applyUpdate writes a profile edited offline over the version it was
// edited on, and only over that one.
func (s *Store) applyUpdate(ctx context.Context, tx pgx.Tx, cols []pgCol, c store.SyncChange) (store.SyncAck, error) {
	var sets []string
	var args []any
	for _, col := range cols {
		switch col.name {
		case "id", "version", "created_at", "created_by":
			continue
		}
		v, ok := c.Row[col.name]
		if !ok {
			continue
		}
		args = append(args, param(col, v))
		sets = append(sets, `"`+col.name+`" = `+writeExpr(col, len(args)))
	}
	args = append(args, c.RowID, c.BaseVersion)
	tag, err := tx.Exec(ctx, `UPDATE people SET `+strings.Join(sets, ", ")+fmt.Sprintf(`, version = version + 1 WHERE id = $%d AND version = $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return store.SyncAck{}, fmt.Errorf("sync: update person: %w", mapErr(err))
	}
	if tag.RowsAffected() == 1 {
		return store.SyncAck{Outcome: store.SyncApplied}, nil
	}
	rows, err := personRows(ctx, tx, cols, "people", []string{c.RowID})
	if err != nil || len(rows) != 1 {
		return store.SyncAck{}, fmt.Errorf("sync: read person for conflict: %w", errors.Join(err, store.ErrNotFound))
	}
	v, _ := rows[0]["version"].(int64)
	if err := s.audit(ctx, tx, c.PersonID, "sync-conflict", fmt.Sprintf("people %s: offline edit on version %d, server at %d", c.RowID, c.BaseVersion, v)); err != nil {
		return store.SyncAck{}, err
	}
	return store.SyncAck{Outcome: store.SyncConflict, ServerRow: rows[0], ServerVersion: v}, nil
}

// SyncMissing are those of the change ids the server does not hold.
func (s *Store) SyncMissing(ctx context.Context, ids []string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text FROM unnest($1::uuid[]) id WHERE NOT EXISTS (SELECT 1 FROM sync_applied a WHERE a.change_id = id) ORDER BY 1`, ids)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("verify: %w", mapErr(err))
	}
	return out, nil
}

// SyncCheckin marks the checkout returned.
func (s *Store) SyncCheckin(ctx context.Context, checkoutID string) error {
	_, err := s.pool.Exec(ctx, `UPDATE sync_checkouts SET checked_in_at = $2 WHERE id = $1 AND checked_in_at IS NULL`, checkoutID, s.now().UTC())
	return mapErr(err)
}
