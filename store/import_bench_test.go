package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
)

// BenchmarkImportESCOEN is a full ESCO EN import (both zips, one
// transaction) into a fresh database. Target: ≤ 20 s on 2 cores.
func BenchmarkImportESCOEN(b *testing.B) {
	srcs := escoEN(b)
	for b.Loop() {
		b.StopTimer()
		st, err := Open(context.Background(), filepath.Join(b.TempDir(), "esco.db"), Options{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c, err := st.ImportESCO(context.Background(), srcs...)
		if err != nil || c.Stored["occupation"] != 3007 {
			b.Fatalf("%v %+v", err, c.Stored)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkImportJSONLines imports a generated register of
// KOERS_BENCH_OFFERS offers (default 20,000) end to end through Import:
// parse, validate, write, index, commit.
func BenchmarkImportJSONLines(b *testing.B) {
	n := 20000
	if v := os.Getenv("KOERS_BENCH_OFFERS"); v != "" {
		fmt.Sscan(v, &n)
	}
	path := filepath.Join(b.TempDir(), "reg.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	seq := func(yield func(catalog.Offer, error) bool) {
		for o := range catalog.Generate(1, n) {
			if !yield(o, nil) {
				return
			}
		}
	}
	if _, err := catalog.WriteJSONLines(f, seq); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for b.Loop() {
		b.StopTimer()
		st, err := Open(context.Background(), filepath.Join(b.TempDir(), "reg.db"), Options{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		rep, err := st.Import(context.Background(), []string{path}, ImportOptions{Source: "gen"})
		if err != nil || rep.Offers.Added != n {
			b.Fatalf("%v %+v", err, rep.Offers)
		}
		b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "offers/s")
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkImportHolds imports a register of KOERS_BENCH_OFFERS offers
// (default 20,000) over one of 2,000 whose keys it partly shares (as
// TestImportBesideWritersAndKilled does, at 200k) and reports the longest
// write-lock hold of each kind of import transaction (ms): how long the
// import can keep another writer waiting.
func BenchmarkImportHolds(b *testing.B) {
	n := 20000
	if v := os.Getenv("KOERS_BENCH_OFFERS"); v != "" {
		fmt.Sscan(v, &n)
	}
	small, big := filepath.Join(b.TempDir(), "small.jsonl"), filepath.Join(b.TempDir(), "big.jsonl")
	for _, g := range []struct {
		path       string
		seed, size int
	}{{small, 3, 2000}, {big, 9, n}} {
		f, err := os.Create(g.path)
		if err != nil {
			b.Fatal(err)
		}
		seq := func(yield func(catalog.Offer, error) bool) {
			for o := range catalog.Generate(uint64(g.seed), g.size) {
				if !yield(o, nil) {
					return
				}
			}
		}
		if _, err := catalog.WriteJSONLines(f, seq); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	longest := map[string]time.Duration{}
	var mu sync.Mutex
	SetImportHoldHook(func(h ImportHold) {
		mu.Lock()
		longest[h.Kind] = max(longest[h.Kind], h.Held)
		if h.Kind != "checkpoint" { // (copies the WAL between batches, without the write lock)
			longest[""] = max(longest[""], h.Held)
		}
		mu.Unlock()
	})
	defer SetImportHoldHook(nil)
	for b.Loop() {
		b.StopTimer()
		st, err := Open(context.Background(), filepath.Join(b.TempDir(), "reg.db"), Options{Actor: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Import(context.Background(), []string{small}, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		clear(longest)
		b.StartTimer()
		if _, err := st.Import(context.Background(), []string{big}, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	for k, d := range longest {
		name := "max-hold-ms"
		if k != "" {
			name = k + "-hold-ms"
		}
		b.ReportMetric(float64(d.Microseconds())/1000, name)
	}
}
