package app_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/postgres"
)

var (
	regBench    = flag.Int("koers.regbench", 0, "run the register sync benchmark with this many offers (issue 16: 1000000)")
	regBenchOut = flag.String("koers.regbench.out", "", "write the benchmark's figures (markdown) to this file")
)

// benchChild is a register sync in a process of its own (the test binary
// run again), so that its time and peak memory are the sync's alone, as
// a koers process would see them.
type benchChild struct {
	Seconds float64          `json:"seconds"`
	PeakKB  int64            `json:"peak_kb"`
	Sync    app.RegisterSync `json:"sync"`
}

// runBenchChild is the child's side: open the database with the index at
// KOERS_REGBENCH_CACHE, sync, and write what it measured.
func runBenchChild() int {
	ctx := context.Background()
	start := time.Now()
	a, err := app.Open(ctx, os.Getenv("KOERS_REGBENCH_DB"), app.Options{Actor: "bench", RegisterCache: os.Getenv("KOERS_REGBENCH_CACHE")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out, err := a.SyncRegister(ctx, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := a.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	res := benchChild{Seconds: time.Since(start).Seconds(), Sync: out, PeakKB: peakKB()}
	b, _ := json.Marshal(res)
	if err := os.WriteFile(os.Getenv("KOERS_REGBENCH_OUT"), b, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// peakKB is this process's peak resident set (VmHWM), read in the process
// itself (a parent's rusage of a Go child carries the parent's own high-water mark).
func peakKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func childSync(t *testing.T, db, cache string) benchChild {
	t.Helper()
	out := filepath.Join(t.TempDir(), "child.json")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "KOERS_REGBENCH_CHILD=1", "KOERS_REGBENCH_DB="+db, "KOERS_REGBENCH_CACHE="+cache, "KOERS_REGBENCH_OUT="+out)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sync child: %v", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r benchChild
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func offers2(seq iter.Seq[catalog.Offer]) iter.Seq2[catalog.Offer, error] {
	return func(yield func(catalog.Offer, error) bool) {
		for o := range seq {
			if !yield(o, nil) {
				return
			}
		}
	}
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

// TestRegisterSyncBench is issue 16's register sync benchmark, run only
// with -koers.regbench=N: N generated offers pushed into PostgreSQL as one
// generation, a local index built from it in a fresh process, then 1 %
// of them changed and 0.1 % withdrawn in a second generation and brought
// over incrementally in another process. It checks the counts and the
// changed and withdrawn offers in the index, and writes time and peak
// RSS per step.
func TestRegisterSyncBench(t *testing.T) {
	n := *regBench
	if n == 0 {
		t.Skip("register sync benchmark: run with -koers.regbench=1000000")
	}
	ctx := context.Background()
	db := pg.DB(t, "")
	st, err := postgres.Open(ctx, db, store.Options{Actor: "bench"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var rows []string
	row := func(step string, secs float64, peak int64, note string) {
		rss := "(the test process)"
		if peak > 0 {
			rss = fmt.Sprintf("%d MB", peak/1024)
		}
		rows = append(rows, fmt.Sprintf("| %s | %.1f s | %s | %s | %s |", step, secs, rss, loadAvg(), note))
		t.Log(rows[len(rows)-1])
	}

	start := time.Now()
	push, err := st.PushRegister(ctx, offers2(catalog.Generate(1, n)), true)
	if err != nil {
		t.Fatal(err)
	}
	if push.Added != n {
		t.Fatalf("push: %+v", push)
	}
	row(fmt.Sprintf("import %d generated offers into PostgreSQL (generation %d)", n, push.Generation), time.Since(start).Seconds(), 0, "generate, encode, COPY, one transaction")

	cache := filepath.Join(t.TempDir(), "register-index.db")
	first := childSync(t, db, cache)
	if first.Sync.Changed != n || first.Sync.Active != n {
		t.Fatalf("initial sync: %+v", first.Sync)
	}
	row("local index built from PostgreSQL (fresh process)", first.Seconds, first.PeakKB, "target ≤ 5 min")

	changeEvery, withdrawEvery := max(n/10000, 1), max(n/1000, 1)
	wantChanged, wantWithdrawn := min(n, 10000), min(n, 1000)
	changes := func(yield func(catalog.Offer) bool) {
		i := 0
		for o := range catalog.Generate(1, n) {
			switch {
			case i%changeEvery == 0:
				o.Title += " (2027)"
			case i%withdrawEvery == 1:
				o.Status = catalog.StatusWithdrawn
			default:
				i++
				continue
			}
			i++
			if !yield(o) {
				return
			}
		}
	}
	start = time.Now()
	push, err = st.PushRegister(ctx, offers2(changes), false)
	if err != nil {
		t.Fatal(err)
	}
	if push.Changed != wantChanged+wantWithdrawn {
		t.Fatalf("second push: %+v, want %d changed and %d withdrawn", push, wantChanged, wantWithdrawn)
	}
	row(fmt.Sprintf("import %d changed and %d withdrawn offers (generation %d)", wantChanged, wantWithdrawn, push.Generation), time.Since(start).Seconds(), 0, "")

	next := childSync(t, db, cache)
	if next.Sync.Changed != wantChanged || next.Sync.Withdrawn != wantWithdrawn || next.Sync.Active != n-wantWithdrawn {
		t.Fatalf("incremental sync: %+v", next.Sync)
	}
	row("incremental sync of the index (fresh process)", next.Seconds, next.PeakKB, "target ≤ 30 s")

	a, err := app.Open(ctx, db, app.Options{Actor: "bench", RegisterCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	i := 0
	for o := range catalog.Generate(1, min(n, 3*withdrawEvery)) {
		got, err := a.Offer(ctx, o.Source+":"+o.SourceID)
		switch {
		case err != nil:
			t.Fatal(err)
		case i%changeEvery == 0 && got.Title != o.Title+" (2027)":
			t.Errorf("offer %d: title %q, not changed", i, got.Title)
		case i%changeEvery != 0 && i%withdrawEvery == 1 && got.Status != catalog.StatusWithdrawn:
			t.Errorf("offer %d: status %s, want withdrawn", i, got.Status)
		}
		i++
	}
	if *regBenchOut != "" {
		var b strings.Builder
		fmt.Fprintf(&b, "| step | wall | peak RSS | load (1, 5, 15 min) | |\n|---|---|---|---|---|\n%s\n", strings.Join(rows, "\n"))
		fmt.Fprintf(&b, "\n%s, %d cores, %s; PostgreSQL from store/pgtest (fsync off) on 127.0.0.1.\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), runtime.Version())
		if err := os.WriteFile(*regBenchOut, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
