package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store/pgtest"
)

// pg is this test binary's PostgreSQL server (started by TestMain; tests
// that need it skip without one, unless KOERS_REQUIRE_PG=1).
var pg pgtest.Harness

func TestMain(m *testing.M) {
	if os.Getenv("KOERS_REGBENCH_CHILD") == "1" {
		os.Exit(runBenchChild())
	}
	os.Exit(pgtest.Main(m, &pg, nil))
}

// writeRegister writes offers as a JSON-lines register file.
func writeRegister(t *testing.T, path string, offers []catalog.Offer) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(f)
	for _, o := range offers {
		if err := enc.Encode(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// openNet opens the PostgreSQL database db with its register index at cache.
func openNet(t testing.TB, db, cache string) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), db, app.Options{Actor: "tester", RegisterCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// hitKey is a hit as a person sees it: the offer's register key, title
// and status (ids differ between two SQLite imports; the network's are
// the same everywhere).
type hitKey struct{ Source, SourceID, Title, Status string }

var syncQueries = []catalog.Query{
	{Text: "data"}, {Text: "python"}, {Text: "zorg"}, {Text: "analyse"}, {Text: "manag"},
	{Text: "data", Modes: []catalog.Mode{catalog.ModeOnline}}, {Text: "", EQFMin: 4, EQFMax: 5},
	{Text: "cursus", Language: "nl"}, {Text: "data", Withdrawn: true}, {Text: ""},
}

func searchAll(t *testing.T, a *app.App) ([][]hitKey, []catalog.Facets) {
	t.Helper()
	var hits [][]hitKey
	var facets []catalog.Facets
	for _, q := range syncQueries {
		q.Limit = 50
		hs, err := a.SearchOffers(context.Background(), q)
		if err != nil {
			t.Fatalf("search %+v: %v", q, err)
		}
		var ks []hitKey
		for _, h := range hs {
			ks = append(ks, hitKey{h.Offer.Source, h.Offer.SourceID, h.Offer.Title, string(h.Offer.Status)})
		}
		hits = append(hits, ks)
		f, err := a.CountFacets(context.Background(), q)
		if err != nil {
			t.Fatalf("facets %+v: %v", q, err)
		}
		facets = append(facets, f)
	}
	return hits, facets
}

// TestRegisterSyncMatchesSQLiteImport imports a register into PostgreSQL
// (process A, whose index is brought up to date by the import), builds a
// second process's local index from it (B), then imports a full new
// version with changed and missing offers; B brings over only those. At
// each step every search and facet count of A and B equals that of the
// same files imported straight into SQLite, and A and B hold the same
// offer ids.
func TestRegisterSyncMatchesSQLiteImport(t *testing.T) {
	db := pg.DB(t, "")
	ctx := context.Background()
	dir := t.TempDir()
	offers := slices.Collect(catalog.Generate(7, 400))
	v1 := writeRegister(t, filepath.Join(dir, "v1.jsonl"), offers)
	// v2: 30 offers changed, 10 gone (a full import withdraws them).
	changed := slices.Clone(offers[:len(offers)-10])
	for i := 0; i < 300; i += 10 {
		changed[i].Title += " (vernieuwd)"
	}
	v2 := writeRegister(t, filepath.Join(dir, "v2.jsonl"), changed)

	lite, err := app.Open(ctx, filepath.Join(dir, "lite.db"), app.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	a := openNet(t, db, filepath.Join(dir, "a.db"))
	b := openNet(t, db, filepath.Join(dir, "b.db"))
	if _, err := lite.SyncRegister(ctx, nil); err == nil {
		t.Error("register sync on SQLite: no error")
	}

	compare := func(step string) {
		t.Helper()
		wantHits, wantFacets := searchAll(t, lite)
		if n := len(slices.Concat(wantHits...)); n < 100 {
			t.Fatalf("%s: only %d hits in all: the comparison would prove little", step, n)
		}
		for name, x := range map[string]*app.App{"A": a, "B": b} {
			hits, facets := searchAll(t, x)
			if d := cmp.Diff(wantHits, hits); d != "" {
				t.Errorf("%s: %s hits (-sqlite +network):\n%s", step, name, d)
			}
			if d := cmp.Diff(wantFacets, facets); d != "" {
				t.Errorf("%s: %s facets (-sqlite +network):\n%s", step, name, d)
			}
		}
		for _, o := range offers[:5] {
			oa, err1 := a.Offer(ctx, o.Source+":"+o.SourceID)
			ob, err2 := b.Offer(ctx, o.Source+":"+o.SourceID)
			if err1 != nil || err2 != nil || oa.ID != ob.ID {
				t.Errorf("%s: offer %s: A %s (%v), B %s (%v): want one id", step, o.SourceID, oa.ID, err1, ob.ID, err2)
			}
		}
	}

	if _, err := lite.Import(ctx, []string{v1}, app.ImportOptions{Full: true}); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Import(ctx, []string{v1}, app.ImportOptions{Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Offers.Added != 400 {
		t.Errorf("first import: %+v", rep.Offers)
	}
	got, err := b.SyncRegister(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Generation != 1 || got.Changed != 400 || got.Withdrawn != 0 || got.Active != 400 {
		t.Errorf("initial sync: %+v", got)
	}
	compare("v1")

	if _, err := lite.Import(ctx, []string{v2}, app.ImportOptions{Full: true}); err != nil {
		t.Fatal(err)
	}
	if rep, err = a.Import(ctx, []string{v2}, app.ImportOptions{Full: true}); err != nil {
		t.Fatal(err)
	}
	if rep.Offers.Changed != 30 || rep.Offers.Withdrawn != 10 || rep.Offers.Added != 0 {
		t.Errorf("second import: %+v", rep.Offers)
	}
	if len(rep.Sources) != 1 || rep.Sources[0].Source != offers[0].Source || rep.Sources[0].OfferCounts != rep.Offers {
		t.Errorf("second import by source: %+v, want one source with %+v", rep.Sources, rep.Offers)
	}
	var seen []app.SyncProgress
	got, err = b.SyncRegister(ctx, func(p app.SyncProgress) { seen = append(seen, p) })
	if err != nil {
		t.Fatal(err)
	}
	if got.Generation != 2 || got.Changed != 30 || got.Withdrawn != 10 || got.Active != 390 {
		t.Errorf("incremental sync: %+v", got)
	}
	if len(seen) == 0 || seen[len(seen)-1] != (app.SyncProgress{Done: 40, Total: 40}) {
		t.Errorf("progress %v, want it to end at 40 of 40", seen)
	}
	compare("v2")

	// Nothing new: no change, and the mark says when it was checked.
	got, err = b.SyncRegister(ctx, nil)
	if err != nil || !got.UpToDate || got.Generation != 2 {
		t.Errorf("sync again: %+v, %v", got, err)
	}
	// The same file again writes no generation.
	if rep, err = a.Import(ctx, []string{v2}, app.ImportOptions{Full: true}); err != nil || rep.Offers.Unchanged != 390 || rep.Offers.Changed+rep.Offers.Added+rep.Offers.Withdrawn != 0 {
		t.Errorf("unchanged import: %+v, %v", rep.Offers, err)
	}
	if m, err := b.RegisterMark(ctx); err != nil || m.Generation != 2 || m.SyncedAt.IsZero() {
		t.Errorf("mark: %+v, %v", m, err)
	}
}
