package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
)

// TestSearchCLIPassedLast (issue 13): koers search lists an offer whose
// start has passed after the bookable ones and says so in words;
// --passed-last=false keeps rank order. Bad --scheme, --language and
// --region values are refused naming the flag.
func TestSearchCLIPassedLast(t *testing.T) {
	db := filepath.Join(t.TempDir(), "koers.db")
	st, err := store.Open(context.Background(), db, store.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	offers := []catalog.Offer{
		{SourceID: "past", Title: "Python Python Python", Provider: "P", Start: catalog.NewDate(2020, 1, 6)},
		{SourceID: "future", Title: "Python for people who want to learn a language for data", Provider: "F", Start: catalog.NewDate(2099, 1, 5)},
	}
	all := func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	}
	if _, err := st.ImportOffers(context.Background(), "hand", all, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	order := func(args ...string) []string {
		t.Helper()
		code, out, errs := registerCLI(t, db, append([]string{"search", "--json", "python"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var hits []map[string]any
		if err := json.Unmarshal([]byte(out), &hits); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h["source_id"].(string))
		}
		return ids
	}
	if got := strings.Join(order("--passed-last=false"), " "); got != "past future" {
		t.Fatalf("rank order %q, want the passed offer first (the test needs it ranked first)", got)
	}
	if got := strings.Join(order(), " "); got != "future past" {
		t.Errorf("default order %q, want the passed offer last", got)
	}
	code, out, _ := registerCLI(t, db, "search", "python")
	if code != 0 || !strings.Contains(out, "start passed 6\u00a0Jan\u00a02020") {
		t.Errorf("text output does not say the start has passed:\n%s", out)
	}
	for _, tc := range []struct{ flag, value string }{
		{"--scheme", "bogus"}, {"--language", "xx"}, {"--region", "ZZ9"},
	} {
		code, out, errs := registerCLI(t, db, "search", tc.flag, tc.value)
		if code != 2 || out != "" || !strings.Contains(errs, tc.flag) || !strings.Contains(errs, tc.value) {
			t.Errorf("%s %s: exit %d, stdout %q, stderr %q", tc.flag, tc.value, code, out, errs)
		}
	}
	if code, _, errs := registerCLI(t, db, "search", "--region", "Antwerpen", "--scheme", "ila", "--language", "nl"); code != 0 {
		t.Errorf("valid values refused: %s", errs)
	}
}
