package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// runReport turns the files bench/run.sh left in -work into the markdown
// of bench/results/register.md (on stdout).
func runReport(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	work := fs.String("work", "/tmp/koers-bench", "folder of the run")
	db := fs.String("db", "", "database file")
	n := fs.Int("n", 0, "offers")
	runs := fs.Int("runs", 3, "runs per keystroke")
	cruns := fs.Int("cruns", 2, "runs per query in the sqlite3 shell")
	fs.Parse(args)

	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(*work, name))
		return strings.TrimSpace(string(b))
	}
	timeFile := func(name string) (secs float64, rssMB int, cpu float64) {
		f := strings.Fields(read(name))
		if len(f) >= 2 {
			secs, _ = strconv.ParseFloat(f[0], 64)
			kb, _ := strconv.Atoi(f[1])
			rssMB = kb / 1024
		}
		if len(f) == 4 {
			u, _ := strconv.ParseFloat(f[2], 64)
			s, _ := strconv.ParseFloat(f[3], 64)
			cpu = u + s
		}
		return
	}
	var search struct {
		Cold    float64   `json:"cold_first_page_ms"`
		Results []result  `json:"results"`
		Exact   []float64 `json:"modernc_exact_bm25_ms"`
		RSS     int       `json:"peak_rss_mb"`
	}
	if err := json.Unmarshal([]byte(read("search.json")), &search); err != nil {
		return fmt.Errorf("search.json: %w", err)
	}
	var cTimes []float64
	var cur []float64
	for i, l := range strings.Split(read("sqlite3.times"), "\n") {
		f := strings.Fields(l)
		if len(f) < 4 {
			continue
		}
		v, _ := strconv.ParseFloat(f[3], 64)
		cur = append(cur, v*1000)
		if len(cur) == *cruns || i < 0 {
			cTimes = append(cTimes, minOf(cur))
			cur = nil
		}
	}
	size := int64(0)
	for _, suffix := range []string{"", "-wal"} {
		if st, err := os.Stat(*db + suffix); err == nil {
			size += st.Size()
		}
	}
	genS, genRSS, genCPU := timeFile("gen.time")
	impS, impRSS, impCPU := timeFile("import.time")

	w := os.Stdout
	fmt.Fprintf(w, "## Register: search and import (%s offers)\n\n", commas(*n))
	fmt.Fprintf(w, "Synthetic register from `koers gen --offers %d --seed 1`; %d phrases typed one key at a time (%d keystrokes,\n", *n, len(phrases), len(keystrokes()))
	fmt.Fprintf(w, "one-letter prefixes included), each replayed %d times from a cold match cache, median per keystroke, then\n", *runs)
	fmt.Fprintf(w, "percentiles over keystrokes. In-process through database/sql and modernc.org/sqlite, one page = 50 offers fully decoded.\n\n")
	fmt.Fprintf(w, "| per keystroke (ms) | first page p50 | p95 | count + facets p50 | p95 | both p95 | max | median matches |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range search.Results {
		fmt.Fprintf(w, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s |\n", r.Name, pct(r.Page, 50), pct(r.Page, 95),
			pct(r.Facets, 50), pct(r.Facets, 95), pct(r.Keystroke, 95), pct(r.Keystroke, 100), commas(int(pctInt(r.Matches, 50))))
	}
	fmt.Fprintf(w, "\nTargets: first page p50 ≤ 15, p95 ≤ 50; count + facets p95 ≤ 100; filtered the same.\n\n")
	fmt.Fprintf(w, "| reference: plain exact bm25, top 50 (ms) | p50 | p95 | max |\n|---|---|---|---|\n")
	fmt.Fprintf(w, "| modernc.org/sqlite, in-process (one run) | %.1f | %.1f | %.1f |\n", pct(search.Exact, 50), pct(search.Exact, 95), pct(search.Exact, 100))
	if len(cTimes) > 0 {
		fmt.Fprintf(w, "| C SQLite %s, `sqlite3` shell, same file (best of %d) | %.1f | %.1f | %.1f |\n", read("sqlite3.version"), *cruns,
			pct(cTimes, 50), pct(cTimes, 95), pct(cTimes, 100))
		if un := search.Results; len(un) > 0 {
			fmt.Fprintf(w, "\nRatio, koers first page (unfiltered) to C exact bm25: p50 %.2f×, p95 %.2f× (below 1: koers is faster).\n",
				pct(un[0].Page, 50)/pct(cTimes, 50), pct(un[0].Page, 95)/pct(cTimes, 95))
		}
	}
	fmt.Fprintf(w, "\n| build | figure |\n|---|---|\n")
	fmt.Fprintf(w, "| `koers gen` | %.1f s wall (%.1f s CPU), %d MB peak RSS |\n", genS, genCPU, genRSS)
	fmt.Fprintf(w, "| import (one transaction, FTS merged once) | %.1f s wall (%.1f s CPU on 2 cores), %d MB peak RSS (%.0f offers/s) |\n",
		impS, impCPU, impRSS, float64(*n)/max(impS, 0.001))
	fmt.Fprintf(w, "| database file | %.2f GB |\n", float64(size)/1e9)
	var cold struct {
		Open   float64 `json:"open_ms"`
		Page   float64 `json:"first_page_ms"`
		Facets float64 `json:"facets_ms"`
		RSS    int     `json:"rss_mb"`
	}
	if json.Unmarshal([]byte(read("cold.json")), &cold) == nil && cold.Page > 0 {
		fmt.Fprintf(w, "| cold start, fresh process, warm OS cache | open %.0f ms → first page %.0f ms → count + facets %.0f ms (%d MB RSS) |\n",
			cold.Open, cold.Page, cold.Facets, cold.RSS)
	}
	fmt.Fprintf(w, "| search replay process (the benchmark, not the TUI) | %d MB peak RSS |\n", search.RSS)
	if mb := strings.TrimSpace(read("tui-mem.mb")); mb != "" {
		fmt.Fprintf(w, "| TUI search session at 80×24 (`bench/tui-mem.sh`: three phrases typed, a detail, a filter) | %s MB peak RSS |\n", mb)
	}
	fmt.Fprintf(w, "\nTargets: import ≤ 120 s and ≤ 1 GB RSS; database ≤ 2 GB; cold start to the first page ≤ 150 ms; TUI ≤ 150 MB RSS.\n")
	return nil
}

func minOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func pctInt(xs []int, p float64) float64 {
	f := make([]float64, len(xs))
	for i, x := range xs {
		f[i] = float64(x)
	}
	return pct(f, p)
}

func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
