package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
)

// registerDB is a database with a few hand-made offers and 300 generated ones.
func registerDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "koers.db")
	st, err := store.Open(context.Background(), db, store.Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ects := 3.0
	price := catalog.Money(25000)
	hand := []catalog.Offer{
		{SourceID: "e1", Title: "Énergie solaire pour installateurs", Provider: "EPS Namur", Country: "BE", Region: "BE352", EQF: 4,
			Mode: catalog.ModeOnsite, Languages: []string{"fr"}, ECTS: &ects, Price: &price, Currency: "EUR", Schemes: []string{"ila"},
			Start: catalog.NewDate(2027, 3, 1)},
		{SourceID: "e2", Title: "Energiezuinig renoveren", Provider: "Syntra Gent", Country: "BE", EQF: 5, Mode: catalog.ModeBlended,
			Languages: []string{"nl"}},
		{SourceID: "e3", Title: "ENERGIE-audit", Provider: "VDAB"},
	}
	all := func(yield func(catalog.Offer, error) bool) {
		for _, o := range hand {
			if !yield(o, nil) {
				return
			}
		}
	}
	if _, err := st.ImportOffers(context.Background(), "hand", all, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	gen := func(yield func(catalog.Offer, error) bool) {
		for o := range catalog.Generate(3, 300) {
			if !yield(o, nil) {
				return
			}
		}
	}
	if _, err := st.ImportOffers(context.Background(), "gen", gen, store.OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return db
}

func registerCLI(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"KOERS_COUNSELLOR": "tester", "LANG": "en"}
	code := run(context.Background(), "test", append([]string{"--db", db}, args...), strings.NewReader(""), &out, &errb,
		func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func searchIDs(t *testing.T, db string, args ...string) []string {
	t.Helper()
	code, out, errs := registerCLI(t, db, append([]string{"search", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("search %v: exit %d: %s", args, code, errs)
	}
	var hits []map[string]any
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("search %v: %v in %q", args, err, out)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h["source_id"].(string))
	}
	slices.Sort(ids)
	return ids
}

func TestSearchCLIFoldsCaseAndAccents(t *testing.T) {
	db := registerDB(t)
	want := searchIDs(t, db, "energie")
	if !slices.Contains(want, "e1") || !slices.Contains(want, "e3") {
		t.Fatalf("energie: %v", want)
	}
	for _, q := range []string{"énergie", "ENERGIE", "Energie"} {
		if got := searchIDs(t, db, q); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", q, got, want)
		}
	}
	if got := searchIDs(t, db, "energie", "--language", "fr", "--eqf", "3-4", "--mode", "onsite", "--region", "be3",
		"--max-price", "300", "--scheme", "ila", "--start-after", "2027-01-01", "--provider", "namur"); !slices.Equal(got, []string{"e1"}) {
		t.Errorf("filtered: %v", got)
	}
	if got := searchIDs(t, db, "--provider", "vdab", "--limit", "0"); len(got) == 0 || !slices.Contains(got, "e3") {
		t.Errorf("empty query lists: %v", got)
	}
	if got := searchIDs(t, db, `"energie`, `NEAR(`, `-`); got != nil {
		t.Errorf("hostile: %v", got)
	}
}

func TestSearchCLIJSONFields(t *testing.T) {
	db := registerDB(t)
	code, out, errs := registerCLI(t, db, "search", "audit", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var hits []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatal(err)
	}
	var e3 map[string]json.RawMessage
	for _, h := range hits {
		if string(h["source_id"]) == `"e3"` {
			e3 = h
		}
	}
	if e3 == nil {
		t.Fatalf("e3 not found in %s", out)
	}
	for _, k := range strings.Fields("id source source_id title provider awarding_body country region eqf ects hours mode languages price currency " +
		"start end schemes skills learning_outcomes assessment quality_assurance prerequisites stackability status score") {
		if _, ok := e3[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	// e3 knows only its title and provider: the rest is null, never invented.
	for _, k := range strings.Fields("awarding_body country region eqf ects hours mode languages price currency start end schemes skills assessment") {
		if v := string(e3[k]); v != "null" {
			t.Errorf("%s = %s, want null", k, v)
		}
	}
	code, out, _ = registerCLI(t, db, "offer", "hand:e1", "--json")
	var o map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &o) != nil || o["price"] != 250.0 || o["start"] != "2027-03-01" || o["eqf"] != 4.0 || o["currency"] != "EUR" {
		t.Errorf("offer --json: %d %s", code, out)
	}
	if code, _, _ := registerCLI(t, db, "offer", o["id"].(string)); code != 0 {
		t.Errorf("offer by uuid: exit %d", code)
	}
}

func TestRegisterCLIExitCodes(t *testing.T) {
	db := registerDB(t)
	tests := []struct {
		args []string
		code int
		flag string
	}{
		{[]string{"search", "x", "--eqf", "9"}, 2, "--eqf"},
		{[]string{"search", "--eqf", "6-4"}, 2, "--eqf"},
		{[]string{"search", "--eqf", "four"}, 2, "--eqf"},
		{[]string{"search", "--start-after", "2027-13-01"}, 2, "--start-after"},
		{[]string{"search", "--start-after", "1/3/2027"}, 2, "--start-after"},
		{[]string{"search", "--mode", "telepathy"}, 2, "--mode"},
		{[]string{"search", "--max-price", "12.345"}, 2, "--max-price"},
		{[]string{"search", "--language", "Dutch"}, 2, "--language"},
		{[]string{"search", "--region", "BE-2"}, 2, "--region"},
		{[]string{"search", "--limit", "-1"}, 2, "--limit"},
		{[]string{"offer", "hand:nope"}, 2, "hand:nope"},
		{[]string{"gen", "--offers", "0", "-o", "x"}, 2, "--offers"},
		{[]string{"search", "--json", "data"}, 0, ""},
		{[]string{"stats"}, 0, ""},
	}
	for _, tt := range tests {
		code, out, errs := registerCLI(t, db, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.flag) {
			t.Errorf("%v: exit %d (want %d), stderr %q should name %q", tt.args, code, tt.code, errs, tt.flag)
		}
		if tt.code != 0 && out != "" {
			t.Errorf("%v: stdout %q on error", tt.args, out)
		}
	}
}

func TestStatsCLI(t *testing.T) {
	db := registerDB(t)
	if code, _, errs := registerCLI(t, db, "person", "add", "--name", "Ann Peeters"); code != 0 {
		t.Fatalf("person add: %d %s", code, errs)
	}
	code, out, errs := registerCLI(t, db, "stats", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s store.RegisterStats
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if s.OffersActive != 303 || s.Path != db || len(s.Sources) != 2 || s.Sources[0].Name != "gen" || s.Providers < 50 || s.People != 1 {
		t.Errorf("stats: %+v", s)
	}
}

func TestGenCLIDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	for _, f := range []string{a, b} {
		if code, _, errs := registerCLI(t, filepath.Join(dir, "unused.db"), "gen", "--offers", "200", "--seed", "9", "-o", f); code != 0 {
			t.Fatalf("gen: %d %s", code, errs)
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	lines := strings.Split(strings.TrimSpace(string(da)), "\n")
	if !bytes.Equal(da, db) || len(lines) != 200 {
		t.Fatalf("gen not deterministic or wrong count: %d lines", len(lines))
	}
	var o catalog.Offer
	if err := json.Unmarshal([]byte(lines[0]), &o); err != nil || o.Validate() != nil {
		t.Errorf("first line does not read back as a valid offer: %v %v", err, o.Validate())
	}
	if _, err := os.Stat(filepath.Join(dir, "unused.db")); err == nil {
		t.Error("gen opened the database")
	}
}
