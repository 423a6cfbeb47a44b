package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/sessions"
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
	if err := s.streamRecords(ctx, p, units, b.Add); err != nil {
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

type offerAttrs struct {
	eqf              int
	mode, field      string
	micro, stackable report.Tri
	price            int64 // cents, -1 unknown
}

// byPerson is one table's rows grouped by person: rows of person i are
// rows[start[i]:start[i+1]]. Rows arrive in the table's own order (a
// sequential scan, not an index walk per person: at 1M ledger rows the
// person-ordered walk cost twice the time, in random reads) and are
// bucketed here with a counting sort.
type byPerson[T any] struct {
	start []int32
	rows  []T
}

func group[T any](n int, idx []int32, rows []T) byPerson[T] {
	g := byPerson[T]{start: make([]int32, n+1), rows: make([]T, len(rows))}
	for _, i := range idx {
		g.start[i+1]++
	}
	for i := range n {
		g.start[i+1] += g.start[i]
	}
	pos := make([]int32, n)
	copy(pos, g.start[:n])
	for k, i := range idx {
		g.rows[pos[i]] = rows[k]
		pos[i]++
	}
	return g
}

func (g byPerson[T]) of(i int) []T { return g.rows[g.start[i]:g.start[i+1]] }

// scanTable runs q and calls fn with every row's raw columns; the person
// id must be the first column. Rows of people not in the report (filtered
// out) are skipped before fn.
func scanTable(ctx context.Context, q rowQuerier, people map[string]int32, sqlText string, ncols int, fn func(i int32, cols []sql.RawBytes), args ...any) error {
	return scanKeyed(ctx, q, func(b []byte) (int32, bool) { i, ok := people[string(b)]; return i, ok }, sqlText, ncols, fn, args...)
}

// scanKeyed is scanTable with the first column mapped to a person by key.
func scanKeyed(ctx context.Context, q rowQuerier, key func([]byte) (int32, bool), sqlText string, ncols int, fn func(i int32, cols []sql.RawBytes), args ...any) error {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return fmt.Errorf("report query: %w", err)
	}
	defer rows.Close()
	cols := make([]sql.RawBytes, ncols)
	dst := make([]any, ncols)
	for i := range cols {
		dst[i] = &cols[i]
	}
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return fmt.Errorf("report scan: %w", err)
		}
		if i, ok := key(cols[0]); ok {
			fn(i, cols)
		}
	}
	return rows.Err()
}

func atoi(b []byte) int64 {
	var n int64
	neg := len(b) > 0 && b[0] == '-'
	for _, c := range b {
		if c >= '0' && c <= '9' {
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

func (in strPool) of(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

type personRow struct {
	birthYear, eqf                     int
	gender, employment, region, centre string
}

type stepRow struct {
	id    string
	offer string
}

type entryRow struct {
	scheme, kind, funder string
	amount               int64
	on                   report.Day
	step                 string // the step id a reserve or spend is for
}

type dayFlag struct {
	on   report.Day
	flag bool
}

type outcomeRow struct {
	step, status string
	on           report.Day
}

type fundRow struct {
	step, scheme string
	amount       int64
}

type followRow struct {
	months    int
	situation string
	on        report.Day
}

// streamRecords reads every input of the report from one read snapshot and
// hands the builder one record per person.
func (s *Store) streamRecords(ctx context.Context, p report.Params, units map[string]string, fn func(*report.Record)) error {
	offers, err := s.reportOffers(ctx)
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// One deferred read transaction: every query sees the same snapshot
	// and none of them takes the write lock.
	if _, err := conn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		return fmt.Errorf("report snapshot: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`) }()
	// The report reads most of the file once: mapped, its pages cost no
	// read call each (measured: system time halved at 1M ledger rows).
	if _, err := conn.ExecContext(ctx, `PRAGMA mmap_size = 4294967296`); err != nil {
		return fmt.Errorf("report mmap: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA mmap_size = 0`) }()

	in := strPool{}
	ids := map[string]int32{}
	var people []personRow
	rows, err := conn.QueryContext(ctx, `SELECT id, birth_year, eqf, gender, employment, region, centre FROM people
		WHERE (?1 = '' OR centre = ?1) AND (?2 = '' OR substr(region, 1, length(?2)) = ?2)`, p.Centre, p.Region)
	if err != nil {
		return fmt.Errorf("report people: %w", err)
	}
	for rows.Next() {
		var id string
		var pr personRow
		var g, e, r, c sql.RawBytes
		if err := rows.Scan(&id, &pr.birthYear, &pr.eqf, &g, &e, &r, &c); err != nil {
			rows.Close()
			return err
		}
		pr.gender, pr.employment, pr.region, pr.centre = in.of(g), in.of(e), in.of(r), in.of(c)
		ids[id] = int32(len(people))
		people = append(people, pr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	n := len(people)

	var idx []int32
	collect := func(q string, ncols int, row func(cols []sql.RawBytes)) error {
		idx = idx[:0]
		return scanTable(ctx, conn, ids, q, ncols, func(i int32, cols []sql.RawBytes) {
			idx = append(idx, i)
			row(cols)
		})
	}
	type accRef struct {
		person int32
		scheme string
	}
	accounts := map[string]accRef{}
	var schemes []string
	if err := collect(`SELECT person_id, id, scheme FROM accounts`, 3, func(c []sql.RawBytes) {
		sc := in.of(c[2])
		accounts[string(c[1])] = accRef{idx[len(idx)-1], sc}
		schemes = append(schemes, sc)
	}); err != nil {
		return err
	}
	gSchemes := group(n, idx, schemes)
	// An action is agreed on its session's day: sessions are read first
	// and their days kept by id, rather than joined per action (300,000
	// index seeks at 100,000 people).
	var sess []dayFlag
	sessDay := map[string]report.Day{}
	if err := collect(`SELECT person_id, `+sqlDay("at")+`, attended, id FROM guidance_sessions`, 4, func(c []sql.RawBytes) {
		d := report.Day(atoi(c[1]))
		sess = append(sess, dayFlag{d, atoi(c[2]) == 1})
		sessDay[string(c[3])] = d
	}); err != nil {
		return err
	}
	gSess := group(n, idx, sess)
	var acts []dayFlag
	if err := collect(`SELECT person_id, session_id, status = 'done' FROM actions`, 3, func(c []sql.RawBytes) {
		acts = append(acts, dayFlag{sessDay[string(c[1])], atoi(c[2]) == 1})
	}); err != nil {
		return err
	}
	gActs := group(n, idx, acts)
	sessDay = nil
	planDay := map[string]report.Day{}
	if err := scanTable(ctx, conn, ids, `SELECT person_id, id, created_at FROM plans`, 3,
		func(_ int32, c []sql.RawBytes) { planDay[string(c[1])] = report.ParseDay(string(c[2])) }); err != nil {
		return err
	}
	// A person's plan counts from the first day one of their plans had a step.
	planMade := make([]report.Day, n)
	var steps []stepRow
	if err := collect(`SELECT person_id, id, offer_id, plan_id FROM plan_steps`, 4, func(c []sql.RawBytes) {
		steps = append(steps, stepRow{string(c[1]), string(c[2])})
		if d := planDay[string(c[3])]; d != 0 {
			i := idx[len(idx)-1]
			if planMade[i] == 0 || d < planMade[i] {
				planMade[i] = d
			}
		}
	}); err != nil {
		return err
	}
	gSteps := group(n, idx, steps)
	var funds []fundRow
	if err := collect(`SELECT person_id, step_id, scheme, amount FROM plan_funding`, 4, func(c []sql.RawBytes) {
		funds = append(funds, fundRow{string(c[1]), in.of(c[2]), atoi(c[3])})
	}); err != nil {
		return err
	}
	gFunds := group(n, idx, funds)
	var outs []outcomeRow
	if err := collect(`SELECT person_id, step_id, status, on_date FROM step_outcomes`, 4, func(c []sql.RawBytes) {
		outs = append(outs, outcomeRow{string(c[1]), in.of(c[2]), report.ParseDay(string(c[3]))})
	}); err != nil {
		return err
	}
	gOuts := group(n, idx, outs)
	// Only the period's entries cross into Go, with their kind, day and
	// the step they spend for computed by SQLite: most of a ledger's rows
	// lie outside a 12-month period, and every text column read costs an
	// allocation per row.
	var entries []entryRow
	idx = idx[:0]
	if err := scanKeyed(ctx, conn, func(b []byte) (int32, bool) { a, ok := accounts[string(b)]; return a.person, ok },
		`SELECT account_id, kind, amount, `+sqlDay("effective")+`,
			CASE WHEN kind = 'top-up' THEN funder END,
			CASE WHEN kind = 'spend' AND substr(ref, 1, 10) = 'plan-step:' THEN substr(ref, 11) END
		FROM ledger_entries WHERE effective >= ?1 AND effective < ?2`, 6,
		func(i int32, c []sql.RawBytes) {
			idx = append(idx, i)
			e := entryRow{scheme: accounts[string(c[0])].scheme, kind: in.of(c[1]), amount: atoi(c[2]), on: report.Day(atoi(c[3]))}
			if len(c[4]) > 0 {
				e.funder = in.of(c[4])
			}
			if len(c[5]) > 0 {
				e.step = string(c[5])
			}
			entries = append(entries, e)
		}, p.From.String(), p.To.Time().AddDate(0, 0, 1).Format("2006-01-02")); err != nil {
		return err
	}
	gEntries := group(n, idx, entries)
	entries = nil
	var creds []report.Day
	if err := collect(`SELECT person_id, CASE WHEN issued <> '' THEN issued ELSE created_at END FROM credentials`, 2, func(c []sql.RawBytes) {
		creds = append(creds, report.ParseDay(string(c[1])))
	}); err != nil {
		return err
	}
	gCreds := group(n, idx, creds)
	var follows []followRow
	if err := collect(`SELECT person_id, months, situation, on_date FROM employment_outcomes`, 4, func(c []sql.RawBytes) {
		follows = append(follows, followRow{int(atoi(c[1])), in.of(c[2]), report.ParseDay(string(c[3]))})
	}); err != nil {
		return err
	}
	gFollows := group(n, idx, follows)
	if err := ctx.Err(); err != nil {
		return err
	}

	var rec report.Record
	stepIndex := map[string]int{}
	var stepPrice []int64
	for i, pr := range people {
		rec.Reset()
		rec.BirthYear, rec.EQF, rec.Gender, rec.Employment, rec.Region, rec.Centre = pr.birthYear, pr.eqf, pr.gender, pr.employment, pr.region, pr.centre
		rec.Schemes = append(rec.Schemes, gSchemes.of(i)...)
		for _, x := range gSess.of(i) {
			rec.Sessions = append(rec.Sessions, report.Session{At: x.on, Attended: x.flag})
		}
		for _, x := range gActs.of(i) {
			rec.Actions = append(rec.Actions, report.Action{Agreed: x.on, Done: x.flag})
		}
		rec.PlanMade = planMade[i]
		clear(stepIndex)
		stepPrice = stepPrice[:0]
		for _, st := range gSteps.of(i) {
			rs := report.Step{}
			price := int64(-1)
			if a, ok := offers[st.offer]; ok {
				rs.EQF, rs.Mode, rs.Field, rs.Micro, rs.Stackable = a.eqf, a.mode, a.field, a.micro, a.stackable
				price = a.price
			}
			stepIndex[st.id] = len(rec.Steps)
			rec.Steps = append(rec.Steps, rs)
			stepPrice = append(stepPrice, price)
		}
		for _, f := range gFunds.of(i) {
			if j, ok := stepIndex[f.step]; ok && units[f.scheme] == string(sessions.UnitEUR) && stepPrice[j] >= 0 {
				stepPrice[j] -= f.amount
			}
		}
		for j := range rec.Steps {
			rec.Steps[j].OutOfPocket = max(stepPrice[j], 0)
		}
		for _, o := range gOuts.of(i) {
			j, ok := stepIndex[o.step]
			if !ok {
				continue
			}
			switch o.status {
			case "enrolled":
				rec.Steps[j].Enrolled = o.on
			case "completed":
				rec.Steps[j].Completed = o.on
			case "dropped":
				rec.Steps[j].Dropped = o.on
			}
		}
		for _, e := range gEntries.of(i) {
			re := report.Entry{Scheme: e.scheme, Kind: e.kind, Amount: e.amount, Funder: e.funder, On: e.on, Step: -1}
			if e.step != "" {
				if j, ok := stepIndex[e.step]; ok {
					re.Step = j
				}
			}
			rec.Entries = append(rec.Entries, re)
		}
		rec.Credentials = append(rec.Credentials, gCreds.of(i)...)
		for _, f := range gFollows.of(i) {
			rf := report.Follow{Situation: f.situation, On: f.on}
			if f.months == 6 {
				rec.Employment6 = rf
			} else {
				rec.Employment12 = rf
			}
		}
		fn(&rec)
	}
	return ctx.Err()
}

// sqlDay is the SQL expression of a date or stamp column's day as the
// integer yyyymmdd (report.Day), computed by SQLite so no string crosses.
func sqlDay(col string) string {
	return `CAST(replace(substr(` + col + `, 1, 10), '-', '') AS INTEGER)`
}
