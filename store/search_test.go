package store

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/koers-project/koers/catalog"
)

// searchFixture is a small register with known spreads of EQF, mode,
// language, scheme, region, price and start.
func searchFixture(t testing.TB) *Store {
	t.Helper()
	st := openTB(t)
	mk := func(sid, title string, eqf catalog.EQF, mode catalog.Mode, lang, scheme, region string, price int64, start catalog.Date) catalog.Offer {
		o := testOffer(sid, title)
		o.EQF, o.Mode, o.Languages, o.Schemes, o.Region = eqf, mode, []string{lang}, []string{scheme}, region
		o.Price = ptr(catalog.Money(price))
		o.Start = start
		return o
	}
	jan, jun := catalog.NewDate(2027, 1, 10), catalog.NewDate(2027, 6, 1)
	offers := []catalog.Offer{
		mk("e1", "Énergie renouvelable", 4, catalog.ModeOnsite, "fr", "ila", "BE31", 30000, jan),
		mk("e2", "Energie-efficiënt renoveren", 5, catalog.ModeBlended, "nl", "voucher", "BE21", 50000, jun),
		mk("e3", "ENERGIE voor installateurs", 6, catalog.ModeOnline, "nl", "ila", "BE23", 0, jun),
		mk("d1", "Data-analyse met Python", 5, catalog.ModeOnline, "nl", "ila", "BE23", 48000, jan),
		mk("d2", "Data analysis fundamentals", 4, catalog.ModeOnline, "en", "leave", "BE10", 0, jun),
		mk("d3", "Analyse de données (module 1/3)", 5, catalog.ModeOnsite, "fr", "ila", "BE35", 35000, jan),
		mk("z1", "Zorgkundige in de thuiszorg", 4, catalog.ModeOnsite, "nl", "voucher", "BE21", 120000, jun),
	}
	d4 := mk("d4", "Werken met spreadsheets", 3, catalog.ModeBlended, "nl", "ila", "BE21", 10000, jan)
	d4.Description = "Tabellen, grafieken en data voor kantoorwerk."
	d4.Provider, d4.AwardingBody = "CVO Noord", "CVO Noord"
	offers = append(offers, d4)
	mustImport(t, st, OfferImportOptions{}, offers...)
	return st
}

func TestSearchFoldsCaseAndDiacritics(t *testing.T) {
	st := searchFixture(t)
	want := []string{"e1", "e2", "e3"}
	for _, text := range []string{"energie", "énergie", "ENERGIE", "Energie", "ÉNERGIE", "energ", "éner"} {
		if got := sids(search(t, st, catalog.Query{Text: text})); !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
	}
}

func TestSearchRanksTitleFirst(t *testing.T) {
	st := searchFixture(t)
	hits := search(t, st, catalog.Query{Text: "data"})
	if len(hits) != 3 {
		t.Fatalf("data: %v", sids(hits))
	}
	// d4 has "data" only in its description: it comes last.
	if hits[2].Offer.SourceID != "d4" || hits[0].Score < hits[2].Score {
		t.Errorf("order %v scores %v %v", []string{hits[0].Offer.SourceID, hits[1].Offer.SourceID, hits[2].Offer.SourceID}, hits[0].Score, hits[2].Score)
	}
}

func TestSearchHostileQueries(t *testing.T) {
	st := searchFixture(t)
	for _, text := range []string{`"`, `""`, `"data`, `data"`, `*`, `data*`, `-data`, `data -analyse`, `title:data`, `title : data`,
		`(data`, `data)`, `data NEAR analyse`, `NEAR(data analyse)`, `data AND`, `AND`, `OR OR`, `NOT`, `^data`, `{title}: data`,
		`data + analyse`, `'`, `;DROP TABLE offers;--`, "\x00", "da\u0301ta", `\`, `%`, `_`, `data:`, `:`, `a`, `z`, `d`, `é`} {
		if _, err := st.SearchOffers(context.Background(), catalog.Query{Text: text}); err != nil {
			t.Errorf("search %q: %v", text, err)
		}
		if _, err := st.CountFacets(context.Background(), catalog.Query{Text: text}); err != nil {
			t.Errorf("facets %q: %v", text, err)
		}
	}
	// Syntax characters are separators: these find what the words find.
	for text, want := range map[string][]string{
		`"data`:            {"d1", "d2", "d4"},
		`title:data`:       {},
		`data AND`:         {},
		`(data analyse)`:   {"d1"},
		`data-analyse`:     {"d1"},
		`NEAR(data analy)`: {},
	} {
		if got := sids(search(t, st, catalog.Query{Text: text})); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
	}
}

func TestBuildFTS(t *testing.T) {
	tests := []struct {
		text, expr string
		initial    uint64
	}{
		{"", "", 0},
		{"data", `"data"*`, 0},
		{"data ", `"data"`, 0},
		{"data an", `"data" "an"*`, 0},
		{"data a", `"data"`, 1 << 0},
		{"a", "", 1 << 0},
		{"É", "", 1 << 4},
		{`"data" AND "an`, `"data" "and" "an"*`, 0},
		{"NEAR(", `"near"`, 0},
		{"énergie*", `"energie"`, 0},
		{"7", "", 1 << 33},
	}
	for _, tt := range tests {
		got := buildFTS(tt.text, nil)
		if got.expr != tt.expr || got.initial != tt.initial {
			t.Errorf("buildFTS(%q) = %q %b, want %q %b", tt.text, got.expr, got.initial, tt.expr, tt.initial)
		}
	}
}

func TestSearchOneLetterUsesTitleInitials(t *testing.T) {
	st := searchFixture(t)
	tests := map[string][]string{
		"z":      {"z1"},
		"data a": {"d1", "d2"},       // titles with "data" and a word starting with a
		"e":      {"e1", "e2", "e3"}, // énergie, energie, efficiënt
		"w":      {"d4"},             //
		"data w": {"d4"},             // d4's data is in the description
		"r":      {"e1", "e2"},       // renouvelable, renoveren
		"i":      {"e3", "z1"},       // installateurs, in
		"q":      nil,                //
		"m":      {"d1", "d3", "d4"}, // met, module, met
		"d":      {"d1", "d2", "d3", "z1"},
	}
	for text, want := range tests {
		got := sids(search(t, st, catalog.Query{Text: text}))
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
		f, err := st.CountFacets(context.Background(), catalog.Query{Text: text})
		if err != nil || f.Total != len(want) {
			t.Errorf("%q: facets total %d (%v), want %d", text, f.Total, err, len(want))
		}
	}
}

func TestSearchFilters(t *testing.T) {
	st := searchFixture(t)
	price := catalog.Money(40000)
	tests := []struct {
		name string
		q    catalog.Query
		want []string
	}{
		{"all", catalog.Query{}, []string{"d1", "d2", "d3", "d4", "e1", "e2", "e3", "z1"}},
		{"eqf 5", catalog.Query{EQFMin: 5, EQFMax: 5}, []string{"d1", "d3", "e2"}},
		{"eqf 5-6 text", catalog.Query{Text: "energie", EQFMin: 5, EQFMax: 6}, []string{"e2", "e3"}},
		{"online", catalog.Query{Modes: []catalog.Mode{catalog.ModeOnline}}, []string{"d1", "d2", "e3"}},
		{"online or onsite data", catalog.Query{Text: "data", Modes: []catalog.Mode{catalog.ModeOnline, catalog.ModeOnsite}}, []string{"d1", "d2"}},
		{"fr", catalog.Query{Language: "fr"}, []string{"d3", "e1"}},
		{"unknown language", catalog.Query{Language: "de"}, nil},
		{"region BE2", catalog.Query{Region: "BE2"}, []string{"d1", "d4", "e2", "e3", "z1"}},
		{"region be23", catalog.Query{Region: "be23"}, []string{"d1", "e3"}},
		{"max price", catalog.Query{MaxPrice: &price}, []string{"d2", "d3", "d4", "e1", "e3"}},
		{"scheme voucher", catalog.Query{Scheme: "voucher"}, []string{"e2", "z1"}},
		{"start after", catalog.Query{StartAfter: catalog.NewDate(2027, 3, 1)}, []string{"d2", "e2", "e3", "z1"}},
		{"provider", catalog.Query{Provider: "cvo"}, []string{"d4"}},
		{"provider folded", catalog.Query{Text: "data", Provider: "DIGILAB"}, []string{"d1", "d2"}},
		{"skill", catalog.Query{Skills: []string{"http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"}, Language: "en"}, []string{"d2"}},
		{"one letter with filter", catalog.Query{Text: "d", Language: "nl"}, []string{"d1", "z1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sids(search(t, st, tt.q))
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			f, err := st.CountFacets(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if f.Total != len(tt.want) {
				t.Errorf("facets total %d, want %d (the size of the match set)", f.Total, len(tt.want))
			}
			for name, bs := range map[string][]catalog.Bucket{"eqf": f.EQF, "mode": f.Mode} {
				sum := 0
				for _, b := range bs {
					sum += b.Count
				}
				if sum != f.Total {
					t.Errorf("%s buckets sum to %d, total %d", name, sum, f.Total)
				}
			}
		})
	}
	if _, err := st.SearchOffers(context.Background(), catalog.Query{EQFMin: 9}); err == nil {
		t.Error("eqf 9 accepted")
	}
}

func TestCountFacets(t *testing.T) {
	st := searchFixture(t)
	got, err := st.CountFacets(context.Background(), catalog.Query{Text: "data"})
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.Facets{
		Total:    3,
		EQF:      []catalog.Bucket{{Value: "3", Count: 1}, {Value: "4", Count: 1}, {Value: "5", Count: 1}},
		Mode:     []catalog.Bucket{{Value: "online", Count: 2}, {Value: "blended", Count: 1}},
		Language: []catalog.Bucket{{Value: "nl", Count: 2}, {Value: "en", Count: 1}},
		Scheme:   []catalog.Bucket{{Value: "ila", Count: 2}, {Value: "leave", Count: 1}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("facets (-want +got):\n%s", d)
	}
}

func TestSearchPaging(t *testing.T) {
	st := searchFixture(t)
	all := search(t, st, catalog.Query{Text: "e", Limit: 100})
	p1 := search(t, st, catalog.Query{Text: "e", Limit: 2})
	p2 := search(t, st, catalog.Query{Text: "e", Limit: 2, Offset: 2})
	if len(all) != 3 || len(p1) != 2 || len(p2) != 1 || p2[0].Offer.ID != all[2].Offer.ID {
		t.Errorf("paging: all %v p1 %v p2 %v", sids(all), sids(p1), sids(p2))
	}
}

func TestSearchCancelled(t *testing.T) {
	st := searchFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := st.SearchOffers(ctx, catalog.Query{Text: "data"}); err == nil {
		t.Error("cancelled search returned no error")
	}
}

func TestExpandPrefix(t *testing.T) {
	terms := []string{"analyse", "analysis", "data", "energie", "energieaudit", "energy", "zorg"}
	tests := map[string]string{
		"data ana":   `"data" AND ("analyse" OR "analysis")`,
		"energie":    `("energie" OR "energieaudit")`,
		"energy":     `"energy"`,
		"zo":         `"zo"*`, // two letters: the prefix index
		"xyz":        `"xyz"*`,
		"data ana ":  `"data" "ana"`,
		"energ zorg": `"energ" "zorg"`,
	}
	for text, want := range tests {
		if got := buildFTS(text, terms).expr; got != want {
			t.Errorf("%q: got %s, want %s", text, got, want)
		}
	}
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf("abc%02d", i)
	}
	if got := buildFTS("abc", many).expr; got != `"abc"*` {
		t.Errorf("too many words: %s", got)
	}
}

// TestSearchExpansionMatchesPrefix checks that expanding a prefix into the
// vocabulary finds what the FTS prefix query finds.
func TestSearchExpansionMatchesPrefix(t *testing.T) {
	st := searchFixture(t)
	idx, err := st.index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.terms) == 0 {
		t.Fatal("vocabulary not loaded")
	}
	for _, text := range []string{"ene", "energ", "ana", "data ana", "renov", "zorgk", "thuis", "install", "spreadsh", "xyz"} {
		got := sids(search(t, st, catalog.Query{Text: text}))
		idx.terms, err = nil, nil
		native := sids(search(t, st, catalog.Query{Text: text}))
		idx.terms, _ = loadTerms(context.Background(), st.db)
		if !slices.Equal(got, native) {
			t.Errorf("%q: expanded %v, prefix query %v", text, got, native)
		}
	}
}

// FuzzBuildFTS checks that no typed text makes an FTS query fail.
func FuzzBuildFTS(f *testing.F) {
	for _, s := range []string{"", "data an", `"`, `a"b*c`, "NEAR(a b, 3)", "x AND y OR NOT z", "title:x", "^x", "{a b}:c", "é", "\xff", "-", "*"} {
		f.Add(s)
	}
	st := searchFixture(f)
	f.Fuzz(func(t *testing.T, text string) {
		if _, err := st.SearchOffers(context.Background(), catalog.Query{Text: text}); err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		if _, err := st.CountFacets(context.Background(), catalog.Query{Text: text}); err != nil {
			t.Fatalf("facets %q: %v", text, err)
		}
	})
}

// TestIndexSnapshotMatchesScan checks that the index saved by imports
// (added, changed, withdrawn, a second source) equals one built from the rows.
func TestIndexSnapshotMatchesScan(t *testing.T) {
	st := searchFixture(t)
	ctx := context.Background()
	a, b := testOffer("x1", "Extra een"), testOffer("x2", "Extra twee")
	b.Region, b.Languages, b.Schemes, b.Price = "NL414", []string{"en", "de"}, []string{"leave"}, nil
	b.Country = "NL"
	if _, err := st.ImportOffers(ctx, "other", seq(func() catalog.Offer { a.Source = "other"; return a }(), func() catalog.Offer { b.Source = "other"; return b }()), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	c := testOffer("e1", "Énergie renouvelable (nouveau)")
	mustImport(t, st, OfferImportOptions{Full: true}, c) // changes e1, withdraws the rest of "test"
	gen, _ := st.generation(ctx)
	snap, err := baseIndex(ctx, st.db, gen)
	if err != nil {
		t.Fatal(err)
	}
	scan, err := scanIndex(ctx, st.db)
	if err != nil {
		t.Fatal(err)
	}
	if snap.active != scan.active || snap.active != 3 {
		t.Errorf("active: snapshot %d, scan %d, want 3", snap.active, scan.active)
	}
	names := func(in interner, id int) string { return in.names[id] }
	for rid := 1; rid < min(snap.n, scan.n); rid++ {
		got := fmt.Sprint(snap.status[rid], snap.eqf[rid], names(snap.modeIDs, int(snap.mode[rid])), names(snap.regionIDs, int(snap.region[rid])),
			snap.price[rid], snap.start[rid], snap.prov[rid], snap.award[rid], snap.initials[rid])
		want := fmt.Sprint(scan.status[rid], scan.eqf[rid], names(scan.modeIDs, int(scan.mode[rid])), names(scan.regionIDs, int(scan.region[rid])),
			scan.price[rid], scan.start[rid], scan.prov[rid], scan.award[rid], scan.initials[rid])
		if got != want {
			t.Errorf("rid %d: snapshot %s, scan %s", rid, got, want)
		}
	}
	if _, err := fromParts([][]byte{[]byte("KRX2 broken")}); err == nil {
		t.Error("damaged snapshot accepted")
	}
	if saved, err := savedIndex(ctx, st.db, gen); err != nil || saved == nil || saved.active != 3 || saved.n != snap.n {
		t.Errorf("saved index for the current generation: %v, %v", saved, err)
	}
	if saved, err := savedIndex(ctx, st.db, gen+"-other"); err != nil || saved != nil {
		t.Errorf("saved index for another generation: %v, %v (want none)", saved, err)
	}
	// A damaged saved index is not used: the index is rebuilt from the rows.
	if _, err := st.db.ExecContext(ctx, `UPDATE register_index_parts SET data = X'4B5258320000' WHERE part = 0`); err != nil {
		t.Fatal(err)
	}
	if saved, err := savedIndex(ctx, st.db, gen); err != nil || saved != nil {
		t.Errorf("damaged saved index: %v, %v (want none)", saved, err)
	}
	if rebuilt, err := baseIndex(ctx, st.db, gen); err != nil || rebuilt.active != 3 {
		t.Errorf("index rebuilt past a damaged snapshot: %v, %v", rebuilt, err)
	}
	// Searches read the snapshot: the withdrawn offers are gone.
	if got := sids(search(t, st, catalog.Query{Text: "energie"})); !slices.Equal(got, []string{"e1"}) {
		t.Errorf("after full import: %v", got)
	}
	if got := sids(search(t, st, catalog.Query{Language: "de"})); !slices.Equal(got, []string{"x2"}) {
		t.Errorf("second source language: %v", got)
	}
}

// TestSearchColdMatchesWarm checks that the first search of a fresh store,
// answered from SQL while the index loads, gives what the index gives.
func TestSearchColdMatchesWarm(t *testing.T) {
	st := searchFixture(t)
	ctx := context.Background()
	mustImport(t, st, OfferImportOptions{Full: true}, testOffer("e1", "Énergie renouvelable")) // withdraws the rest
	for _, q := range []catalog.Query{{Text: "energie"}, {}, {Text: "data an"}, {Withdrawn: true, Text: "energie"}} {
		warm := search(t, st, q)
		cold, err := Open(ctx, st.Path(), Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := cold.searchCold(ctx, q)
		cold.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(sids(got), sids(warm)) {
			t.Errorf("%+v: cold %v, warm %v", q, sids(got), sids(warm))
		}
	}
}

// Ranking under filters computes bm25 in Go (rankInGo, through the pass
// map); ranking otherwise asks FTS5's bm25 (rank, calling the Go filter
// for each match): both give the same offers with the same scores, and
// a pass map never outlives the index it was made from.
func TestSearchFilterPathsAgree(t *testing.T) {
	st := searchFixture(t)
	price := catalog.Money(40000)
	for _, q := range []catalog.Query{
		{Text: "data", Language: "nl"},
		{Text: "energie", Modes: []catalog.Mode{catalog.ModeOnline, catalog.ModeOnsite}},
		{Text: "data", MaxPrice: &price},
		{Text: "energie", Region: "BE2", Scheme: "voucher"},
		{Text: "analyse", EQFMin: 5, EQFMax: 6},
		{Text: "data analyse", EQFMin: 1, EQFMax: 8},
		{Text: "ener", EQFMin: 1, EQFMax: 8},
		{Text: "da", EQFMin: 1, EQFMax: 8},
	} {
		for _, budget := range []int{1, 2, 100} { // a small budget shows a wrong map: it spends the budget on offers that fail
			sameRanking(t, st, q, budget)
		}
	}
	// The same filters after an import that moves d1 out of Dutch: the
	// pass map made before is not used again.
	q := catalog.Query{Text: "data", Language: "nl"}
	if got := sids(search(t, st, q)); !slices.Contains(got, "d1") {
		t.Fatalf("before: %v", got)
	}
	d1 := testOffer("d1", "Data-analyse met Python")
	d1.Languages = []string{"en"}
	mustImport(t, st, OfferImportOptions{}, d1)
	if got := sids(search(t, st, q)); slices.Contains(got, "d1") {
		t.Errorf("after d1 became English, nl still finds it: %v", got)
	}
	// d1 comes first in rowid order: with a stale map it would take the
	// budget of one and the Go check would drop it.
	if got := sameRanking(t, st, q, 1); len(got) != 1 {
		t.Errorf("after the import, budget 1: %v", got)
	}
}

// sameRanking ranks q both ways and fails unless they agree.
func sameRanking(t *testing.T, st *Store, q catalog.Query, budget int) []scored {
	t.Helper()
	sameRankingIn(t, st, titleOnly, q, budget)
	return sameRankingIn(t, st, allColumns, q, budget)
}

// sameRankingIn checks that bm25 computed in Go ranks q's matches in ix
// as FTS5's bm25 does.
func sameRankingIn(t *testing.T, st *Store, ix *ftsIndex, q catalog.Query, budget int) []scored {
	t.Helper()
	ctx := context.Background()
	idx, err := st.index(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fq := buildFTS(q.Text, idx.terms)
	f, err := st.compileFilter(ctx, q, idx, 0)
	if err != nil {
		t.Fatal(err)
	}
	viaGo, err := st.rankInGo(ctx, ix, fq, f, budget)
	if err != nil {
		t.Fatal(err)
	}
	f.initial = ^uint64(0) // every initial passes: FTS5's bm25 through koers_keep, same offers
	viaFTS, err := st.rank(ctx, ix, fq.expr, f, budget)
	if err != nil {
		t.Fatal(err)
	}
	if len(viaGo) != len(viaFTS) {
		t.Fatalf("%s %q %+v budget %d: Go %v, FTS5 %v", ix.table, q.Text, q, budget, viaGo, viaFTS)
	}
	for i := range viaGo {
		g, w := viaGo[i], viaFTS[i]
		if g.rid != w.rid || math.Abs(g.score-w.score) > 1e-9*max(1, math.Abs(w.score)) {
			t.Fatalf("%s %q %+v budget %d, #%d: Go %v, FTS5 %v", ix.table, q.Text, q, budget, i, g, w)
		}
	}
	return viaGo
}

// A first search starts loading the index in the background; Close waits
// for that load, so nothing touches the database file after it returns.
func TestCloseWaitsForTheIndexLoad(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "koers.db")
	st, err := Open(ctx, path, Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, st, OfferImportOptions{}, testOffer("a", "Energie in huis"), testOffer("b", "Data-analyse"))
	st.Close()
	for range 20 {
		st, err := Open(ctx, path, Options{Actor: "tester"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SearchOffers(ctx, catalog.Query{Text: "energie"}); err != nil { // answered cold; the load starts
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if st.reg.loading.Load() {
			t.Fatal("the background index load still runs after Close")
		}
	}
}
