package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/koers-project/koers/catalog"
)

func ptr[T any](v T) *T { return &v }

// testOffer is a valid offer with every common field set.
func testOffer(sid, title string) catalog.Offer {
	return catalog.Offer{
		Source:       "test",
		SourceID:     sid,
		Title:        title,
		Description:  "A practical course for job seekers.",
		Provider:     "DigiLab Gent",
		AwardingBody: "DigiLab Gent",
		Country:      "BE",
		Region:       "BE234",
		Outcomes: []catalog.Outcome{{Text: "Werkt zelfstandig", Skills: []catalog.SkillRef{
			{URI: "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", Label: "teamwork"}}}},
		ECTS:       ptr(4.0),
		Hours:      ptr(100.0),
		EQF:        5,
		Assessment: "project",
		Mode:       catalog.ModeBlended,
		QA:         "accredited",
		Languages:  []string{"nl"},
		Price:      ptr(catalog.Money(48000)),
		Currency:   "EUR",
		Start:      catalog.NewDate(2027, 2, 1),
		Schemes:    []string{"ila"},
	}
}

func seq(offers ...catalog.Offer) iter.Seq2[catalog.Offer, error] {
	return func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	}
}

// openTB is openTemp for tests, benchmarks and fuzz targets.
func openTB(t testing.TB) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "koers.db"), Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func mustImport(t testing.TB, st *Store, opt OfferImportOptions, offers ...catalog.Offer) OfferCounts {
	t.Helper()
	n, err := st.ImportOffers(context.Background(), "test", seq(offers...), opt)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return n
}

func TestImportCounts(t *testing.T) {
	st := openTemp(t)
	a, b, c := testOffer("a", "Data-analyse met Python"), testOffer("b", "Zorgkundige"), testOffer("c", "Energie in huis")
	if got, want := mustImport(t, st, OfferImportOptions{}, a, b, c), (OfferCounts{Added: 3}); got != want {
		t.Errorf("first import: got %+v, want %+v", got, want)
	}
	// Idempotent: the same input again changes nothing.
	if got, want := mustImport(t, st, OfferImportOptions{}, a, b, c), (OfferCounts{Unchanged: 3}); got != want {
		t.Errorf("re-import: got %+v, want %+v", got, want)
	}
	before, err := st.Offer(context.Background(), "test:b")
	if err != nil {
		t.Fatal(err)
	}
	b.Title = "Verpleegkunde (vernieuwd)"
	if got, want := mustImport(t, st, OfferImportOptions{}, a, b, c), (OfferCounts{Changed: 1, Unchanged: 2}); got != want {
		t.Errorf("changed import: got %+v, want %+v", got, want)
	}
	after, err := st.Offer(context.Background(), "test:b")
	if err != nil {
		t.Fatal(err)
	}
	if after.ID != before.ID || after.Title != b.Title {
		t.Errorf("changed offer: id %s→%s title %q", before.ID, after.ID, after.Title)
	}
	// The index follows the change: the old title no longer matches alone.
	if hits := search(t, st, catalog.Query{Text: "vernieuwd"}); len(hits) != 1 || hits[0].Offer.SourceID != "b" {
		t.Errorf("search new title: %v", sids(hits))
	}
	if hits := search(t, st, catalog.Query{Text: "zorgkundige"}); len(hits) != 0 {
		t.Errorf("old title still indexed: %v", sids(hits))
	}
	// Full import without c withdraws c, never deletes it.
	if got, want := mustImport(t, st, OfferImportOptions{Full: true}, a, b), (OfferCounts{Unchanged: 2, Withdrawn: 1}); got != want {
		t.Errorf("full import: got %+v, want %+v", got, want)
	}
	oc, err := st.Offer(context.Background(), "test:c")
	if err != nil || oc.Status != catalog.StatusWithdrawn {
		t.Errorf("withdrawn offer: %v %v", oc.Status, err)
	}
	if hits := search(t, st, catalog.Query{Text: "energie"}); len(hits) != 0 {
		t.Errorf("withdrawn offer still found: %v", sids(hits))
	}
	if hits := search(t, st, catalog.Query{Text: "energie", Withdrawn: true}); len(hits) != 1 {
		t.Errorf("withdrawn offer with Withdrawn: %v", sids(hits))
	}
	// Coming back re-activates it.
	if got, want := mustImport(t, st, OfferImportOptions{Full: true}, a, b, c), (OfferCounts{Unchanged: 2, Changed: 1}); got != want {
		t.Errorf("return: got %+v, want %+v", got, want)
	}
	stats, err := st.RegisterStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.OffersActive != 3 || stats.Providers != 1 || len(stats.Sources) != 1 || stats.Sources[0].Active != 3 {
		t.Errorf("stats: %+v", stats)
	}
}

func TestImportAllOrNothing(t *testing.T) {
	st := openTemp(t)
	good := testOffer("a", "Goed")
	bad := testOffer("b", "Slecht")
	bad.EQF = 9
	bad.Languages = []string{"Dutch"}
	_, err := st.ImportOffers(context.Background(), "test", seq(good, bad), OfferImportOptions{})
	var oe *OfferError
	if !errors.As(err, &oe) {
		t.Fatalf("got %v, want *OfferError", err)
	}
	if oe.Index != 2 || oe.SourceID != "b" {
		t.Errorf("error names offer %d %q, want 2 \"b\"", oe.Index, oe.SourceID)
	}
	var p catalog.Problems
	if !errors.As(err, &p) || len(p) != 2 || p[0].Field != "eqf" || p[1].Field != "languages[0]" {
		t.Errorf("problems: %v", err)
	}
	for _, f := range []string{"eqf", "languages[0]"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("message %q does not name %s", err, f)
		}
	}
	stats, _ := st.RegisterStats(context.Background())
	if stats.OffersActive != 0 || len(stats.Sources) != 0 {
		t.Errorf("half-written import: %+v", stats)
	}
	// An iterator error stops the import too.
	failing := func(yield func(catalog.Offer, error) bool) {
		if yield(good, nil) {
			yield(catalog.Offer{}, fmt.Errorf("line 2: bad JSON"))
		}
	}
	if _, err := st.ImportOffers(context.Background(), "test", failing, OfferImportOptions{}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("iterator error: %v", err)
	}
	if hits := search(t, st, catalog.Query{}); len(hits) != 0 {
		t.Errorf("rows after failed import: %v", sids(hits))
	}
}

func TestImportDryRunAndSource(t *testing.T) {
	st := openTemp(t)
	n, err := st.ImportOffers(context.Background(), "test", seq(testOffer("a", "A")), OfferImportOptions{DryRun: true})
	if err != nil || n.Added != 1 {
		t.Fatalf("dry run: %+v %v", n, err)
	}
	if hits := search(t, st, catalog.Query{}); len(hits) != 0 {
		t.Errorf("dry run wrote %v", sids(hits))
	}
	other := testOffer("x", "X")
	other.Source = "elsewhere"
	if _, err := st.ImportOffers(context.Background(), "test", seq(other), OfferImportOptions{}); err == nil || !strings.Contains(err.Error(), "source") {
		t.Errorf("foreign source: %v", err)
	}
}

func TestOfferRoundTrip(t *testing.T) {
	st := openTemp(t)
	o := testOffer("full", "Alles erin")
	o.TitleI18n = map[string]string{"en": "Everything in"}
	o.Relations = []catalog.Relation{{Kind: catalog.StacksTowards, Target: "big", Label: "Big credential"}}
	o.Prerequisites = []string{"basic maths"}
	o.Stackability = "stackable"
	o.Flags = []string{"workload"}
	mustImport(t, st, OfferImportOptions{}, o)
	got, err := st.Offer(context.Background(), "test:full")
	if err != nil {
		t.Fatal(err)
	}
	byID, err := st.Offer(context.Background(), got.ID)
	if err != nil {
		t.Fatal(err)
	}
	o.ID, o.Status = got.ID, catalog.StatusActive
	if d := cmp.Diff(o, got, cmp.AllowUnexported(catalog.Date{})); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	if byID.SourceID != "full" {
		t.Errorf("by id: %q", byID.SourceID)
	}
	if _, err := st.Offer(context.Background(), "test:nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	offers, err := st.OffersBySkill(context.Background(), []string{"http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"}, 0)
	if err != nil || len(offers) != 1 || offers[0].SourceID != "full" {
		t.Errorf("by skill: %v %v", offers, err)
	}
}

func search(t *testing.T, st *Store, q catalog.Query) []catalog.Hit {
	t.Helper()
	hits, err := st.SearchOffers(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return hits
}

func sids(hits []catalog.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Offer.SourceID
	}
	slices.Sort(out)
	return out
}

// TestNewFilePageSize checks that new files get 8 KB pages although the DSN
// turns WAL on before any other pragma.
func TestNewFilePageSize(t *testing.T) {
	st := openTB(t)
	var ps int
	var mode string
	if err := st.DB().QueryRow("PRAGMA page_size").Scan(&ps); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if ps != filePageSize || mode != "wal" {
		t.Errorf("page size %d, journal %s; want %d, wal", ps, mode, filePageSize)
	}
}
