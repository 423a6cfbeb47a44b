package postgres

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

var latency = flag.Bool("koers.latency", false, "measure ledger post latency on SQLite and PostgreSQL (BENCHMARKS.md)")

// poster is what the measurement needs of either engine.
type poster interface {
	CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error)
	PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error)
	Person(ctx context.Context, id string) (sessions.Person, error)
	Balances(ctx context.Context, personID string) ([]sessions.Balance, error)
	Credentials(ctx context.Context, personID string) ([]sessions.Credential, error)
	OpenActions(ctx context.Context, personID string) ([]sessions.Action, error)
	Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error)
	NextAppointment(ctx context.Context, personID string) (time.Time, error)
	AddSession(ctx context.Context, g sessions.Session) (sessions.Session, error)
	CurrentPlan(ctx context.Context, personID string, create bool) (sessions.Plan, error)
	AddStep(ctx context.Context, planID string, steps ...sessions.Step) (sessions.Plan, error)
	MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error)
}

// TestLedgerPostLatency measures PostEntry on both engines in the same
// run, durable on both (SQLite synchronous=FULL; the test server's fsync,
// synchronous_commit and full_page_writes switched on for the run): one
// writer, 20 writers on 20 accounts, 20 writers on one account. Run with
// go test ./store/postgres -run TestLedgerPostLatency -koers.latency -v.
func TestLedgerPostLatency(t *testing.T) {
	if !*latency {
		t.Skip("a measurement: run with -koers.latency")
	}
	ctx := context.Background()
	srv := h.Server(t)
	durable := func(on string) {
		for _, sql := range []string{"ALTER SYSTEM SET fsync = " + on, "ALTER SYSTEM SET synchronous_commit = " + on,
			"ALTER SYSTEM SET full_page_writes = " + on, "SELECT pg_reload_conf()"} {
			if err := srv.Exec(ctx, "postgres", sql); err != nil {
				t.Fatal(err)
			}
		}
	}
	durable("on")
	defer durable("off")
	if err := srv.Exec(ctx, "postgres", `DO $$ BEGIN IF current_setting('fsync') <> 'on' OR current_setting('synchronous_commit') <> 'on' THEN RAISE EXCEPTION 'not durable'; END IF; END $$`); err != nil {
		t.Fatalf("durability not switched on: %v", err)
	}
	lite, err := store.Open(ctx, filepath.Join(t.TempDir(), "koers.db"), store.Options{Actor: "bench"})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg := openTest(t, store.Options{Actor: "bench"})
	fmt.Println("| load | engine | posts | p50 | p95 | p99 | posts/s |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|")
	for _, load := range []struct {
		name       string
		writers    int
		perWriter  int
		oneAccount bool
	}{
		{"1 writer", 1, 400, false},
		{"20 writers, 20 accounts", 20, 40, false},
		{"20 writers, 1 account", 20, 40, true},
	} {
		for _, eng := range []struct {
			name string
			st   poster
		}{{"SQLite", lite}, {"PostgreSQL", pg}} {
			lat, wall := measure(t, eng.st, load.writers, load.perWriter, load.oneAccount)
			fmt.Printf("| %s | %s | %d | %s | %s | %s | %.0f |\n", load.name, eng.name, len(lat),
				pct(lat, 50), pct(lat, 95), pct(lat, 99), float64(len(lat))/wall.Seconds())
		}
	}
	fmt.Println()
	fmt.Println("| use-case | engine | runs | p50 | p95 |")
	fmt.Println("|---|---|---:|---:|---:|")
	for _, eng := range []struct {
		name string
		st   poster
	}{{"SQLite", lite}, {"PostgreSQL", pg}} {
		ov, ed := overviewAndPlanEdit(t, eng.st, 100)
		fmt.Printf("| person overview | %s | %d | %s | %s |\n", eng.name, len(ov), pct(ov, 50), pct(ov, 95))
		fmt.Printf("| plan edit (move a step of 12) | %s | %d | %s | %s |\n", eng.name, len(ed), pct(ed, 50), pct(ed, 95))
	}
}

// overviewAndPlanEdit times, one caller at a time, the person overview
// (what koers person show reads: profile, balances, credentials, open
// actions, sessions, next appointment) of a person with 10 sessions and 40
// ledger entries, and a plan edit (moving a step of a 12-step plan: one
// unit of work that reads and rewrites the plan).
func overviewAndPlanEdit(t *testing.T, st poster, runs int) (overview, edit []time.Duration) {
	ctx := context.Background()
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Overview"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100, Key: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		if _, err := st.AddSession(ctx, sessions.Session{PersonID: p.ID, At: time.Now().AddDate(0, 0, -30+i), Attended: true, Summary: "s",
			Notes: []string{"note"}, Actions: []sessions.Action{{Summary: "act"}}}); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := st.CurrentPlan(ctx, p.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var steps []sessions.Step
	for i := range 12 {
		steps = append(steps, sessions.Step{Title: fmt.Sprint("step ", i), Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 100}}})
	}
	if plan, err = st.AddStep(ctx, plan.ID, steps...); err != nil {
		t.Fatal(err)
	}
	for range runs {
		t0 := time.Now()
		if _, err := st.Person(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Balances(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Credentials(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.OpenActions(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Sessions(ctx, p.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := st.NextAppointment(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		overview = append(overview, time.Since(t0))
		t0 = time.Now()
		if plan, err = st.MoveStep(ctx, plan.ID, plan.Steps[11].ID, 0); err != nil {
			t.Fatal(err)
		}
		edit = append(edit, time.Since(t0))
	}
	slices.Sort(overview)
	slices.Sort(edit)
	return overview, edit
}

func measure(t *testing.T, st poster, writers, perWriter int, oneAccount bool) ([]time.Duration, time.Duration) {
	ctx := context.Background()
	people := make([]string, writers)
	for i := range people {
		if i > 0 && oneAccount {
			people[i] = people[0]
			continue
		}
		p, err := st.CreatePerson(ctx, sessions.Person{Name: fmt.Sprintf("Bench %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		people[i] = p.ID
	}
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			lat := make([]time.Duration, 0, perWriter)
			for n := range perWriter {
				t0 := time.Now()
				if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: people[w], Scheme: "ila", Kind: sessions.Accrual, Amount: 100,
					Key: fmt.Sprintf("w%d-%d-%d", w, n, start.UnixNano())}); err != nil {
					t.Error(err)
					return
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	wall := time.Since(start)
	slices.Sort(all)
	return all, wall
}

func pct(sorted []time.Duration, p int) string {
	if len(sorted) == 0 {
		return "-"
	}
	d := sorted[min(len(sorted)-1, len(sorted)*p/100)]
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
