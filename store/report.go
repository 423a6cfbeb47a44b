package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/koers-project/koers/catalog"
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

// cursor walks one query's rows, ordered by person id, beside the others.
type cursor struct {
	rows *sql.Rows
	pid  string
	done bool
	err  error
	// s and i hold the current row's values (each cursor its own: a
	// cursor reads one row ahead of the person being merged).
	s    [5]string
	i    [2]int64
	scan func(c *cursor) error // scans a row into pid, s and i
}

func (c *cursor) next() {
	if c.done {
		return
	}
	if !c.rows.Next() {
		c.done, c.err = true, c.rows.Err()
		return
	}
	c.err = c.scan(c)
	if c.err != nil {
		c.done = true
	}
}

// each calls fn for the cursor's rows of person pid, skipping rows of
// people before it (filtered out of the report).
func (c *cursor) each(pid string, fn func()) {
	for !c.done && c.pid < pid {
		c.next()
	}
	for !c.done && c.pid == pid {
		fn()
		c.next()
	}
}

type offerAttrs struct {
	eqf              int
	mode, field      string
	micro, stackable report.Tri
	price            int64 // cents, -1 unknown
}

// streamRecords reads every input of the report, one person at a time.
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
	// One deferred read transaction: every cursor sees the same snapshot
	// and none of them takes the write lock.
	if _, err := conn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		return fmt.Errorf("report snapshot: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`) }()

	var (
		rec       report.Record
		stepIndex = map[string]int{}
		stepPrice []int64
		acctSch   = map[string]string{}
		curs      []*cursor
	)
	defer func() {
		for _, c := range curs {
			c.rows.Close()
		}
	}()
	// mk opens a cursor whose rows scan into the person id, then n strings
	// and m integers in the order given by cols ("s" or "i").
	mk := func(q, cols string, args ...any) *cursor {
		if err != nil {
			return nil
		}
		var rows *sql.Rows
		rows, err = conn.QueryContext(ctx, q, args...)
		if err != nil {
			err = fmt.Errorf("report query: %w", err)
			return nil
		}
		c := &cursor{rows: rows}
		c.scan = func(c *cursor) error {
			dst := []any{&c.pid}
			ns, ni := 0, 0
			for _, k := range cols {
				if k == 's' {
					dst = append(dst, &c.s[ns])
					ns++
				} else {
					dst = append(dst, &c.i[ni])
					ni++
				}
			}
			return c.rows.Scan(dst...)
		}
		curs = append(curs, c)
		c.next()
		return c
	}
	people := mk(`SELECT id, birth_year, gender, eqf, employment, region, centre FROM people
		WHERE (?1 = '' OR centre = ?1) AND (?2 = '' OR substr(region, 1, length(?2)) = ?2) ORDER BY id`, "isisss", p.Centre, p.Region)
	accounts := mk(`SELECT person_id, id, scheme FROM accounts ORDER BY person_id`, "ss")
	sess := mk(`SELECT person_id, at, attended FROM guidance_sessions ORDER BY person_id`, "si")
	acts := mk(`SELECT a.person_id, g.at, a.status FROM actions a JOIN guidance_sessions g ON g.id = a.session_id ORDER BY a.person_id`, "ss")
	plans := mk(`SELECT person_id, min(created_at) FROM plans p WHERE EXISTS (SELECT 1 FROM plan_steps s WHERE s.plan_id = p.id)
		GROUP BY person_id ORDER BY person_id`, "s")
	steps := mk(`SELECT person_id, id, offer_id FROM plan_steps ORDER BY person_id`, "ss")
	funding := mk(`SELECT person_id, step_id, scheme, amount FROM plan_funding ORDER BY person_id`, "ssi")
	outs := mk(`SELECT person_id, step_id, status, on_date FROM step_outcomes ORDER BY person_id`, "sss")
	ledger := mk(`SELECT person_id, account_id, kind, amount, funder, effective, ref FROM ledger_entries ORDER BY person_id`, "ssisss")
	creds := mk(`SELECT person_id, issued, created_at FROM credentials ORDER BY person_id`, "ss")
	emps := mk(`SELECT person_id, months, situation, on_date FROM employment_outcomes ORDER BY person_id`, "iss")
	if err != nil {
		return err
	}
	for !people.done {
		pid, ps, pi := people.pid, people.s, people.i
		rec.Reset()
		rec.BirthYear, rec.EQF = int(pi[0]), int(pi[1])
		rec.Gender, rec.Employment, rec.Region, rec.Centre = ps[0], ps[1], ps[2], ps[3]
		clear(stepIndex)
		stepPrice = stepPrice[:0]
		clear(acctSch)
		accounts.each(pid, func() {
			acctSch[accounts.s[0]] = accounts.s[1]
			rec.Schemes = append(rec.Schemes, accounts.s[1])
		})
		sess.each(pid, func() {
			rec.Sessions = append(rec.Sessions, report.Session{At: report.ParseDay(sess.s[0]), Attended: sess.i[0] == 1})
		})
		acts.each(pid, func() {
			rec.Actions = append(rec.Actions, report.Action{Agreed: report.ParseDay(acts.s[0]), Done: acts.s[1] == "done"})
		})
		plans.each(pid, func() { rec.PlanMade = report.ParseDay(plans.s[0]) })
		steps.each(pid, func() {
			st := report.Step{}
			price := int64(-1)
			if a, ok := offers[steps.s[1]]; ok {
				st.EQF, st.Mode, st.Field, st.Micro, st.Stackable = a.eqf, a.mode, a.field, a.micro, a.stackable
				price = a.price
			}
			stepIndex[steps.s[0]] = len(rec.Steps)
			rec.Steps = append(rec.Steps, st)
			stepPrice = append(stepPrice, price)
		})
		funding.each(pid, func() {
			if i, ok := stepIndex[funding.s[0]]; ok && units[funding.s[1]] == string(sessions.UnitEUR) && stepPrice[i] >= 0 {
				stepPrice[i] -= funding.i[0]
			}
		})
		for i := range rec.Steps {
			rec.Steps[i].OutOfPocket = max(stepPrice[i], 0)
		}
		outs.each(pid, func() {
			i, ok := stepIndex[outs.s[0]]
			if !ok {
				return
			}
			d := report.ParseDay(outs.s[2])
			switch outs.s[1] {
			case "enrolled":
				rec.Steps[i].Enrolled = d
			case "completed":
				rec.Steps[i].Completed = d
			case "dropped":
				rec.Steps[i].Dropped = d
			}
		})
		ledger.each(pid, func() {
			l := ledger.s
			e := report.Entry{Scheme: acctSch[l[0]], Kind: l[1], Amount: ledger.i[0], Funder: l[2], On: report.ParseDay(l[3]), Step: -1}
			if id, ok := strings.CutPrefix(l[4], "plan-step:"); ok {
				if i, ok := stepIndex[id]; ok {
					e.Step = i
				}
			}
			rec.Entries = append(rec.Entries, e)
		})
		creds.each(pid, func() {
			d := report.ParseDay(creds.s[0])
			if d == 0 {
				d = report.ParseDay(creds.s[1])
			}
			rec.Credentials = append(rec.Credentials, d)
		})
		emps.each(pid, func() {
			f := report.Follow{Situation: emps.s[0], On: report.ParseDay(emps.s[1])}
			if emps.i[0] == 6 {
				rec.Employment6 = f
			} else {
				rec.Employment12 = f
			}
		})
		fn(&rec)
		people.next()
	}
	for _, c := range curs {
		if c.err != nil {
			return fmt.Errorf("report: %w", c.err)
		}
	}
	return ctx.Err()
}

// reportOffers reads what reports need of every offer a plan step names:
// level, form, field, whether a micro-credential (a notional workload under
// 60 ECTS, or 1,500 hours when only hours are known; unknown without
// either), stackable (stated stackability or a stacking relation) and price.
func (s *Store) reportOffers(ctx context.Context) (map[string]offerAttrs, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.rid FROM offers o WHERE o.id IN (SELECT DISTINCT offer_id FROM plan_steps WHERE offer_id <> '')`)
	if err != nil {
		return nil, fmt.Errorf("report offers: %w", err)
	}
	var rids []uint32
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			rows.Close()
			return nil, err
		}
		rids = append(rids, uint32(rid))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]offerAttrs, len(rids))
	for start := 0; start < len(rids); start += 2000 {
		list, err := s.offersByRIDs(ctx, rids[start:min(start+2000, len(rids))])
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			if o.ID != "" {
				out[o.ID] = attrsOf(o)
			}
		}
	}
	return out, nil
}

func attrsOf(o catalog.Offer) offerAttrs {
	a := offerAttrs{mode: string(o.Mode), field: o.ISCED, price: -1}
	if o.EQF >= 1 && o.EQF <= 8 {
		a.eqf = int(o.EQF)
	}
	if o.Price != nil {
		a.price = int64(*o.Price)
	}
	switch {
	case o.ECTS != nil:
		a.micro = yesNo(*o.ECTS < 60)
	case o.Hours != nil:
		a.micro = yesNo(*o.Hours < 1500)
	}
	switch {
	case o.Stackability == "stackable":
		a.stackable = report.Yes
	case hasStacking(o):
		a.stackable = report.Yes
	case o.Stackability == "stand-alone":
		a.stackable = report.No
	}
	return a
}

func hasStacking(o catalog.Offer) bool {
	for _, r := range o.Relations {
		if r.Kind == catalog.StacksTowards || r.Kind == catalog.PartOf {
			return true
		}
	}
	return false
}

func yesNo(b bool) report.Tri {
	if b {
		return report.Yes
	}
	return report.No
}
