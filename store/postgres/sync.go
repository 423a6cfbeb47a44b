package postgres

// The server's side of koers sync (migration 0023; README, "Off the
// network and back"): checkouts, the change cursor, and changes applied
// once by their ids.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

type pgCol struct {
	name, typ string
}

// syncColumnCache keeps each pool's columns (the schema does not change
// under a running koers: a migration needs a new one).
var syncColumnCache sync.Map // the pool (*pgxpool.Pool) -> map[string][]pgCol

// columns are the columns of the tables a person's file travels in, read once per pool.
func (s *Store) columns(ctx context.Context, q querier) (map[string][]pgCol, error) {
	if c, ok := syncColumnCache.Load(s.pool); ok {
		return c.(map[string][]pgCol), nil
	}
	c, err := syncColumns(ctx, q)
	if err != nil {
		return nil, err
	}
	syncColumnCache.Store(s.pool, c)
	return c, nil
}

// syncColumns reads the columns of the tables a person's file travels in.
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
func (s *Store) copies(ctx context.Context, tx pgx.Tx, ids []string) ([]store.PersonCopy, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cols, err := s.columns(ctx, tx)
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
		files, err = s.copies(ctx, tx, ids)
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
		files, err = s.copies(ctx, tx, changed)
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
	acks, err := s.SyncApplyBatch(ctx, checkoutID, []store.SyncChange{c})
	if err != nil {
		return store.SyncAck{}, err
	}
	return acks[0], nil
}

// SyncApplyBatch applies changes in order, as SyncApply does each, in one
// transaction: all of them are applied and recorded, or none.
func (s *Store) SyncApplyBatch(ctx context.Context, checkoutID string, changes []store.SyncChange) ([]store.SyncAck, error) {
	var acks []store.SyncAck
	err := s.tx(ctx, func(tx pgx.Tx) error {
		acks = acks[:0]
		cols, err := s.columns(ctx, tx)
		if err != nil {
			return err
		}
		// Two reads for the whole batch instead of two per change: which
		// changes were applied before, and which people exist.
		var ids, people []string
		for _, c := range changes {
			ids = append(ids, c.ID)
			if isID(c.PersonID) {
				people = append(people, c.PersonID)
			}
		}
		b := applyBatch{done: map[string]store.SyncAck{}, people: map[string]bool{}}
		rows, err := tx.Query(ctx, `SELECT change_id::text, outcome, reason, server_row, server_version FROM sync_applied WHERE change_id = ANY($1::uuid[])`, ids)
		if err != nil {
			return fmt.Errorf("read applied: %w", err)
		}
		for rows.Next() {
			var a store.SyncAck
			var row string
			if err := rows.Scan(&a.ChangeID, &a.Outcome, &a.Reason, &row, &a.ServerVersion); err != nil {
				rows.Close()
				return err
			}
			if row != "" {
				if a.ServerRow, err = store.DecodeSyncRow(row); err != nil {
					rows.Close()
					return err
				}
			}
			b.done[a.ChangeID] = a
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT id::text FROM people WHERE id = ANY($1::uuid[])`, people)
		if err != nil {
			return fmt.Errorf("read people: %w", err)
		}
		found, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("read people: %w", err)
		}
		for _, id := range found {
			b.people[id] = true
		}
		for _, c := range changes {
			ack, err := s.applyOne(ctx, tx, cols, &b, checkoutID, c)
			if err != nil {
				return fmt.Errorf("change %s (%s %s): %w", c.ID, c.Table, c.Op, err)
			}
			acks = append(acks, ack)
		}
		return nil
	})
	return acks, err
}

// applyBatch is what a batch read once: the first answers to changes
// applied before (by change id) and the people that exist.
type applyBatch struct {
	done   map[string]store.SyncAck
	people map[string]bool
}

func (s *Store) applyOne(ctx context.Context, tx pgx.Tx, cols map[string][]pgCol, b *applyBatch, checkoutID string, c store.SyncChange) (store.SyncAck, error) {
	if a, ok := b.done[strings.ToLower(c.ID)]; ok {
		a.ChangeID = c.ID
		return a, nil
	}
	ack := store.SyncAck{ChangeID: c.ID}
	err := func() error {
		if !isID(c.PersonID) || !b.people[strings.ToLower(c.PersonID)] {
			return personNotFound(c.PersonID)
		}
		var err error
		switch {
		case c.Table == "ledger_entries" && c.Op == "insert":
			ack, err = s.applyEntry(ctx, tx, c)
		case c.Table == "people" && c.Op == "update":
			ack, err = s.applyUpdate(ctx, tx, cols["people"], c)
		case c.Table == "plans":
			ack, err = s.applyPlan(ctx, tx, cols, c)
		case (c.Table == "goals" || c.Table == "actions") && c.Op == "update":
			ack, err = s.applyStatus(ctx, tx, cols[c.Table], c)
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
	}()
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
	if err := insertPG(ctx, tx, c.Table, cols, c.Row, ` ON CONFLICT DO NOTHING`); err != nil {
		return store.SyncAck{}, err
	}
	return store.SyncAck{Outcome: store.SyncApplied}, nil
}

// insertPG writes row r into table t; upsert, when set, updates every
// column but the id of a row already there.
func insertPG(ctx context.Context, tx pgx.Tx, t string, cols []pgCol, r store.SyncRow, conflict string) error {
	var names, exprs, sets []string
	var args []any
	for _, col := range cols {
		v, ok := r[col.name]
		if !ok {
			continue
		}
		names = append(names, `"`+col.name+`"`)
		args = append(args, param(col, v))
		exprs = append(exprs, writeExpr(col, len(args)))
		if col.name != "id" {
			sets = append(sets, `"`+col.name+`" = excluded."`+col.name+`"`)
		}
	}
	if conflict == "upsert" {
		conflict = ` ON CONFLICT (id) DO UPDATE SET ` + strings.Join(sets, ", ")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO `+t+` (`+strings.Join(names, ", ")+`) VALUES (`+strings.Join(exprs, ", ")+`)`+conflict, args...); err != nil {
		return fmt.Errorf("sync: write %s: %w", t, mapErr(err))
	}
	return nil
}

func asRow(v any) store.SyncRow {
	switch m := v.(type) {
	case store.SyncRow:
		return m
	case map[string]any:
		return store.SyncRow(m)
	}
	return nil
}

func asRows(v any) []store.SyncRow {
	switch l := v.(type) {
	case []store.SyncRow:
		return l
	case []any:
		out := make([]store.SyncRow, 0, len(l))
		for _, x := range l {
			if r := asRow(x); r != nil {
				out = append(out, r)
			}
		}
		return out
	}
	return nil
}

// planNow is the server's plan as it travels (nil when there is none).
func planNow(ctx context.Context, tx pgx.Tx, cols map[string][]pgCol, id string) (store.SyncRow, int64, error) {
	plans, err := rowsWhere(ctx, tx, cols["plans"], "plans", `id = $1::uuid`, id)
	if err != nil || len(plans) == 0 {
		return nil, 0, err
	}
	steps, err := rowsWhere(ctx, tx, cols["plan_steps"], "plan_steps", `plan_id = $1::uuid ORDER BY position`, id)
	if err != nil {
		return nil, 0, err
	}
	funding, err := rowsWhere(ctx, tx, cols["plan_funding"], "plan_funding", `step_id IN (SELECT id FROM plan_steps WHERE plan_id = $1::uuid) ORDER BY step_id, scheme`, id)
	if err != nil {
		return nil, 0, err
	}
	v, _ := plans[0]["version"].(int64)
	return store.SyncRow{"plan": plans[0], "steps": emptyIfNil(steps), "funding": emptyIfNil(funding)}, v, nil
}

// rowsWhere reads table t's rows matching where, in SQLite's form.
func rowsWhere(ctx context.Context, q querier, cols []pgCol, t, where string, args ...any) ([]store.SyncRow, error) {
	var exprs []string
	for _, c := range cols {
		exprs = append(exprs, selectExpr(c))
	}
	rows, err := q.Query(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM `+t+` WHERE `+where, args...)
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

// applyPlan writes a plan made or edited offline, whole: a new plan as it
// was made; an edit only over the version it was made on (its row, then
// every step, then the funding lines), else a conflict with the server's
// plan. A plan the server cannot take (another plan agreed meanwhile) is a
// conflict too: nothing of it is written.
func (s *Store) applyPlan(ctx context.Context, tx pgx.Tx, cols map[string][]pgCol, c store.SyncChange) (store.SyncAck, error) {
	plan, steps, funding := asRow(c.Row["plan"]), asRows(c.Row["steps"]), asRows(c.Row["funding"])
	if plan == nil {
		return store.SyncAck{}, fmt.Errorf("sync: plan %s: no plan in the change", c.RowID)
	}
	var have int64
	err := tx.QueryRow(ctx, `SELECT version FROM plans WHERE id = $1 FOR UPDATE`, c.RowID).Scan(&have)
	found := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return store.SyncAck{}, fmt.Errorf("sync: read plan: %w", err)
	}
	conflict := func(why string) (store.SyncAck, error) {
		srv, v, err := planNow(ctx, tx, cols, c.RowID)
		if err != nil {
			return store.SyncAck{}, err
		}
		if srv == nil {
			srv = store.SyncRow{}
		}
		if err := s.audit(ctx, tx, c.PersonID, "sync-conflict", fmt.Sprintf("plan %s: %s", c.RowID, why)); err != nil {
			return store.SyncAck{}, err
		}
		return store.SyncAck{Outcome: store.SyncConflict, ServerRow: srv, ServerVersion: v}, nil
	}
	switch {
	case c.Op == "insert" && found:
		return store.SyncAck{Outcome: store.SyncApplied}, nil // sent before
	case c.Op == "update" && !found:
		return conflict("removed on the server")
	case c.Op == "update" && have != c.BaseVersion:
		return conflict(fmt.Sprintf("offline edit on version %d, server at %d", c.BaseVersion, have))
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return store.SyncAck{}, err
	}
	err = func() error {
		if c.Op == "update" {
			plan = maps.Clone(plan)
			delete(plan, "created_at")
			delete(plan, "created_by")
			plan["version"] = json.Number(fmt.Sprint(have + 1))
		}
		if err := insertPG(ctx, sp, "plans", cols["plans"], plan, "upsert"); err != nil {
			return err
		}
		for _, st := range steps {
			if err := insertPG(ctx, sp, "plan_steps", cols["plan_steps"], st, "upsert"); err != nil {
				return err
			}
		}
		if _, err := sp.Exec(ctx, `DELETE FROM plan_funding WHERE step_id IN (SELECT id FROM plan_steps WHERE plan_id = $1)`, c.RowID); err != nil {
			return err
		}
		for _, f := range funding {
			if err := insertPG(ctx, sp, "plan_funding", cols["plan_funding"], f, ""); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		_ = sp.Rollback(ctx)
		if errors.Is(err, store.ErrConflict) {
			return conflict("the server cannot take it: " + err.Error())
		}
		return store.SyncAck{}, err
	}
	if err := sp.Commit(ctx); err != nil {
		return store.SyncAck{}, err
	}
	return store.SyncAck{Outcome: store.SyncApplied}, nil
}

// applyStatus sets a goal's or action's status changed offline, only when
// the server's is still the one it was changed from.
func (s *Store) applyStatus(ctx context.Context, tx pgx.Tx, cols []pgCol, c store.SyncChange) (store.SyncAck, error) {
	tag, err := tx.Exec(ctx, `UPDATE `+c.Table+` SET status = $1, updated_at = $2::timestamptz, updated_by = $3 WHERE id = $4 AND status = $5`,
		str(c.Row["status"]), str(c.Row["updated_at"]), str(c.Row["updated_by"]), c.RowID, str(c.Base["status"]))
	if err != nil {
		return store.SyncAck{}, fmt.Errorf("sync: update %s: %w", c.Table, mapErr(err))
	}
	if tag.RowsAffected() == 1 {
		return store.SyncAck{Outcome: store.SyncApplied}, nil
	}
	rows, err := rowsWhere(ctx, tx, cols, c.Table, `id = $1::uuid`, c.RowID)
	if err != nil {
		return store.SyncAck{}, err
	}
	srv := store.SyncRow{}
	if len(rows) == 1 {
		srv = rows[0]
	}
	if err := s.audit(ctx, tx, c.PersonID, "sync-conflict", fmt.Sprintf("%s %s: status changed offline from %s, server at %s", c.Table, c.RowID, str(c.Base["status"]), str(srv["status"]))); err != nil {
		return store.SyncAck{}, err
	}
	return store.SyncAck{Outcome: store.SyncConflict, ServerRow: srv}, nil
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

// Appointments are the people with an appointment between from and to
// (next_at of a session in [from, to)) whom counsellor sees: the
// appointment was set by them, or the person is on their caseload.
func (s *Store) Appointments(ctx context.Context, counsellor string, from, to time.Time) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT g.person_id::text FROM guidance_sessions g JOIN people p ON p.id = g.person_id
		WHERE g.next_at >= $1 AND g.next_at < $2 AND (g.counsellor = $3 OR p.counsellor = $3) ORDER BY 1`, from, to, counsellor)
	if err != nil {
		return nil, fmt.Errorf("read appointments: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read appointments: %w", mapErr(err))
	}
	return out, nil
}
