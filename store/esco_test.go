package store

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/koers-project/koers/catalog"
)

// sharedData is ../shared/data relative to the repository root, or the
// test is skipped.
func sharedData(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "shared", "data"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s absent (%v): skipping", p, err)
	}
	return p
}

func openZip(t testing.TB, path string) ESCOSource {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { z.Close() })
	return ESCOSource{FS: z, Label: filepath.Base(path)}
}

// escoEN opens both English ESCO zips.
func escoEN(t testing.TB) []ESCOSource {
	dir := sharedData(t, "esco", "v1.1.1-en")
	return []ESCOSource{
		openZip(t, filepath.Join(dir, "ESCO dataset - v1.1.1 - classification - en - csv.zip")),
		openZip(t, filepath.Join(dir, "ESCO dataset - v1.1.1 - classification -  - csv.zip")),
	}
}

func TestImportESCORealEN_FR_NL(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the full ESCO import")
	}
	ctx := context.Background()
	st := openTemp(t)
	c, err := st.ImportESCO(ctx, escoEN(t)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"occupations", c.Occupations, 3007},
		{"skills", c.Skills, 13896},
		{"isco groups", c.ISCOGroups, 619},
		{"relations", c.Relations, 123855},
		{"essential", c.Essential, 64946},
		{"optional", c.Optional, 58909},
		{"dangling relations", c.DanglingRelations, 67},
		{"empty skill type", c.EmptySkillType, 11},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	for _, q := range []struct {
		kind string
		want int
	}{
		{"occupation", 3007}, {"skill", 13896}, {"isco_group", 619},
	} {
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM esco_concepts WHERE kind = ?`, q.kind).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != q.want {
			t.Errorf("stored %s: %d, want %d", q.kind, n, q.want)
		}
	}
	var rels, ess int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE relation = 'essential') FROM esco_occupation_skills`).Scan(&rels, &ess); err != nil {
		t.Fatal(err)
	}
	if rels != 123855 || ess != 64946 {
		t.Errorf("stored relations %d (essential %d), want 123855 (64946)", rels, ess)
	}

	// French and Dutch folders lack skills and relations: tolerated.
	fr, err := st.ImportESCO(ctx,
		ESCOSource{FS: os.DirFS(sharedData(t, "esco", "v1.1.1-fr")), Label: "v1.1.1-fr"},
		ESCOSource{FS: os.DirFS(sharedData(t, "esco", "v1.0-nl")), Label: "v1.0-nl"})
	if err != nil {
		t.Fatal(err)
	}
	if fr.Occupations == 0 || !contains(fr.Languages, "fr") || !contains(fr.Languages, "nl") {
		t.Fatalf("fr/nl import: %+v", fr)
	}
	// The old Dutch files call a few v1.1.1 skills skill groups: the
	// first kind stays.
	if fr.Stored["skill"] != 13896 || fr.Stored["isco_group"] != 619 {
		t.Errorf("after fr/nl: %v", fr.Stored)
	}

	hairdresser := "http://data.europa.eu/esco/occupation/" // filled below
	var uri string
	if err := st.DB().QueryRowContext(ctx, `SELECT uri FROM esco_texts WHERE lang = 'en' AND preferred = 'hairdresser'`).Scan(&uri); err != nil {
		t.Fatal(err)
	}
	hairdresser = uri
	var advisor string
	if err := st.DB().QueryRowContext(ctx, `SELECT uri FROM esco_texts WHERE lang = 'en' AND preferred = 'career guidance advisor'`).Scan(&advisor); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query, lang, want, wantLabel string
	}{
		{"kapper", "nl", hairdresser, ""},
		{"coiffeuse", "fr", hairdresser, ""},
		{"Coiffeur/Coiffeuse", "fr", hairdresser, ""},
		{"hairdresser", "en", hairdresser, "hairdresser"},
		{"loopbaanbegeleider", "nl", advisor, ""},
		{"career guidance counsellor", "en", advisor, "career guidance advisor"},
		{"Career-Guidance  Counsellor", "en", advisor, "career guidance advisor"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			ms, err := st.MatchConcepts(ctx, catalog.KindOccupation, tc.query, tc.lang, 5)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			found := false
			for _, m := range ms {
				got = append(got, m.Label+" ["+m.MatchedLabel+"]")
				if m.URI == tc.want {
					found = true
					if tc.wantLabel != "" && m.Label != tc.wantLabel {
						t.Errorf("label %q, want %q", m.Label, tc.wantLabel)
					}
					if m.LabelLang != tc.lang {
						t.Errorf("labelled in %s, want %s", m.LabelLang, tc.lang)
					}
				}
			}
			if !found {
				t.Fatalf("%q (%s): want %s in top 5, got %s", tc.query, tc.lang, tc.want, strings.Join(got, "; "))
			}
		})
	}
	// Skills exist only in English: a Dutch interface falls back to it.
	ms, err := st.MatchConcepts(ctx, catalog.KindSkill, "develop digital content", "nl", 3)
	if err != nil || len(ms) == 0 {
		t.Fatalf("skill match: %v %v", ms, err)
	}
	if ms[0].LabelLang != "en" || ms[0].Label != "develop digital content" {
		t.Errorf("skill fallback label %+v", ms[0])
	}

	// Re-import is idempotent: nothing added or changed.
	again, err := st.ImportESCO(ctx, escoEN(t)...)
	if err != nil {
		t.Fatal(err)
	}
	if again.Added != 0 || again.Changed != 0 || again.Unchanged == 0 {
		t.Errorf("re-import: added %d changed %d unchanged %d", again.Added, again.Changed, again.Unchanged)
	}
}

func TestImportESCONoFiles(t *testing.T) {
	st := openTemp(t)
	_, err := st.ImportESCO(context.Background(), ESCOSource{FS: fstest.MapFS{"readme.txt": {Data: []byte("hi")}}, Label: "empty.zip"})
	if err == nil || !strings.Contains(err.Error(), "empty.zip") || !strings.Contains(err.Error(), "no ESCO CSV files") {
		t.Fatalf("got %v", err)
	}
}

func TestESCOStats(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	if e, err := st.ESCOStats(ctx); err != nil || e.Occupations != 0 || !e.ImportedAt.IsZero() {
		t.Fatalf("empty: %+v %v", e, err)
	}
	fsys := fstest.MapFS{
		"occupations_en.csv":           {Data: []byte("conceptType,conceptUri,iscoGroup,preferredLabel\nOccupation,http://e/o/1,5141,hairdresser\n")},
		"occupations_nl.csv":           {Data: []byte("conceptType,conceptUri,iscoGroup,preferredLabel\nOccupation,http://e/o/1,5141,kapper\n")},
		"skills_en.csv":                {Data: []byte("conceptType,conceptUri,skillType,preferredLabel\nKnowledgeSkillCompetence,http://e/s/1,knowledge,cut hair\n")},
		"occupationSkillRelations.csv": {Data: []byte("occupationUri,relationType,skillType,skillUri\nhttp://e/o/1,essential,knowledge,http://e/s/1\n")},
	}
	if _, err := st.ImportESCO(ctx, ESCOSource{FS: fsys, Label: "esco"}); err != nil {
		t.Fatal(err)
	}
	e, err := st.ESCOStats(ctx)
	if err != nil || e.Occupations != 1 || e.Skills != 1 || e.Relations != 1 || e.Essential != 1 || len(e.Languages) != 2 || e.ImportedAt.IsZero() {
		t.Fatalf("%+v %v", e, err)
	}
	rs, err := st.RegisterStats(ctx)
	if err != nil || rs.Occupations != 1 || rs.Skills != 1 || rs.Relations != 1 {
		t.Fatalf("register stats %+v %v", rs, err)
	}
}
