package store

import (
	"context"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/sample"
)

// bm25 computed in Go equals FTS5's bm25 on real-looking text: the sample
// register (Dutch, French, English, diacritics, hyphens, apostrophes) and
// a synthetic one, for every keystroke of typed phrases, words, prefixes
// of two letters and expanded prefixes alike.
func TestBM25InGoEqualsFTS5(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 3,500 offers")
	}
	ctx := context.Background()
	st := openTB(t)
	offers, err := sample.Offers()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportOffers(ctx, "sample", seq(offers...), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var gen []catalog.Offer
	for o := range catalog.Generate(3, 3000) {
		gen = append(gen, o)
	}
	if _, err := st.ImportOffers(ctx, "gen", seq(gen...), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	price := catalog.Money(90000)
	filters := []catalog.Query{{EQFMin: 1, EQFMax: 8}, {Language: "nl"}, {Language: "fr", MaxPrice: &price}, {Modes: []catalog.Mode{catalog.ModeOnsite}}}
	for _, phrase := range []string{"data analyse python", "énergie renouvelable", "zorgkundige thuiszorg", "l'aide-soignant", "warmtepomp installateur", "project management team", "Nederlands voor de zorg (B1)", "heat pump"} {
		for i := 1; i <= len(phrase); i++ {
			for _, f := range filters {
				q := f
				q.Text = phrase[:i]
				if buildFTS(q.Text, nil).expr == "" {
					continue
				}
				sameRanking(t, st, q, filteredBudget)
			}
		}
	}
}

func TestSqliteVarint(t *testing.T) {
	for _, c := range []struct {
		in   []byte
		want uint64
		n    int
	}{
		{[]byte{0x05}, 5, 1},
		{[]byte{0x81, 0x00}, 128, 2},
		{[]byte{0xff, 0x7f}, 16383, 2},
		{[]byte{0x82, 0x80, 0x00}, 1 << 15, 3},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ^uint64(0), 9},
		{[]byte{0x81}, 0, 0},
		{nil, 0, 0},
	} {
		if v, n := sqliteVarint(c.in); v != c.want || n != c.n {
			t.Errorf("%x: %d (%d bytes), want %d (%d)", c.in, v, n, c.want, c.n)
		}
	}
	if _, _, err := parseFTSAverages([]byte{0x81}, 5); err == nil {
		t.Error("a cut totals record was accepted")
	}
}

// termRowsMatchFTS checks every count offer_term_rows keeps against FTS5
// itself, and that no word or two-letter prefix FTS knows is missing.
func termRowsMatchFTS(t *testing.T, st *Store) {
	t.Helper()
	ctx := context.Background()
	rows, err := loadTermRows(ctx, st.db)
	if err != nil || rows == nil {
		t.Fatalf("term rows: %v %v", rows, err)
	}
	terms, err := loadTerms(ctx, st.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range terms {
		for _, p := range []ftsPhrase{{text: term}, {text: term[:max(prefix2(term), 1)], prefix: true}} {
			if p.prefix && prefix2(p.text) != len(p.text) {
				continue
			}
			var n int64
			if err := st.db.QueryRowContext(ctx, `SELECT count(*) FROM offers_fts WHERE offers_fts MATCH ?`, p.match()).Scan(&n); err != nil {
				t.Fatal(err)
			}
			key := p.text
			if p.prefix {
				key += "*"
			}
			if rows[key] != n {
				t.Errorf("%s: kept %d, FTS5 counts %d", key, rows[key], n)
			}
		}
	}
}

func TestTermRowsFollowImports(t *testing.T) {
	ctx := context.Background()
	st := searchFixture(t)
	termRowsMatchFTS(t, st)
	// a second source, a changed offer (new words, words gone), a withdrawal
	x := testOffer("x1", "Lassen voor beginners")
	x.Source = "other"
	if _, err := st.ImportOffers(ctx, "other", seq(x), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	e1 := testOffer("e1", "Zonnepanelen plaatsen")
	e1.Description = "Géén énergie meer in de titel."
	mustImport(t, st, OfferImportOptions{Full: true}, e1)
	termRowsMatchFTS(t, st)
	mustImport(t, st, OfferImportOptions{Full: true}, e1) // unchanged
	termRowsMatchFTS(t, st)
	sameRanking(t, st, catalog.Query{Text: "zonne", EQFMin: 1, EQFMax: 8}, filteredBudget)
	sameRanking(t, st, catalog.Query{Text: "en", EQFMin: 1, EQFMax: 8}, filteredBudget)
}

// A register whose offers came before the counts were kept (migration
// 0010) has none it can trust: ranking counts through FTS until the next
// import counts every offer afresh.
func TestTermRowsIncompleteAreRecounted(t *testing.T) {
	ctx := context.Background()
	st := searchFixture(t)
	if _, err := st.db.ExecContext(ctx, `DELETE FROM offer_term_rows WHERE phrase > 'e'; DELETE FROM meta WHERE key = 'register.term_rows'`); err != nil {
		t.Fatal(err)
	}
	st.registerChanged()
	if rows, err := loadTermRows(ctx, st.db); err != nil || rows != nil {
		t.Fatalf("incomplete counts loaded: %v %v", rows, err)
	}
	sameRanking(t, st, catalog.Query{Text: "energie", EQFMin: 1, EQFMax: 8}, filteredBudget)
	sameRanking(t, st, catalog.Query{Text: "ene", Language: "nl"}, filteredBudget)
	mustImport(t, st, OfferImportOptions{}, testOffer("n1", "Nieuwe energie"))
	termRowsMatchFTS(t, st)
	sameRanking(t, st, catalog.Query{Text: "nieuwe energie", EQFMin: 1, EQFMax: 8}, filteredBudget)
}
