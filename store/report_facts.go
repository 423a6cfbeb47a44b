package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"github.com/koers-project/koers/report"
)

// ReportSQL is the report's fact queries in one engine's dialect. Each
// reads one table once (a pass over a covering index where one exists),
// aggregated in SQL where the cells allow it; a column is an integer or
// text (ReportRow reads either), so one feeder serves both engines.
// Days are integers yyyymmdd (report.Day), or text that starts with
// YYYY-MM-DD (a date or an RFC 3339 stamp in UTC); NULL, 0 or empty text
// is none. The parameters are, in this order: the first day of the period
// and the day after its last (YYYY-MM-DD), the centre and the region prefix ("" for all), and
// the centres the report is limited to, joined by commas ("" for all;
// centre codes hold no comma: sessions.ValidCentreCode).
type ReportSQL struct {
	// People: id, birth year, EQF, gender, employment, region, centre of
	// the people in the centre and region.
	People string
	// Schemes: person id, scheme of every account, in person id order
	// (Schemes, Sessions and PlanMade come in that order; any other order
	// gives the same figures, only slower).
	Schemes string
	// Sessions: person id, day of the first attended session ever,
	// sessions attended in the period, sessions missed in the period, and
	// the actions agreed in sessions of the period with, above bit 32, how
	// many of them are done (NULL none).
	Sessions string
	// PlanMade: person id, day of the first plan that has a step.
	PlanMade string
	// Steps: person id, offer id, days enrolled, completed, dropped, and,
	// for a step enrolled in the period, the sum of its funding lines in
	// EUR schemes (NULL otherwise: it is read only to count what was paid
	// out of pocket for the period's enrolments), of every step with an
	// outcome (a step without one adds nothing but what is spent on it,
	// which Entries reads).
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
	// Entries: account id, kind, amount, day of the period's entries, with
	// the funder of a top-up and the offer id of the step of the same
	// person a spend is for ('' or NULL none; NULL for other kinds).
	Entries string
}

// ReportRows runs one fact query and calls fn with each row; the row is
// valid only during the call.
type ReportRows func(ctx context.Context, query string, args []any, fn func(r *ReportRow)) error

// ReportRow is one row of a fact query: the values a database/sql driver
// gives (SQLite: int64, string or nil), or every column as text (a
// PostgreSQL query that casts each column to text; nil is NULL).
type ReportRow struct {
	vals []driver.Value
	text [][]byte
}

// TextRow is a row whose columns are all text; it keeps cols until the
// next call.
func (r *ReportRow) TextRow(cols [][]byte) *ReportRow {
	r.vals, r.text = nil, cols
	return r
}

// Int is column i as an integer (decimal text is read as one); NULL is 0.
func (r *ReportRow) Int(i int) int64 {
	if r.text != nil {
		return atoi(r.text[i])
	}
	switch v := r.vals[i].(type) {
	case int64:
		return v
	case string:
		return atoi(v)
	case []byte:
		return atoi(v)
	case float64:
		return int64(v)
	}
	return 0
}

// Day is column i as a day: an integer yyyymmdd, text of those digits, or
// text that starts with YYYY-MM-DD; NULL is 0, none.
func (r *ReportRow) Day(i int) report.Day {
	if r.text != nil {
		return textDay(r.text[i])
	}
	switch v := r.vals[i].(type) {
	case int64:
		return report.Day(v)
	case string:
		return textDay(v)
	case []byte:
		return textDay(v)
	}
	return 0
}

func textDay[T string | []byte](b T) report.Day {
	if len(b) >= 10 && b[4] == '-' && b[7] == '-' {
		n := 0
		for i := range 10 {
			if i == 4 || i == 7 {
				continue
			}
			c := b[i]
			if c < '0' || c > '9' {
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return report.Day(n)
	}
	return report.Day(atoi(b))
}

// Text is column i as text; NULL is "".
func (r *ReportRow) Text(i int) string {
	if r.text != nil {
		return string(r.text[i])
	}
	switch v := r.vals[i].(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}

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
func run(ctx context.Context, rows ReportRows, what, sqlText string, args []any, fn func(r *ReportRow)) error {
	if err := rows(ctx, sqlText, args, fn); err != nil {
		return fmt.Errorf("report %s: %w", what, err)
	}
	return ctx.Err()
}

// feedPeople adds the people and everything about them but the ledger.
func feedPeople(ctx context.Context, q ReportSQL, rows ReportRows, args []any, offers map[string]OfferAttrs, b *report.Builder) error {
	in := strPool{}
	people := newIDMap()
	var refs []idRef
	person := func(id string) int32 {
		if i, ok := people.get(id); ok {
			return i
		}
		return -1
	}
	if err := run(ctx, rows, "people", q.People, args, func(r *ReportRow) {
		i := b.Person(report.Attrs{BirthYear: int(r.Int(1)), EQF: int(r.Int(2)), Gender: in.of(r.Text(3)), Employment: in.of(r.Text(4)),
			Region: in.of(r.Text(5)), Centre: in.of(r.Text(6))})
		if i >= 0 {
			id := r.Text(0)
			people.put(id, i)
			refs = append(refs, idRef{id, i})
		}
	}); err != nil {
		return err
	}
	// The streams in person order find people by walking them in order.
	sorted := sortIDs(refs)
	inOrder := func(read func(r *ReportRow, person func(string) int32)) func(r *ReportRow) {
		w := walk(sorted, people)
		return func(r *ReportRow) { read(r, w.get) }
	}
	steps := []struct {
		what, sql string
		fn        func(r *ReportRow)
	}{
		{"schemes", q.Schemes, inOrder(func(r *ReportRow, person func(string) int32) { b.Scheme(person(r.Text(0)), in.of(r.Text(1))) })},
		{"sessions", q.Sessions, inOrder(func(r *ReportRow, person func(string) int32) {
			i := person(r.Text(0))
			b.Sessions(i, report.SessionSummary{First: r.Day(1), Held: int(r.Int(2)), NoShow: int(r.Int(3))})
			x := r.Int(4)
			b.Actions(i, int(x&(1<<32-1)), int(x>>32))
		})},
		{"plans", q.PlanMade, inOrder(func(r *ReportRow, person func(string) int32) { b.PlanMade(person(r.Text(0)), r.Day(1)) })},
		{"steps", q.Steps, func(r *ReportRow) {
			i := person(r.Text(0))
			if i < 0 {
				return
			}
			offer := r.Text(1)
			st := stepOf(offers, offer)
			st.Enrolled, st.Completed, st.Dropped = r.Day(2), r.Day(3), r.Day(4)
			if a, ok := offers[offer]; ok && a.Price >= 0 {
				st.OutOfPocket = max(a.Price-r.Int(5), 0)
			}
			b.Step(i, st)
		}},
		{"credentials", q.Credentials, func(r *ReportRow) { b.Credential(person(r.Text(0)), r.Day(1)) }},
		{"follow-ups", q.Follows, func(r *ReportRow) {
			b.Follow(person(r.Text(0)), int(r.Int(1)), report.Follow{Situation: in.of(r.Text(2)), On: r.Day(3)})
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
func stepOf(offers map[string]OfferAttrs, offerID string) report.Step {
	a, ok := offers[offerID]
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
	if err := run(ctx, rows, "accounts", q.Accounts, args, func(r *ReportRow) {
		accounts.put(r.Text(0), int32(len(schemes)))
		schemes = append(schemes, in.of(r.Text(1)))
	}); err != nil {
		return err
	}
	return run(ctx, rows, "ledger", q.Entries, args, func(r *ReportRow) {
		i, ok := accounts.get(r.Text(0))
		if !ok {
			return
		}
		e := report.Entry{Scheme: schemes[i], Kind: in.of(r.Text(1)), Amount: r.Int(2), On: r.Day(3), Step: -1}
		switch e.Kind {
		case "top-up":
			e.Funder = in.of(r.Text(4))
			f.Entry(i, e)
		case "spend":
			f.Spend(i, e, stepOf(offers, r.Text(5)))
		default:
			f.Entry(i, e)
		}
	})
}
