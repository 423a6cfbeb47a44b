package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/sample"
	"github.com/koers-project/koers/store"
)

func seedStats(t *testing.T, db string) store.RegisterStats {
	t.Helper()
	code, out, errs := registerCLI(t, db, "stats", "--json")
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errs)
	}
	var st store.RegisterStats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("stats: %v in %q", err, out)
	}
	return st
}

// TestFirstRunSeedsSample: `koers seed sample` loads the sample register
// once; data and zorg narrow it; opening it again adds nothing.
func TestFirstRunSeedsSample(t *testing.T) {
	all, err := sample.Offers()
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, o := range all {
		if o.Status != catalog.StatusWithdrawn {
			active++
		}
	}
	db := filepath.Join(t.TempDir(), "koers.db")
	// An explicit --db starts empty; `koers seed sample` asks for the sample.
	if st := seedStats(t, db); st.OffersActive != 0 || len(st.Sources) != 0 {
		t.Fatalf("a new --db was seeded: %+v", st)
	}
	if code, out, errs := registerCLI(t, db, "seed", "sample", "--json"); code != 0 || !strings.Contains(out, `"seeded": true`) {
		t.Fatalf("seed sample: exit %d %s %s", code, out, errs)
	}
	st := seedStats(t, db)
	if st.OffersActive != active || st.OffersWithdrawn != len(all)-active {
		t.Fatalf("after first run: %d active, %d withdrawn; want %d and %d", st.OffersActive, st.OffersWithdrawn, active, len(all)-active)
	}
	if len(st.Sources) != 1 || st.Sources[0].Name != sample.Source {
		t.Fatalf("sources %+v, want only %q", st.Sources, sample.Source)
	}
	if again := seedStats(t, db); again.OffersActive != st.OffersActive || len(again.Sources) != 1 || again.Sources[0].Added != st.Sources[0].Added {
		t.Fatalf("second run changed the register: %+v then %+v", st, again)
	}
	everything := len(searchIDs(t, db, "--limit", "1000"))
	for _, q := range []string{"data", "zorg"} {
		n := len(searchIDs(t, db, q, "--limit", "1000"))
		if n == 0 || n >= everything/3 {
			t.Errorf("search %q: %d of %d offers, want a visible narrowing", q, n, everything)
		}
	}
}

// TestSeedLeavesOwnRegisterAlone: a register with its own offers is never
// mixed with the sample.
func TestSeedLeavesOwnRegisterAlone(t *testing.T) {
	db := filepath.Join(t.TempDir(), "koers.db")
	st, err := store.Open(context.Background(), db, store.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	one := func(yield func(catalog.Offer, error) bool) {
		yield(catalog.Offer{SourceID: "x1", Title: "Own offer", Provider: "Own centre"}, nil)
	}
	if _, err := st.ImportOffers(context.Background(), "own", one, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if got := seedStats(t, db); got.OffersActive != 1 || len(got.Sources) != 1 || got.Sources[0].Name != "own" {
		t.Fatalf("own register was seeded: %+v", got)
	}
}

// defaultCLI runs koers with no --db and no KOERS_DB: the default database
// under XDG_DATA_HOME.
func defaultCLI(t *testing.T, data string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	env := map[string]string{"KOERS_COUNSELLOR": "tester", "LANG": "en", "XDG_DATA_HOME": data}
	code := run(context.Background(), "test", args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

// TestSampleOnlyForTheDemoDatabase (issue 12): the default database, new,
// opens on the sample register; a database created by import, on the
// default path or an explicit --db, holds exactly the file's offers; a
// dry run on a path that does not exist leaves no file.
func TestSampleOnlyForTheDemoDatabase(t *testing.T) {
	dir := t.TempDir()
	demo := filepath.Join(dir, "demo")
	if code, out, errs := defaultCLI(t, demo, "stats", "--json"); code != 0 || !strings.Contains(out, `"`+sample.Source+`"`) {
		t.Fatalf("default database not seeded: exit %d %s %s", code, out, errs)
	}

	reg := filepath.Join(dir, "own.jsonl")
	os.WriteFile(reg, []byte(`{"source":"own","source_id":"1","title":"Lassen","provider":"CVO"}`+"\n"+
		`{"source":"own","source_id":"2","title":"Python basics","provider":"CVO"}`+"\n"), 0o600)
	for name, runIt := range map[string]func(args ...string) (int, string, string){
		"explicit --db": func(args ...string) (int, string, string) {
			return registerCLI(t, filepath.Join(dir, "real.db"), args...)
		},
		"default path": func(args ...string) (int, string, string) { return defaultCLI(t, filepath.Join(dir, "fresh"), args...) },
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, errs := runIt("import", reg); code != 0 {
				t.Fatalf("import: exit %d %s", code, errs)
			}
			code, out, _ := runIt("search", "--json", "--limit", "1000")
			var hits []struct {
				Source   string `json:"source"`
				SourceID string `json:"source_id"`
			}
			if err := json.Unmarshal([]byte(out), &hits); err != nil || code != 0 {
				t.Fatalf("search: %v %s", err, out)
			}
			if len(hits) != 2 || hits[0].Source != "own" || hits[1].Source != "own" {
				t.Errorf("offers %+v, want exactly the file's two", hits)
			}
		})
	}

	ghost := filepath.Join(dir, "ghost.db")
	if code, _, errs := registerCLI(t, ghost, "import", "--dry-run", reg); code != 0 {
		t.Fatalf("dry run: exit %d %s", code, errs)
	}
	if matches, _ := filepath.Glob(ghost + "*"); len(matches) > 0 {
		t.Errorf("a dry run left %v", matches)
	}
}
