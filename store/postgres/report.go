package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/store"
)

// noPerson is the person_id of audit rows that concern no person (report
// runs): audit_log.person_id is a uuid and NOT NULL here.
const noPerson = "00000000-0000-0000-0000-000000000000"

// lo and hi are the period's bounds as instants: midnight UTC of the first
// day and of the day after the last (SQLite compares the UTC stamps' text).
const (
	lo = `($1::timestamp AT TIME ZONE 'UTC')`
	hi = `($2::timestamp AT TIME ZONE 'UTC')`
)

// utcDay is the yyyymmdd text of a timestamptz's day in UTC, as SQLite's
// first ten characters of its UTC stamps.
func utcDay(col string) string { return `to_char(` + col + ` AT TIME ZONE 'UTC', 'YYYYMMDD')` }

// pgReport is the report's fact queries on PostgreSQL: the same passes,
// columns and meaning as SQLite's (store.ReportSQL), every column cast to
// text.
var pgReport = store.ReportSQL{
	People: `SELECT id::text, birth_year::text, eqf::text, gender, employment, region, centre FROM people
		WHERE ($3 = '' OR centre = $3) AND ($4 = '' OR left(region, length($4)) = $4)
			AND ($5 = '' OR centre = ANY (string_to_array($5, ',')))`,
	Schemes: `SELECT person_id::text, scheme FROM accounts ORDER BY person_id`,
	// The actions of each session of the period, counted and done packed
	// as on SQLite (done above bit 32).
	Sessions: `SELECT person_id::text, ` + utcDay("min(at) FILTER (WHERE attended)") + `,
			(count(*) FILTER (WHERE attended AND at >= ` + lo + ` AND at < ` + hi + `))::text,
			(count(*) FILTER (WHERE NOT attended AND at >= ` + lo + ` AND at < ` + hi + `))::text,
			sum(x)::text
		FROM (SELECT person_id, at, attended, CASE WHEN at >= ` + lo + ` AND at < ` + hi + ` THEN
				(SELECT count(*) | (count(*) FILTER (WHERE a.status = 'done') << 32) FROM actions a WHERE a.session_id = s.id) END AS x
			FROM guidance_sessions s) s
		GROUP BY person_id ORDER BY person_id`,
	PlanMade: `SELECT person_id::text, ` + utcDay("min(created_at)") + ` FROM plans p
		WHERE EXISTS (SELECT 1 FROM plan_steps s WHERE s.plan_id = p.id) GROUP BY person_id ORDER BY person_id`,
	Steps: `SELECT st.person_id::text, st.offer_id, to_char(o.e, 'YYYYMMDD'), to_char(o.c, 'YYYYMMDD'), to_char(o.d, 'YYYYMMDD'),
			CASE WHEN o.e >= $1::date AND o.e < $2::date THEN (SELECT sum(f.amount) FROM plan_funding f WHERE f.step_id = o.step_id
				AND f.scheme IN (SELECT code FROM schemes WHERE unit = 'EUR'))::text END
		FROM (SELECT step_id, max(on_date) FILTER (WHERE status = 'enrolled') AS e,
				max(on_date) FILTER (WHERE status = 'completed') AS c, max(on_date) FILTER (WHERE status = 'dropped') AS d
			FROM step_outcomes GROUP BY step_id) o
		JOIN plan_steps st ON st.id = o.step_id`,
	Credentials: `SELECT person_id::text, to_char(d, 'YYYYMMDD') FROM (SELECT person_id,
			coalesce(issued, (created_at AT TIME ZONE 'UTC')::date) AS d FROM credentials) c
		WHERE d >= $1::date AND d < $2::date`,
	// In the order recorded: SQLite's rowid order, here the UUIDv7 ids'.
	Follows: `SELECT person_id::text, months::text, situation, to_char(on_date, 'YYYYMMDD') FROM employment_outcomes ORDER BY created_at, id`,

	Accounts: `SELECT id::text, scheme FROM accounts
		WHERE ($3 = '' AND $4 = '' AND $5 = '') OR person_id IN (SELECT id FROM people
			WHERE ($3 = '' OR centre = $3) AND ($4 = '' OR left(region, length($4)) = $4)
				AND ($5 = '' OR centre = ANY (string_to_array($5, ','))))`,
	Entries: `SELECT e.account_id::text, e.kind, e.amount::text, ` + utcDay("e.effective") + `,
			CASE WHEN e.kind = 'top-up' THEN e.funder END, CASE WHEN e.kind = 'spend' THEN st.offer_id END
		FROM ledger_entries e LEFT JOIN plan_steps st ON e.kind = 'spend'
			AND st.id = (CASE WHEN e.ref ~ '^plan-step:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN substr(e.ref, 11)::uuid END)
			AND st.person_id = e.person_id
		WHERE e.effective >= ` + lo + ` AND e.effective < ` + hi,
}

// RunReport computes the anonymised report for p from the people side on
// PostgreSQL and audits the run (its parameters and format, never a
// figure). offers are the attributes of the register offers plan steps
// name (the register is local to each process: store.Store.ReportOffers);
// a step whose offer is not among them counts as "unknown" in the
// spending tables, as on SQLite. The passes run on two connections that
// share one snapshot (pg_export_snapshot), so every figure is of one moment.
func (s *Store) RunReport(ctx context.Context, p report.Params, format string, offers map[string]store.OfferAttrs) (*report.Report, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	schemes, err := s.Schemes(ctx)
	if err != nil {
		return nil, err
	}
	units := map[string]string{}
	for _, sc := range schemes {
		units[sc.Code] = string(sc.Unit)
	}
	b := report.NewBuilder(p, units)
	if err := s.feedReport(ctx, p, offers, b); err != nil {
		return nil, err
	}
	r := b.Report()
	detail, _ := json.Marshal(struct {
		report.Params
		Format string `json:"format"`
	}{p, format})
	if err := s.tx(ctx, func(tx pgx.Tx) error { return s.audit(ctx, tx, noPerson, "report", string(detail)) }); err != nil {
		return nil, err
	}
	return r, nil
}

// ReportRuns lists the audited report runs, oldest first.
func (s *Store) ReportRuns(ctx context.Context) ([]store.AuditEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id::text, at, actor, '', action, detail FROM audit_log WHERE person_id = $1 AND action = 'report' ORDER BY at, id`, noPerson)
	if err != nil {
		return nil, fmt.Errorf("read report runs: %w", mapErr(err))
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AuditEntry, error) {
		var e store.AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.Actor, &e.PersonID, &e.Action, &e.Detail)
		e.At = e.At.UTC()
		return e, err
	})
}

func (s *Store) feedReport(ctx context.Context, p report.Params, offers map[string]store.OfferAttrs, b *report.Builder) error {
	var conns [2]*pgxpool.Conn
	var txs [2]pgx.Tx
	for i := range conns {
		c, err := s.pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("report: %w", mapErr(err))
		}
		defer c.Release()
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return fmt.Errorf("report snapshot: %w", mapErr(err))
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		conns[i], txs[i] = c, tx
	}
	var snap string
	if err := txs[0].QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&snap); err != nil {
		return fmt.Errorf("report snapshot: %w", mapErr(err))
	}
	if _, err := txs[1].Exec(ctx, `SET TRANSACTION SNAPSHOT '`+snap+`'`); err != nil {
		return fmt.Errorf("report snapshot: %w", mapErr(err))
	}
	return store.FeedReport(ctx, pgReport, pgRows(txs[0]), pgRows(txs[1]), p, offers, b)
}

// pgRows runs fact queries in tx; every column is text, so the raw values
// are the text's bytes (NULL is nil). Every query gets all five
// parameters, typed text by a leading WITH that names them: PostgreSQL
// refuses a parameter a statement never mentions.
func pgRows(tx pgx.Tx) store.ReportRows {
	return func(ctx context.Context, query string, args []any, fn func(r *store.ReportRow)) error {
		if len(args) == 5 {
			query = `WITH report_params AS (SELECT $1::text, $2::text, $3::text, $4::text, $5::text) ` + query
		}
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return mapErr(err)
		}
		defer rows.Close()
		var r store.ReportRow
		for rows.Next() {
			fn(r.TextRow(rows.RawValues()))
		}
		rows.Close()
		return mapErr(rows.Err())
	}
}
