package store

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// dbHash hashes every row of every table, so a test can prove an import
// left the database untouched.
func dbHash(t *testing.T, st *Store) string {
	t.Helper()
	return tablesHash(t, st, nil)
}

// registerHash hashes every table but those whose bytes an import that
// failed may leave different while their meaning is the same: the FTS
// index's segments (a staged row, indexed then deleted, leaves a merged
// segment behind) and the interned provider and skill names (a name no
// row uses). registerUnchanged checks the FTS index by what it finds.
func registerHash(t *testing.T, st *Store) string {
	t.Helper()
	return tablesHash(t, st, map[string]bool{"offers_fts_data": true, "offers_fts_idx": true, "offers_title_fts_data": true, "offers_title_fts_idx": true, "offer_orgs": true, "offer_skill_uris": true})
}

func tablesHash(t *testing.T, st *Store, skip map[string]bool) string {
	t.Helper()
	ctx := context.Background()
	rows, err := st.DB().QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	h := sha256.New()
	for _, tb := range tables {
		if skip[tb] {
			continue
		}
		r, err := st.DB().QueryContext(ctx, fmt.Sprintf(`SELECT * FROM "%s" ORDER BY 1`, tb))
		if err != nil {
			continue // virtual table shadow quirks
		}
		cols, _ := r.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for r.Next() {
			r.Scan(ptrs...)
			fmt.Fprintf(h, "%s %v\n", tb, vals)
		}
		r.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func jsonl(offers ...string) string { return strings.Join(offers, "\n") + "\n" }

func offerLine(src, sid, title string) string {
	return fmt.Sprintf(`{"source":%q,"source_id":%q,"title":%q,"provider":"CVO Noord","country":"BE","eqf":4,"ects":3,"hours":80,"mode":"online","languages":["nl"],"learning_outcomes":[{"text":"x","skills":[{"uri":"http://data.europa.eu/esco/skill/1"}]}]}`, src, sid, title)
}

const escoOcc = "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status\n" +
	"Occupation,http://data.europa.eu/esco/occupation/h,5141,hairdresser,\"hair stylist\nbarber\",,released\n"
const escoRel = "occupationUri,relationType,skillType,skillUri\n" +
	"http://data.europa.eu/esco/occupation/h,essential,skill/competence,http://data.europa.eu/esco/skill/1\n" +
	"http://data.europa.eu/esco/occupation/gone,optional,,http://data.europa.eu/esco/skill/1\n"

func TestImportOneTransactionAcrossPaths(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	dir := t.TempDir()
	a := writeFile(t, dir, "a.jsonl", jsonl(offerLine("vdab", "1", "Boekhouden"), offerLine("vdab", "2", "Lassen")))
	b := writeFile(t, dir, "b.jsonl", jsonl(offerLine("forem", "9", "Comptabilité")))
	escoDir := filepath.Join(dir, "esco")
	os.Mkdir(escoDir, 0o700)
	writeFile(t, escoDir, "occupations_en.csv", escoOcc)
	writeFile(t, escoDir, "occupationSkillRelations.csv", escoRel)
	writeFile(t, escoDir, "README.txt", "ignored")

	rep, err := st.Import(ctx, []string{a, b, escoDir}, ImportOptions{})
	if err != nil {
		t.Fatalf("%v\n%v", err, rep.Errors)
	}
	if rep.Offers.Added != 3 || len(rep.Sources) != 2 || rep.ESCO == nil || rep.ESCO.Occupations != 1 || rep.ESCO.Relations != 2 || rep.ESCO.DanglingRelations != 2 {
		t.Fatalf("report %+v esco %+v", rep, rep.ESCO)
	}
	// Re-import: idempotent.
	rep, err = st.Import(ctx, []string{a, b, escoDir}, ImportOptions{})
	if err != nil || rep.Offers.Unchanged != 3 || rep.Offers.Added+rep.Offers.Changed != 0 || rep.ESCO.Added+rep.ESCO.Changed != 0 {
		t.Fatalf("re-import %+v %v", rep.Offers, err)
	}
	// Full re-import of vdab without offer 2 withdraws it, never deletes.
	a2 := writeFile(t, dir, "a2.jsonl", jsonl(offerLine("vdab", "1", "Boekhouden (nieuw)")))
	rep, err = st.Import(ctx, []string{a2}, ImportOptions{Full: true})
	if err != nil || rep.Offers.Changed != 1 || rep.Offers.Withdrawn != 1 {
		t.Fatalf("full re-import %+v %v", rep.Offers, err)
	}
	var status string
	if err := st.DB().QueryRowContext(ctx, `SELECT status FROM offers WHERE source = 'vdab' AND source_id = '2'`).Scan(&status); err != nil || status != "withdrawn" {
		t.Fatalf("offer 2: %q %v", status, err)
	}
	var last string
	if err := st.DB().QueryRowContext(ctx, `SELECT last_import_at FROM sources WHERE name = 'forem'`).Scan(&last); err != nil || last == "" {
		t.Fatalf("source import time %q %v", last, err)
	}
}

func TestImportBadInputLeavesDatabaseUnchanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good := writeFile(t, dir, "good.jsonl", jsonl(offerLine("vdab", "1", "Boekhouden")))
	good2 := writeFile(t, dir, "good2.jsonl", jsonl(offerLine("vdab", "3", "Metselen")))
	esco := filepath.Join(dir, "occupations_en.csv")
	writeFile(t, dir, "occupations_en.csv", escoOcc)
	emptyZip := filepath.Join(dir, "empty.zip")
	{
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("notes.txt")
		w.Write([]byte("no esco here"))
		zw.Close()
		os.WriteFile(emptyZip, buf.Bytes(), 0o600)
	}
	for _, tc := range []struct {
		name, file, body string
		wantFile         string
		wantLine         int
		wantField        string
	}{
		{"truncated json", "t.jsonl", offerLine("vdab", "2", "X")[:40], "t.jsonl", 1, ""},
		{"latin-1 csv", "l.csv", "source_id,title,provider\nA,Caf\xe9,B\n", "l.csv", 2, "title"},
		{"missing required column", "m.csv", "source_id,provider\nA,B\n", "m.csv", 1, "title"},
		{"eqf 9", "e.jsonl", strings.Replace(offerLine("vdab", "2", "X"), `"eqf":4`, `"eqf":9`, 1), "e.jsonl", 1, "eqf"},
		{"negative ects", "n.jsonl", strings.Replace(offerLine("vdab", "2", "X"), `"ects":3`, `"ects":-3`, 1), "n.jsonl", 1, "ects"},
		{"zip without esco", "", "", "empty.zip", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openTemp(t)
			if _, err := st.Import(ctx, []string{good}, ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			before := registerHash(t, st)
			bad := emptyZip
			if tc.file != "" {
				bad = writeFile(t, dir, tc.file, tc.body)
			}
			// The bad file sits between good ones: nothing of them lands either.
			rep, err := st.Import(ctx, []string{good2, esco, bad}, ImportOptions{})
			if !errors.Is(err, ErrImportInput) {
				t.Fatalf("err %v", err)
			}
			if after := registerHash(t, st); after != before {
				t.Fatal("database changed by a failed import")
			}
			if _, err := st.DB().ExecContext(ctx, `INSERT INTO offers_fts (offers_fts, rank) VALUES ('integrity-check', 0)`); err != nil {
				t.Fatalf("FTS index after a failed import: %v", err)
			}
			for _, q := range []string{"Metselen", "Boekhouden"} {
				var n int
				if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM offers_fts WHERE offers_fts MATCH ?`, q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if want := map[string]int{"Metselen": 0, "Boekhouden": 1}[q]; n != want {
					t.Errorf("FTS finds %q %d times after a failed import, want %d", q, n, want)
				}
			}
			if !strings.Contains(err.Error(), tc.wantFile) {
				t.Errorf("error %q does not name %s", err, tc.wantFile)
			}
			if tc.file != "" {
				if len(rep.Errors) == 0 || filepath.Base(rep.Errors[0].File) != tc.wantFile || rep.Errors[0].Line != tc.wantLine || rep.Errors[0].Field != tc.wantField {
					t.Errorf("errors %+v", rep.Errors)
				}
			}
		})
	}
}

func TestImportDryRunAndExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	dir := t.TempDir()
	a := writeFile(t, dir, "a.jsonl", jsonl(offerLine("vdab", "1", "Boekhouden"), offerLine("forem", "2", "Soudure")))
	before := dbHash(t, st)
	rep, err := st.Import(ctx, []string{a}, ImportOptions{DryRun: true})
	if err != nil || rep.Offers.Added != 2 || !rep.DryRun {
		t.Fatalf("dry run %+v %v", rep, err)
	}
	if dbHash(t, st) != before {
		t.Fatal("dry run changed the database")
	}
	if _, err := st.Import(ctx, []string{a}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := catalog.WriteJSONLines(&buf, st.EachOffer(ctx, ""))
	if err != nil || n != 2 {
		t.Fatalf("export %d %v", n, err)
	}
	out := writeFile(t, dir, "export.jsonl", buf.String())
	rep, err = st.Import(ctx, []string{out}, ImportOptions{})
	if err != nil || rep.Offers.Unchanged != 2 || len(rep.Sources) != 2 {
		t.Fatalf("re-import of the export %+v %v", rep, err)
	}
}

// TestImportFolderOfZips imports a folder holding zips (the ESCO download as
// served is two zips in one folder) together with a loose register file.
func TestImportFolderOfZips(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mkzip := func(name, inner, body string) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create(inner)
		w.Write([]byte(body))
		zw.Close()
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mkzip("a.zip", "offers.jsonl", jsonl(offerLine("vdab", "1", "Boekhouden")))
	mkzip("b.zip", "occupations_en.csv", escoOcc)
	writeFile(t, dir, "more.jsonl", jsonl(offerLine("vdab", "2", "Metselen")))
	writeFile(t, dir, "README.txt", "not a register file")
	st := openTemp(t)
	rep, err := st.Import(ctx, []string{dir}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Offers.Added != 2 {
		t.Errorf("offers added %d, want 2 (%+v)", rep.Offers.Added, rep.Offers)
	}
	var occ int
	st.DB().QueryRowContext(ctx, `SELECT count(*) FROM esco_concepts`).Scan(&occ)
	if occ == 0 {
		t.Error("the zip's ESCO occupations were not imported")
	}

	empty := t.TempDir()
	mkzipIn := filepath.Join(empty, "x.zip")
	{
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("notes.txt")
		w.Write([]byte("nothing"))
		zw.Close()
		os.WriteFile(mkzipIn, buf.Bytes(), 0o600)
	}
	if _, err := st.Import(ctx, []string{empty}, ImportOptions{}); !errors.Is(err, ErrImportInput) {
		t.Fatalf("folder with an empty zip: %v", err)
	}
}
