package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"

	"github.com/koers-project/koers/report"
)

// RunReport computes the anonymised report for p and audits the run (the
// parameters only, never a figure). Every input is streamed once, ordered
// by person, from one consistent snapshot and merged per person in Go; no
// table is held in memory beyond one person's rows and the offers that
// plans use.
func (s *Store) RunReport(ctx context.Context, p report.Params, format string) (*report.Report, error) {
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
	if err := s.streamFacts(ctx, p, b); err != nil {
		return nil, err
	}
	r := b.Report()
	detail, _ := json.Marshal(struct {
		report.Params
		Format string `json:"format"`
	}{p, format})
	if err := s.Audit(ctx, "", "report", string(detail)); err != nil {
		return nil, err
	}
	return r, nil
}

// ReportRuns lists the audited report runs, oldest first.
func (s *Store) ReportRuns(ctx context.Context) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, actor, person_id, action, detail FROM audit_log WHERE person_id='' AND action='report' ORDER BY at, id`)
	if err != nil {
		return nil, fmt.Errorf("read report runs: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.PersonID, &e.Action, &e.Detail); err != nil {
			return nil, err
		}
		e.At = readStamp(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func atoi[T string | []byte](b T) int64 {
	var n int64
	neg := len(b) > 0 && b[0] == '-'
	for i := range len(b) {
		if c := b[i]; c >= '0' && c <= '9' {
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		return -n
	}
	return n
}

// strPool keeps one copy of each short repeated string (kinds, funders,
// schemes, statuses), so a million rows allocate a handful of strings.
type strPool map[string]string

func (in strPool) of(s string) string {
	if p, ok := in[s]; ok {
		return p
	}
	in[s] = s
	return s
}

// sqliteReport is the report's fact queries on SQLite. Stamps are
// RFC 3339 text in UTC and dates YYYY-MM-DD, so a period is a range of
// text, and a day column is the stamp or date itself: ReportRow.Day reads
// its first ten characters (no SQL function on each of a million values).
var sqliteReport = ReportSQL{
	People: `SELECT id, birth_year, eqf, gender, employment, region, centre FROM people
		WHERE ($3 = '' OR centre = $3) AND ($4 = '' OR substr(region, 1, length($4)) = $4)
			AND ($5 = '' OR instr(',' || $5 || ',', ',' || centre || ',') > 0)`,
	Schemes: `SELECT person_id, scheme FROM accounts ORDER BY person_id`,
	// The covering index (person_id, at, attended, id) is walked in order:
	// no sort, no table row read. An action is agreed on its session's
	// day: each session of the period looks up its actions (one seek in
	// their covering index (session_id, status)), counted and done packed
	// in one integer, the done ones above bit 32, so one seek serves both
	// (the subquery is written once: SQLite copies it into each expression
	// that names it).
	Sessions: `SELECT person_id, min(CASE WHEN attended THEN at END),
			sum(attended AND at >= $1 AND at < $2), sum(NOT attended AND at >= $1 AND at < $2), sum(x)
		FROM (SELECT person_id, at, attended, CASE WHEN at >= $1 AND at < $2 THEN
				(SELECT count(*) | (coalesce(sum(a.status = 'done'), 0) << 32) FROM actions a WHERE a.session_id = s.id) END AS x
			FROM guidance_sessions s)
		GROUP BY person_id ORDER BY person_id`,
	PlanMade: `SELECT person_id, min(created_at) FROM plans p
		WHERE EXISTS (SELECT 1 FROM plan_steps s WHERE s.plan_id = p.id) GROUP BY person_id ORDER BY person_id`,
	// A step's outcomes grouped in the order of their covering index, then
	// the step itself by key in its covering index (the planner would take
	// the primary key's index and read the table row), and, if enrolled in
	// the period, its funding lines in EUR schemes (one seek on the step).
	Steps: `SELECT st.person_id, st.offer_id, o.e, o.c, o.d,
			CASE WHEN o.e >= $1 AND o.e < $2 THEN (SELECT sum(CASE WHEN f.scheme IN (SELECT code FROM schemes WHERE unit = 'EUR') THEN f.amount END)
				FROM plan_funding f WHERE f.step_id = o.step_id) END
		FROM (SELECT step_id, max(CASE status WHEN 'enrolled' THEN on_date END) AS e,
				max(CASE status WHEN 'completed' THEN on_date END) AS c,
				max(CASE status WHEN 'dropped' THEN on_date END) AS d
			FROM step_outcomes GROUP BY step_id) o
		CROSS JOIN plan_steps st INDEXED BY plan_steps_report ON st.id = o.step_id`,
	Credentials: `SELECT person_id, d FROM (SELECT person_id, CASE WHEN issued <> '' THEN issued ELSE created_at END AS d FROM credentials)
		WHERE d >= $1 AND d < $2`,
	Follows: `SELECT person_id, months, situation, on_date FROM employment_outcomes ORDER BY rowid`,

	Accounts: `SELECT id, scheme FROM accounts
		WHERE ($3 = '' AND $4 = '' AND $5 = '') OR person_id IN (SELECT id FROM people
			WHERE ($3 = '' OR centre = $3) AND ($4 = '' OR substr(region, 1, length($4)) = $4)
				AND ($5 = '' OR instr(',' || $5 || ',', ',' || centre || ',') > 0))`,
	// The period's range of the covering (effective, …) index, read once:
	// most of a ledger lies outside a 12-month period, and no table row is
	// read. A spend's offer is its step's, looked up by key only for spends.
	Entries: `SELECT e.account_id, e.kind, e.amount, e.effective,
			CASE WHEN e.kind = 'top-up' THEN e.funder END,
			CASE WHEN e.kind = 'spend' AND substr(e.ref, 1, 10) = 'plan-step:' THEN (SELECT st.offer_id FROM plan_steps st
				WHERE st.id = substr(e.ref, 11) AND st.person_id = (SELECT person_id FROM accounts a WHERE a.id = e.account_id)) END
		FROM ledger_entries e WHERE e.effective >= $1 AND e.effective < $2`,
}

// streamFacts reads every fact table of the report into b, on two
// connections at once: the ledger's passes on one, the rest on the other
// (the pool holds four). Each reads one snapshot, the two taken back to
// back before any pass starts; a write committed in between shows in the
// ledger's and not in the other's (a report is a statistic: its figures
// would differ by that one write).
func (s *Store) streamFacts(ctx context.Context, p report.Params, b *report.Builder) error {
	offers, err := s.ReportOffers(ctx)
	if err != nil {
		return err
	}
	var rows [2]ReportRows
	for i := range rows {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		// A deferred read transaction: every query sees one snapshot (taken
		// by its first read) and none of them takes the write lock.
		if _, err := conn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
			return fmt.Errorf("report snapshot: %w", err)
		}
		defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`) }()
		// The report reads much of the file once: mapped, its pages cost no
		// read call each (measured: system time halved at 1M ledger rows).
		if _, err := conn.ExecContext(ctx, `PRAGMA mmap_size = 4294967296`); err != nil {
			return fmt.Errorf("report mmap: %w", err)
		}
		defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA mmap_size = 0`) }()
		rows[i] = sqliteRows(conn)
	}
	for _, r := range rows {
		if err := r(ctx, `SELECT count(*) FROM schemes`, nil, func(*ReportRow) {}); err != nil {
			return fmt.Errorf("report snapshot: %w", err)
		}
	}
	return FeedReport(ctx, sqliteReport, rows[0], rows[1], p, offers, b)
}

// sqliteRows runs fact queries on one connection, through the driver's
// own rows: integers arrive as int64 and text as the driver's string,
// without database/sql's conversion of each value to bytes (a tenth of the
// time of a million rows).
func sqliteRows(conn *sql.Conn) ReportRows {
	return func(ctx context.Context, query string, args []any, fn func(r *ReportRow)) error {
		return conn.Raw(func(dc any) error {
			qc, ok := dc.(driver.QueryerContext)
			if !ok {
				return fmt.Errorf("the SQLite driver's connection (%T) cannot query", dc)
			}
			named := make([]driver.NamedValue, len(args))
			for i, a := range args {
				named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
			}
			rows, err := qc.QueryContext(ctx, query, named)
			if err != nil {
				return err
			}
			defer rows.Close()
			r := &ReportRow{vals: make([]driver.Value, len(rows.Columns()))}
			for {
				switch err := rows.Next(r.vals); err {
				case nil:
					fn(r)
				case io.EOF:
					return nil
				default:
					return err
				}
			}
		})
	}
}
