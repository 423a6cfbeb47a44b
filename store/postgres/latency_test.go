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

// poster is the one method the measurement needs of either engine.
type poster interface {
	CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error)
	PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error)
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
