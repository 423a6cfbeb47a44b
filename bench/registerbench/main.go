// Command registerbench measures the register store on a large synthetic
// register: `import` loads a JSON-lines file through store.ImportOffers,
// `search` replays phrases typed one key at a time (first page, then count
// and facets, with and without filters), `queries` writes the same
// keystrokes as plain exact-bm25 SQL for the C sqlite3 shell. bench/run.sh
// drives it; the figures land in bench/results/register.md.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"iter"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
)

// phrases are typed one key at a time; they use the generator's vocabulary.
var phrases = []string{
	"data analyse python",
	"zorgkundige thuiszorg",
	"energie audit",
	"warmtepomp installateur",
	"project management team",
	"heftruck magazijn",
	"nederlands conversatie",
	"renovatie isolatie",
	"cloud security",
	"circulair afval recyclage",
	"keuken basis",
	"digital developer",
}

// keystrokes is every prefix of every phrase, as typed.
func keystrokes() []string {
	var out []string
	for _, p := range phrases {
		for i := 1; i <= len(p); i++ {
			out = append(out, p[:i])
		}
	}
	return out
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: registerbench import|search|queries [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "import":
		err = runImport(os.Args[2:])
	case "search":
		err = runSearch(os.Args[2:])
	case "queries":
		err = runQueries(os.Args[2:])
	case "report":
		err = runReport(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "registerbench:", err)
		os.Exit(1)
	}
}

func readJSONL(path string) iter.Seq2[catalog.Offer, error] {
	return func(yield func(catalog.Offer, error) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(catalog.Offer{}, err)
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		line := 0
		for sc.Scan() {
			line++
			var o catalog.Offer
			if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
				yield(o, fmt.Errorf("%s line %d: %w", path, line, err))
				return
			}
			if !yield(o, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(catalog.Offer{}, err)
		}
	}
}

func runImport(args []string) error {
	fs := flag.NewFlagSet("import", flag.ExitOnError)
	db := fs.String("db", "", "database file")
	in := fs.String("in", "", "JSON lines file")
	prof := fs.String("cpuprofile", "", "write a CPU profile here")
	coldOnly := fs.Bool("coldonly", false, "only time open → first page and → first facets, then exit")
	fs.Parse(args)
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	if *coldOnly {
		return runCold(ctx, *db)
	}
	t0 := time.Now()
	st, err := store.Open(ctx, *db, store.Options{Actor: "bench"})
	if err != nil {
		return err
	}
	n, err := st.ImportOffers(ctx, "gen", readJSONL(*in), store.OfferImportOptions{
		Progress: func(read int) { fmt.Fprintf(os.Stderr, "\r%d offers %s", read, time.Since(t0).Round(time.Second)) },
	})
	if err != nil {
		st.Close()
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr)
	fmt.Printf("{\"added\": %d, \"seconds\": %.1f, \"peak_rss_mb\": %d}\n", n.Added, time.Since(t0).Seconds(), peakRSS())
	return nil
}

// peakRSS is this process's peak resident set in MB (VmHWM).
func peakRSS() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb int
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%d", &kb)
			return kb / 1024
		}
	}
	return 0
}

type filterSet struct {
	name string
	q    catalog.Query
}

func filterSets() []filterSet {
	price := catalog.Money(50000)
	return []filterSet{
		{"unfiltered", catalog.Query{}},
		{"filtered (EQF 4–6, online, nl)", catalog.Query{EQFMin: 4, EQFMax: 6, Modes: []catalog.Mode{catalog.ModeOnline}, Language: "nl"}},
		{"selective (fr, BE3, ≤ €500, voucher)", catalog.Query{Language: "fr", Region: "BE3", MaxPrice: &price, Scheme: "voucher"}},
	}
}

// result is the per-keystroke medians of one filter set.
type result struct {
	Name      string    `json:"name"`
	Page      []float64 `json:"page_ms"`
	Facets    []float64 `json:"facets_ms"`
	Keystroke []float64 `json:"keystroke_ms"`
	Matches   []int     `json:"matches"`
}

func runSearch(args []string) error {
	fs := flag.NewFlagSet("search", flag.ExitOnError)
	db := fs.String("db", "", "database file")
	runs := fs.Int("runs", 3, "replays of each phrase (median per keystroke)")
	out := fs.String("o", "", "JSON results file")
	exact := fs.Bool("exact", true, "also time plain exact bm25 through modernc")
	exactRuns := fs.Int("exactruns", 1, "runs of each exact-bm25 query (best of)")
	prof := fs.String("cpuprofile", "", "write a CPU profile here")
	coldOnly := fs.Bool("coldonly", false, "only time open → first page and → first facets, then exit")
	only := fs.String("only", "", "replay only the filter sets whose name contains this")
	fs.Parse(args)
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	if *coldOnly {
		return runCold(ctx, *db)
	}
	t0 := time.Now()
	st, err := store.Open(ctx, *db, store.Options{Actor: "bench", ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	opened := time.Since(t0)
	if _, err := st.SearchOffers(ctx, catalog.Query{Text: "data"}); err != nil {
		return err
	}
	cold := time.Since(t0)
	fmt.Fprintf(os.Stderr, "open %.1f ms, first page %.1f ms after start\n", ms(opened), ms(cold))
	report := map[string]any{"cold_first_page_ms": ms(cold), "open_ms": ms(opened)}
	var results []result
	for _, fset := range filterSets() {
		if !strings.Contains(fset.name, *only) {
			continue
		}
		r := result{Name: fset.name}
		for _, p := range phrases {
			var page, facets [][]float64
			var matches []int
			for run := 0; run < *runs; run++ {
				st.ClearSearchCache()
				var pr, fr []float64
				matches = matches[:0]
				for i := 1; i <= len(p); i++ {
					q := fset.q
					q.Text = p[:i]
					t := time.Now()
					if _, err := st.SearchOffers(ctx, q); err != nil {
						return err
					}
					pr = append(pr, ms(time.Since(t)))
					t = time.Now()
					f, err := st.CountFacets(ctx, q)
					if err != nil {
						return err
					}
					fr = append(fr, ms(time.Since(t)))
					matches = append(matches, f.Total)
				}
				page, facets = append(page, pr), append(facets, fr)
			}
			for i := range page[0] {
				pm, fm := medianAt(page, i), medianAt(facets, i)
				r.Page = append(r.Page, pm)
				r.Facets = append(r.Facets, fm)
				r.Keystroke = append(r.Keystroke, pm+fm)
			}
			r.Matches = append(r.Matches, matches...)
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "%s: page p50 %.1f p95 %.1f · facets p50 %.1f p95 %.1f ms\n", r.Name,
			pct(r.Page, 50), pct(r.Page, 95), pct(r.Facets, 50), pct(r.Facets, 95))
	}
	report["results"] = results
	if *exact {
		var ex []float64
		for _, k := range keystrokes() {
			expr := plainExpr(k)
			if expr == "" {
				continue
			}
			var best float64 = -1
			for run := 0; run < *exactRuns; run++ {
				t := time.Now()
				rows, err := st.DB().QueryContext(ctx, `SELECT rowid, s FROM (SELECT rowid, bm25(offers_fts, 10.0, 1.0, 2.0, 2.0, 3.0) AS s
					FROM offers_fts WHERE offers_fts MATCH ?) ORDER BY s LIMIT 50`, expr)
				if err != nil {
					return err
				}
				for rows.Next() {
				}
				rows.Close()
				d := ms(time.Since(t))
				if best < 0 || d < best {
					best = d
				}
			}
			ex = append(ex, best)
		}
		report["modernc_exact_bm25_ms"] = ex
	}
	report["peak_rss_mb"] = peakRSS()
	b, _ := json.MarshalIndent(report, "", " ")
	return os.WriteFile(*out, b, 0o644)
}

// runCold times, in a fresh process, open → first page of "data" → its
// count and facets (the TUI's cold start).
func runCold(ctx context.Context, db string) error {
	t0 := time.Now()
	st, err := store.Open(ctx, db, store.Options{Actor: "bench", ReadOnly: true})
	if err != nil {
		return err
	}
	defer st.Close()
	opened := time.Since(t0)
	if _, err := st.SearchOffers(ctx, catalog.Query{Text: "data"}); err != nil {
		return err
	}
	page := time.Since(t0)
	if _, err := st.CountFacets(ctx, catalog.Query{Text: "data"}); err != nil {
		return err
	}
	fmt.Printf("{\"open_ms\": %.1f, \"first_page_ms\": %.1f, \"facets_ms\": %.1f, \"rss_mb\": %d}\n", ms(opened), ms(page), ms(time.Since(t0)), peakRSS())
	return nil
}

// runQueries writes the keystrokes as exact-bm25 SQL for the sqlite3 shell.
func runQueries(args []string) error {
	fs := flag.NewFlagSet("queries", flag.ExitOnError)
	runs := fs.Int("runs", 3, "repeats of each query")
	fs.Parse(args)
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(w, ".timer on")
	for _, k := range keystrokes() {
		expr := plainExpr(k)
		if expr == "" {
			continue
		}
		for range *runs {
			fmt.Fprintf(w, "SELECT count(*) FROM (SELECT rowid, s FROM (SELECT rowid, bm25(offers_fts, 10.0, 1.0, 2.0, 2.0, 3.0) AS s FROM offers_fts WHERE offers_fts MATCH '%s') ORDER BY s LIMIT 50);\n",
				strings.ReplaceAll(expr, "'", "''"))
		}
	}
	return w.Flush()
}

// plainExpr is what plain FTS5 search-as-you-type sends: every word quoted,
// the last one a prefix (one-letter prefixes included).
func plainExpr(text string) string {
	words := catalog.Words(text)
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	if len(words) > 0 && !strings.HasSuffix(text, " ") {
		words[len(words)-1] += "*"
	}
	return strings.Join(words, " ")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func medianAt(runs [][]float64, i int) float64 {
	xs := make([]float64, len(runs))
	for r := range runs {
		xs[r] = runs[r][i]
	}
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

// pct is the p-th percentile (nearest rank).
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}
