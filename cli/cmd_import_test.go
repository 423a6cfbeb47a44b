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
	"time"

	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/store"
)

func importCLI(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"KOERS_COUNSELLOR": "tester", "LANG": "en"}
	code := run(context.Background(), "test", append([]string{"--db", db}, args...), strings.NewReader(""), &out, &errb,
		func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestImportCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	reg := filepath.Join(dir, "cvo.csv")
	os.WriteFile(reg, []byte("source_id,title,provider,country,eqf,ects,hours,mode,languages\nA1,Boekhouden,CVO Noord,BE,4,3,80,online,nl\nA2,Lassen,CVO Noord,BE,3,,40,onsite,nl\n"), 0o600)
	esco := filepath.Join(dir, "esco")
	os.Mkdir(esco, 0o700)
	os.WriteFile(filepath.Join(esco, "occupations_fr.csv"), []byte("conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels\nOccupation,http://data.europa.eu/esco/occupation/h,5141,coiffeur/coiffeuse,,\n"), 0o600)
	os.WriteFile(filepath.Join(esco, "occupations_en.csv"), []byte("conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels\nOccupation,http://data.europa.eu/esco/occupation/h,5141,hairdresser,barber,\n"), 0o600)

	code, out, errs := importCLI(t, db, "import", "--json", reg, esco)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	offers := sum["offers"].(map[string]any)
	// the snapshot loads on the first use of ESCO, and only into a database
	// without ESCO: this one's taxonomy is the import's.
	if offers["added"].(float64) != 2 || sum["occupations"].(map[string]any)["total"].(float64) != 1 {
		t.Errorf("summary %s", out)
	}
	// --json prints exactly one document; progress and messages go to stderr.
	if strings.Count(strings.TrimSpace(out), "\n{") > 0 && !json.Valid([]byte(out)) {
		t.Errorf("stdout is not one JSON document: %q", out)
	}

	// Bad input exits 2, names file, line and field, and changes nothing.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("source_id,title,provider,eqf\nB1,Metselen,CVO,9\n"), 0o600)
	code, _, errs = importCLI(t, db, "import", reg, bad)
	if code != exitUsage || !strings.Contains(errs, "bad.csv:2: eqf:") || !strings.Contains(errs, "nothing was imported") {
		t.Errorf("bad input: exit %d, stderr %q", code, errs)
	}

	// Occupations match in every loaded language, labelled in --lang.
	code, out, errs = importCLI(t, db, "--lang", "fr", "occupation", "--json", "hairdresser")
	if code != 0 {
		t.Fatalf("occupation: %d %s", code, errs)
	}
	var ms []map[string]any
	if err := json.Unmarshal([]byte(out), &ms); err != nil || len(ms) == 0 {
		t.Fatalf("%v %q", err, out)
	}
	// the imported one (and ESCO's own hairdresser, from the snapshot)
	i := slices.IndexFunc(ms, func(m map[string]any) bool { return m["uri"] == "http://data.europa.eu/esco/occupation/h" })
	if i < 0 {
		t.Fatalf("imported occupation not found: %q", out)
	}
	if ms[i]["label"] != "coiffeur/coiffeuse" || ms[i]["matched_label"] != "hairdresser" || ms[i]["matched_lang"] != "en" || ms[i]["isco"] != "5141" {
		t.Errorf("match %v", ms[i])
	}

	// Export register writes JSON lines that re-import unchanged.
	exp := filepath.Join(dir, "export.jsonl")
	if code, _, errs := importCLI(t, db, "export", "register", "--source", "cvo", "-o", exp); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	code, out, errs = importCLI(t, db, "import", "--json", exp)
	if code != 0 {
		t.Fatalf("re-import: %d %s", code, errs)
	}
	json.Unmarshal([]byte(out), &sum)
	if o := sum["offers"].(map[string]any); o["unchanged"].(float64) != 2 || o["added"].(float64) != 0 {
		t.Errorf("re-import of export: %s", out)
	}

	if code, _, _ := importCLI(t, db, "import", "--format", "pdf", reg); code != exitUsage {
		t.Errorf("--format pdf: exit %d", code)
	}
}

// TestImportProgressLines: without a terminal, progress is a plain line
// every 2 s of the (injected) clock, on stderr.
func TestImportProgressLines(t *testing.T) {
	var errb bytes.Buffer
	clock := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	a := &invocation{stderr: &errb, lang: "en", cat: locale.Must(), now: func() time.Time { return clock }}
	p := newProgressPrinter(a)
	for i := 1; i <= 10; i++ {
		clock = clock.Add(500 * time.Millisecond)
		p.update(store.ImportProgress{File: "/x/reg.jsonl", Done: int64(i) << 20, Total: 10 << 20, Offers: i * 1000})
	}
	p.finish()
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 (at 2 s and 4 s): %q", len(lines), errb.String())
	}
	if !strings.Contains(lines[0], " 40% 4000 offers") || !strings.Contains(lines[0], "ETA 3s") || !strings.Contains(lines[0], "reg.jsonl") {
		t.Errorf("line %q", lines[0])
	}
	if strings.Contains(errb.String(), "\r") {
		t.Error("carriage returns without a terminal")
	}
}
