package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
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

// TestFirstRunSeedsSample: an empty database gets the sample register
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
