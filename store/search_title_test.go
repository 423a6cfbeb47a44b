package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// titleRegister is a mixed register in the shape issue 12 saw: many
// catalogue entries that mention a word once in a short description,
// imported first, and a few whose title holds it, with long descriptions.
func titleRegister(t testing.TB, mentions int) *Store {
	t.Helper()
	st := openTB(t)
	var offers []catalog.Offer
	for i := range mentions {
		o := testOffer(fmt.Sprintf("m%05d", i), fmt.Sprintf("Spreadsheet skills %d", i))
		o.Description = "Formulas and charts; a short look at Python at the end."
		offers = append(offers, o)
	}
	long := strings.Repeat("Lists, dictionaries, tuples, files and loops, step by step with many exercises. ", 40)
	for i := range 5 {
		o := testOffer(fmt.Sprintf("t%d", i), fmt.Sprintf("Python Data Structures %d", i))
		o.Description = long
		offers = append(offers, o)
	}
	mustImport(t, st, OfferImportOptions{}, offers...)
	return st
}

// TestTitleMatchOutranksDescription (issue 12): in a mixed register a
// title match ranks above every description-only match, with filters
// (ranked in Go), without (ranked by FTS5) and before the in-memory index
// is loaded (the cold path), also beyond the first thousand matches.
func TestTitleMatchOutranksDescription(t *testing.T) {
	st := titleRegister(t, 1500)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    catalog.Query
	}{
		{"no filter", catalog.Query{Text: "python", Limit: 10}},
		{"prefix", catalog.Query{Text: "pyth", Limit: 10}},
		{"filtered", catalog.Query{Text: "python", Language: "nl", Limit: 10}},
		{"two words", catalog.Query{Text: "python data", Limit: 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := st.SearchOffers(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) < 5 {
				t.Fatalf("%d hits", len(hits))
			}
			for i, h := range hits[:5] {
				if !strings.HasPrefix(h.Offer.Title, "Python Data Structures") {
					t.Errorf("hit %d is %q, want a title match", i+1, h.Offer.Title)
				}
			}
		})
	}
	t.Run("cold", func(t *testing.T) {
		hits, err := st.searchCold(ctx, catalog.Query{Text: "python", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range hits[:5] {
			if !strings.HasPrefix(h.Offer.Title, "Python Data Structures") {
				t.Errorf("cold hit %d is %q, want a title match", i+1, h.Offer.Title)
			}
		}
	})
}

// titleRows is what offers_title_fts holds for each word of the fixture's
// titles: the rows matching "python" and "spreadsheet".
func titleRows(t *testing.T, st *Store) (python, sheet int) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []struct {
		word string
		n    *int
	}{{"python", &python}, {"spreadsheet", &sheet}} {
		if err := st.db.QueryRowContext(ctx, `SELECT count(*) FROM offers_title_fts WHERE offers_title_fts MATCH ?`, c.word).Scan(c.n); err != nil {
			t.Fatal(err)
		}
	}
	return python, sheet
}

// The title index follows imports (added, changed, withdrawn offers) and
// a register imported before it existed is indexed by its migration.
func TestTitleIndexFollowsImportsAndMigration(t *testing.T) {
	ctx := context.Background()
	st := titleRegister(t, 30)
	if p, s := titleRows(t, st); p != 5 || s != 30 {
		t.Fatalf("after import: python %d, spreadsheet %d; want 5, 30", p, s)
	}
	// a changed title leaves the index with its new words only
	o := testOffer("t0", "Spreadsheet basics")
	o.Description = "No snake here."
	if _, err := st.ImportOffers(ctx, "test", seq(o), OfferImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if p, s := titleRows(t, st); p != 4 || s != 31 {
		t.Fatalf("after a change: python %d, spreadsheet %d; want 4, 31", p, s)
	}
	sameRanking(t, st, catalog.Query{Text: "pyth", Language: "nl"}, filteredBudget)
	sameRanking(t, st, catalog.Query{Text: "spreadsheet skills", EQFMin: 1, EQFMax: 8}, filteredBudget)

	// the register as a koers before migration 16 left it (0023's triggers on
	// people.version and plans.version go with the columns; 0023 runs again)
	path := st.Path()
	if _, err := st.db.ExecContext(ctx, `DROP TABLE offers_title_fts; DROP TRIGGER sync_out_people; DROP TRIGGER sync_out_plans; ALTER TABLE people DROP COLUMN version; ALTER TABLE plans DROP COLUMN version; PRAGMA user_version = 15`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// up to 18: the team migration's (19) columns are still there
	again, err := Open(ctx, path, Options{Actor: "tester", TargetVersion: 18})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if p, s := titleRows(t, again); p != 4 || s != 31 {
		t.Fatalf("after the migration: python %d, spreadsheet %d; want 4, 31", p, s)
	}
	hits, err := again.SearchOffers(ctx, catalog.Query{Text: "python", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hits[:4] {
		if !strings.HasPrefix(h.Offer.Title, "Python Data Structures") {
			t.Errorf("hit %d is %q, want a title match", i+1, h.Offer.Title)
		}
	}
}
