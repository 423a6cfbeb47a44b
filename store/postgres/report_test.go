package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// TestReportSameOnBothEngines generates a population into SQLite, copies
// its people side row for row into PostgreSQL, and runs the report on
// both engines in three scopes: every figure, every suppression and every
// ratio are the same (the JSON documents are equal byte for byte). The
// SQLite report itself is checked against a direct computation in
// store.TestReportMatchesDirectComputation.
func TestReportSameOnBothEngines(t *testing.T) {
	ctx := context.Background()
	asOf := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return asOf }
	lite, err := store.Open(ctx, filepath.Join(t.TempDir(), "pop.db"), store.Options{Actor: "gen", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if _, err := lite.ImportOffers(ctx, "t", func(yield func(catalog.Offer, error) bool) {
		for _, o := range reportOffers() {
			if !yield(o, nil) {
				return
			}
		}
	}, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	gen, err := lite.GenOffers(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lite.WritePopulation(ctx, sessions.GeneratePopulation(3, 900, gen, asOf)); err != nil {
		t.Fatal(err)
	}
	pg := openTest(t, store.Options{Actor: "gen", Now: now})
	copied := copyPeopleSide(t, lite, pg)
	if copied["ledger_entries"] < 1000 || copied["step_outcomes"] == 0 || copied["employment_outcomes"] == 0 {
		t.Fatalf("population too small to compare: %v", copied)
	}
	offers, err := lite.ReportOffers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []report.Params{
		{From: 20251202, To: 20261201, K: 5},
		{From: 20251202, To: 20261201, K: 6, Centre: "gent"},
		{From: 20260301, To: 20260930, K: 5, Region: "BE2"},
		{From: 20251202, To: 20261201, K: 5, Centres: []string{"gent", "leuven"}},
	} {
		t.Run(fmt.Sprintf("%s-%s-%s%s%s", p.From, p.To, p.Centre, p.Region, strings.Join(p.Centres, "+")), func(t *testing.T) {
			a, err := lite.RunReport(ctx, p, "json")
			if err != nil {
				t.Fatal(err)
			}
			b, err := pg.RunReport(ctx, p, "json", offers)
			if err != nil {
				t.Fatal(err)
			}
			ja, _ := json.MarshalIndent(a, "", " ")
			jb, _ := json.MarshalIndent(b, "", " ")
			if string(ja) != string(jb) {
				la, lb := strings.Split(string(ja), "\n"), strings.Split(string(jb), "\n")
				for i := range min(len(la), len(lb)) {
					if la[i] != lb[i] {
						t.Fatalf("SQLite and PostgreSQL differ at line %d: %q vs %q", i+1, la[i], lb[i])
					}
				}
				t.Fatalf("SQLite and PostgreSQL differ in length: %d vs %d lines", len(la), len(lb))
			}
			printed := strings.Count(string(ja), `"suppressed": false`)
			if printed < 50 {
				t.Errorf("only %d cells printed: the comparison has no teeth", printed)
			}
		})
	}
	// A report limited to a list of centres (a regional supervisor's)
	// covers exactly their people, on both engines: one centre listed is
	// that centre's report, and two add up to the sum of their people.
	period := report.Params{From: 20251202, To: 20261201, K: 5}
	people := map[string]int64{}
	for _, scope := range []struct {
		name    string
		centre  string
		centres []string
	}{{"gent", "gent", nil}, {"leuven", "leuven", nil}, {"[gent]", "", []string{"gent"}}, {"[gent leuven]", "", []string{"gent", "leuven"}}} {
		p := period
		p.Centre, p.Centres = scope.centre, scope.centres
		for engine, run := range map[string]func() (*report.Report, error){
			"sqlite":   func() (*report.Report, error) { return lite.RunReport(ctx, p, "json") },
			"postgres": func() (*report.Report, error) { return pg.RunReport(ctx, p, "json", offers) },
		} {
			r, err := run()
			if err != nil {
				t.Fatal(engine, scope.name, err)
			}
			n := totalPeople(t, r)
			if old, ok := people[scope.name]; ok && old != n {
				t.Fatalf("%s on %s: %d people, the other engine %d", scope.name, engine, n, old)
			}
			people[scope.name] = n
			if scope.name == "[gent]" {
				p.Centre, p.Centres = "gent", nil
				one, _ := lite.RunReport(ctx, p, "json")
				ja, _ := json.Marshal(r.Sections)
				jb, _ := json.Marshal(one.Sections)
				if string(ja) != string(jb) {
					t.Errorf("%s: the report limited to [gent] differs from --centre gent", engine)
				}
				p.Centre, p.Centres = scope.centre, scope.centres
			}
		}
	}
	if people["gent"] < 50 || people["leuven"] < 50 || people["[gent leuven]"] != people["gent"]+people["leuven"] {
		t.Errorf("people per scope %v: [gent leuven] must be gent + leuven", people)
	}
	runs, err := pg.ReportRuns(ctx)
	if err != nil || len(runs) != 8 || runs[0].Actor != "gen" || !strings.Contains(runs[0].Detail, `"from":"2025-12-02"`) {
		t.Errorf("report runs audited on PostgreSQL: %+v %v", runs, err)
	}
}

// reportOffers is a small register varied in every attribute the spending
// tables group by.
func reportOffers() []catalog.Offer {
	var out []catalog.Offer
	modes := []catalog.Mode{catalog.ModeOnline, catalog.ModeOnsite, catalog.ModeBlended}
	for i := range 8 {
		h := float64(20 + 10*i)
		price := catalog.Money(15000 + 5000*i)
		o := catalog.Offer{Source: "t", SourceID: fmt.Sprint("o", i), Title: fmt.Sprint("Offer ", i), Provider: "P", AwardingBody: "P",
			Country: "BE", Region: "BE21", Outcomes: []catalog.Outcome{{Text: "can do"}}, Hours: &h, EQF: catalog.EQF(3 + i%4),
			Assessment: "exam", Mode: modes[i%3], QA: "accredited", Languages: []string{"nl"}, Price: &price, Currency: "EUR",
			Schemes: []string{"ila", "voucher", "leave"}, Status: catalog.StatusActive, ISCED: []string{"0613", "0731", ""}[i%3]}
		if i%2 == 0 {
			o.Stackability = "stackable"
		}
		out = append(out, o)
	}
	return out
}

// copyPeopleSide copies the people side of an SQLite store into a
// PostgreSQL one, table by table in the order of their references, every
// column both schemas share, each value cast to PostgreSQL's type (” for
// an absent date, time or id becomes NULL). It returns the rows per table.
func copyPeopleSide(t *testing.T, lite *store.Store, pg *Store) map[string]int {
	t.Helper()
	ctx := context.Background()
	order := map[string]string{"ledger_entries": "account_id, seq"}
	out := map[string]int{}
	for _, table := range []string{"people", "accounts", "ledger_entries", "guidance_sessions", "actions", "credentials",
		"plans", "plan_steps", "plan_funding", "step_outcomes", "employment_outcomes"} {
		rows, err := pg.pool.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, table)
		if err != nil {
			t.Fatal(err)
		}
		types := map[string]string{}
		var pgCols []string
		for rows.Next() {
			var c, ty string
			if err := rows.Scan(&c, &ty); err != nil {
				t.Fatal(err)
			}
			types[c] = ty
			pgCols = append(pgCols, c)
		}
		rows.Close()
		lr, err := lite.DB().QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var cols, casts, sel []string
		for lr.Next() {
			var c string
			if err := lr.Scan(&c); err != nil {
				t.Fatal(err)
			}
			if ty, ok := types[c]; ok {
				cols = append(cols, c)
				sel = append(sel, "CAST("+c+" AS TEXT)")
				casts = append(casts, fmt.Sprintf("$%d::%s", len(cols), pgType(ty)))
			}
		}
		lr.Close()
		if len(cols) < len(pgCols)/2 {
			t.Fatalf("%s: only %v in common", table, cols)
		}
		q := "SELECT " + strings.Join(sel, ", ") + " FROM " + table
		if o := order[table]; o != "" {
			q += " ORDER BY " + o
		} else {
			q += " ORDER BY rowid"
		}
		src, err := lite.DB().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		ins := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(casts, ", ") + ")"
		tx, err := pg.pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for src.Next() {
			vals := make([]*string, len(cols))
			dst := make([]any, len(cols))
			for i := range vals {
				dst[i] = &vals[i]
			}
			if err := src.Scan(dst...); err != nil {
				t.Fatal(err)
			}
			args := make([]any, len(cols))
			for i, v := range vals {
				switch ty := types[cols[i]]; {
				case v == nil, *v == "" && (ty == "uuid" || ty == "date" || strings.HasPrefix(ty, "timestamp")):
					args[i] = nil
				case ty == "uuid":
					args[i] = asUUID(*v)
				case cols[i] == "ref" && strings.HasPrefix(*v, "plan-step:"):
					args[i] = "plan-step:" + asUUID(strings.TrimPrefix(*v, "plan-step:"))
				default:
					args[i] = *v
				}
			}
			if _, err := tx.Exec(ctx, ins, args...); err != nil {
				t.Fatalf("copy %s row %d: %v", table, n+1, err)
			}
			n++
		}
		src.Close()
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// asUUID keeps a UUID and maps any other id (the generator's account
// ids are the person's with a suffix) to a name-based UUID, the same
// every time, so references stay references.
func asUUID(id string) string {
	if u, err := uuid.Parse(id); err == nil && len(id) == 36 {
		return u.String()
	}
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte(id)).String()
}

func pgType(informationSchemaType string) string {
	switch informationSchemaType {
	case "timestamp with time zone":
		return "timestamptz"
	case "double precision":
		return "float8"
	}
	return informationSchemaType
}

// totalPeople is the report's population: the participation table's
// total of totals (printed: the test's populations are far above k).
func totalPeople(t *testing.T, r *report.Report) int64 {
	t.Helper()
	for _, sec := range r.Sections {
		for _, tb := range sec.Tables {
			if tb.ID != "participation.age" {
				continue
			}
			c := tb.Cells[len(tb.Rows)-1][len(tb.Cols)-1]
			if c.Suppressed {
				t.Fatal("the total of participation.age is suppressed")
			}
			return c.Value
		}
	}
	t.Fatal("no participation.age table")
	return 0
}
