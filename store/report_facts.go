package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/koers-project/koers/report"
)

// ReportSQL is the report's fact queries in one engine's dialect. Each
// reads one table once (a pass over a covering index where one exists),
// aggregated in SQL where the cells allow it, and returns every column as
// text (SQLite's RawBytes of an integer are its decimal digits;
// PostgreSQL's queries cast to text), so one feeder serves both engines.
// Days are integers yyyymmdd (report.Day; NULL or 0 none). The parameters
// are, in this order: the first day of the period and the day after its
// last (YYYY-MM-DD), the centre and the region prefix ("" for all), and
// the centres the report is limited to, joined by commas ("" for all;
// centre codes hold no comma: sessions.ValidCentreCode).
type ReportSQL struct {
	// People: id, birth year, EQF, gender, employment, region, centre of
	// the people in the centre and region.
	People string
	// Schemes: person id, scheme of every account.
	Schemes string
	// Sessions: person id, day of the first attended session ever,
	// sessions attended in the period, sessions missed in the period.
	Sessions string
	// Actions: person id, actions agreed in sessions of the period, of
	// which done.
	Actions string
	// PlanMade: person id, day of the first plan that has a step.
	PlanMade string
	// Steps: person id, offer id, days enrolled, completed, dropped, and
	// the sum of the step's funding lines in EUR schemes, of every step
	// with an outcome (a step without one adds nothing but what is spent
	// on it, which Spends reads).
	Steps string
	// Credentials: person id, day of each credential earned in the period.
	Credentials string
	// Follows: person id, months, situation, day of every follow-up, in
	// the order they were recorded (the last one at a mark counts).
	Follows string

	// The ledger's queries, which may run beside the others.

	// Accounts: account id, scheme of the accounts of the people in the
	// centre and region.
	Accounts string
	// Entries: account id, kind, amount, day of the period's entries other
	// than top-ups and spends.
	Entries string
	// TopUps: account id, amount, day, funder of the period's top-ups.
	TopUps string
	// Spends: account id, amount, day, and the offer id of the step of the
	// same person the spend is for ('' or NULL none), of the period's spends.
	Spends string
}

// ReportRows runs one fact query and calls fn with each row's columns as
// text; the slices are valid only during the call.
type ReportRows func(ctx context.Context, query string, args []any, fn func(cols [][]byte)) error

// OfferAttrs is what reports need of a register offer.
type OfferAttrs struct {
	EQF              int
	Mode, Field      string
	Micro, Stackable report.Tri
	Price            int64 // cents, -1 unknown
}

// FeedReport streams the report's fact tables and adds them up in b.
// offers gives the attributes of the offers plan steps name. The ledger's
// queries run on ledger, in a goroutine beside the others (on people),
// into a fork of b merged at the end; with ledger nil, everything runs on
// people, one query after the other.
func FeedReport(ctx context.Context, q ReportSQL, people, ledger ReportRows, p report.Params, offers map[string]OfferAttrs, b *report.Builder) error {
	args := []any{p.From.String(), p.To.Time().AddDate(0, 0, 1).Format("2006-01-02"), p.Centre, p.Region, strings.Join(p.Centres, ",")}
	fork := b.Fork()
	if ledger == nil {
		if err := feedPeople(ctx, q, people, args, offers, b); err != nil {
			return err
		}
		if err := feedLedger(ctx, q, people, args, offers, fork); err != nil {
			return err
		}
		return b.Merge(fork)
	}
	done := make(chan error, 1)
	go func() { done <- feedLedger(ctx, q, ledger, args, offers, fork) }()
	err := feedPeople(ctx, q, people, args, offers, b)
	if lerr := <-done; err == nil {
		err = lerr
	}
	if err != nil {
		return err
	}
	return b.Merge(fork)
}

// run runs one fact query, naming it in the error.
func run(ctx context.Context, rows ReportRows, what, sqlText string, args []any, fn func(c [][]byte)) error {
	if err := rows(ctx, sqlText, args, fn); err != nil {
		return fmt.Errorf("report %s: %w", what, err)
	}
	return ctx.Err()
}

// feedPeople adds the people and everything about them but the ledger.
func feedPeople(ctx context.Context, q ReportSQL, rows ReportRows, args []any, offers map[string]OfferAttrs, b *report.Builder) error {
	in := strPool{}
	people := newIDMap()
	person := func(id []byte) int32 {
		if i, ok := people.get(id); ok {
			return i
		}
		return -1
	}
	if err := run(ctx, rows, "people", q.People, args, func(c [][]byte) {
		i := b.Person(report.Attrs{BirthYear: int(atoi(c[1])), EQF: int(atoi(c[2])), Gender: in.of(c[3]), Employment: in.of(c[4]),
			Region: in.of(c[5]), Centre: in.of(c[6])})
		if i >= 0 {
			people.put(c[0], i)
		}
	}); err != nil {
		return err
	}
	steps := []struct {
		what, sql string
		fn        func(c [][]byte)
	}{
		{"schemes", q.Schemes, func(c [][]byte) { b.Scheme(person(c[0]), in.of(c[1])) }},
		{"sessions", q.Sessions, func(c [][]byte) {
			b.Sessions(person(c[0]), report.SessionSummary{First: report.Day(atoi(c[1])), Held: int(atoi(c[2])), NoShow: int(atoi(c[3]))})
		}},
		{"actions", q.Actions, func(c [][]byte) { b.Actions(person(c[0]), int(atoi(c[1])), int(atoi(c[2]))) }},
		{"plans", q.PlanMade, func(c [][]byte) { b.PlanMade(person(c[0]), report.Day(atoi(c[1]))) }},
		{"steps", q.Steps, func(c [][]byte) {
			i := person(c[0])
			if i < 0 {
				return
			}
			st := stepOf(offers, c[1])
			st.Enrolled, st.Completed, st.Dropped = report.Day(atoi(c[2])), report.Day(atoi(c[3])), report.Day(atoi(c[4]))
			if a, ok := offers[string(c[1])]; ok && a.Price >= 0 {
				st.OutOfPocket = max(a.Price-atoi(c[5]), 0)
			}
			b.Step(i, st)
		}},
		{"credentials", q.Credentials, func(c [][]byte) { b.Credential(person(c[0]), report.Day(atoi(c[1]))) }},
		{"follow-ups", q.Follows, func(c [][]byte) {
			b.Follow(person(c[0]), int(atoi(c[1])), report.Follow{Situation: in.of(c[2]), On: report.Day(atoi(c[3]))})
		}},
	}
	for _, x := range steps {
		if err := run(ctx, rows, x.what, x.sql, args, x.fn); err != nil {
			return err
		}
	}
	return nil
}

// stepOf is a step with the attributes of the offer it names (unknown
// when the register does not hold it).
func stepOf(offers map[string]OfferAttrs, offerID []byte) report.Step {
	a, ok := offers[string(offerID)]
	if !ok {
		return report.Step{}
	}
	return report.Step{EQF: a.EQF, Mode: a.Mode, Field: a.Field, Micro: a.Micro, Stackable: a.Stackable}
}

// feedLedger adds the period's ledger entries to f, a fork of the report's
// builder, counting people by account.
func feedLedger(ctx context.Context, q ReportSQL, rows ReportRows, args []any, offers map[string]OfferAttrs, f *report.Builder) error {
	in := strPool{}
	accounts := newIDMap()
	var schemes []string // by account index
	if err := run(ctx, rows, "accounts", q.Accounts, args, func(c [][]byte) {
		accounts.put(c[0], int32(len(schemes)))
		schemes = append(schemes, in.of(c[1]))
	}); err != nil {
		return err
	}
	// entry reads an account id, an amount and a day.
	entry := func(account, amount, day []byte, kind string) (int32, report.Entry) {
		i, ok := accounts.get(account)
		if !ok {
			return -1, report.Entry{}
		}
		return i, report.Entry{Scheme: schemes[i], Kind: kind, Amount: atoi(amount), On: report.Day(atoi(day)), Step: -1}
	}
	if err := run(ctx, rows, "ledger", q.Entries, args, func(c [][]byte) {
		f.Entry(entry(c[0], c[2], c[3], in.of(c[1])))
	}); err != nil {
		return err
	}
	if err := run(ctx, rows, "top-ups", q.TopUps, args, func(c [][]byte) {
		i, e := entry(c[0], c[1], c[2], "top-up")
		e.Funder = in.of(c[3])
		f.Entry(i, e)
	}); err != nil {
		return err
	}
	return run(ctx, rows, "spends", q.Spends, args, func(c [][]byte) {
		i, e := entry(c[0], c[1], c[2], "spend")
		f.Spend(i, e, stepOf(offers, c[3]))
	})
}
