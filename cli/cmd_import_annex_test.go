package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportSaysWhatAnnexIElementsAreMissing (issue 13): offers that do
// not state the awarding body, outcomes, workload, assessment or quality
// assurance import, and the import says how many and which, naming the
// file and the offers; an offer that states them all is not counted.
func TestImportSaysWhatAnnexIElementsAreMissing(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "m.csv")
	body := "source_id,title,provider,awarding_body,price,currency,hours,assessment,quality_assurance,learning_outcomes\n" +
		"A1,Basic welding,Weld Centre,,100,EUR,,,,\n" +
		"A2,Advanced welding,Weld Centre,Weld Board,200,EUR,40,practical test,accredited programme,weld a fillet joint\n"
	if err := os.WriteFile(csv, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "koers.db")
	code, out, errs := keyCLI(t, db, nil, "import", csv, "--source", "weld", "--json")
	if code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	var rep struct {
		AnnexI struct {
			Offers   int            `json:"offers"`
			Missing  map[string]int `json:"missing"`
			Examples []string       `json:"examples"`
		} `json:"annex_i_incomplete"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	ax := rep.AnnexI
	if ax.Offers != 1 || ax.Missing["awarding_body"] != 1 || ax.Missing["assessment"] != 1 || ax.Missing["quality_assurance"] != 1 ||
		ax.Missing["workload"] != 1 || len(ax.Examples) != 1 || !strings.HasSuffix(ax.Examples[0], "m.csv: A1") {
		t.Fatalf("annex I report %+v (from %s)", ax, out)
	}
	// the text says it in words, in the language
	code, out, _ = keyCLI(t, filepath.Join(dir, "nl.db"), map[string]string{"LANG": "nl"}, "import", csv, "--source", "weld")
	if code != 0 || !strings.Contains(out, "1 aanbod vermeldt niet elk element") || !strings.Contains(out, "m.csv: A1") {
		t.Fatalf("nl text: %d %s", code, out)
	}
}
