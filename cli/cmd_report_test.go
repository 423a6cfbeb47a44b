package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
)

// reportJSON is the shape of koers report --json.
type reportJSON struct {
	Params struct {
		From string `json:"from"`
		To   string `json:"to"`
		K    int    `json:"k"`
	} `json:"params"`
	Sections []struct {
		ID     string `json:"id"`
		Tables []struct {
			ID    string   `json:"id"`
			Rows  []string `json:"rows"`
			Cols  []string `json:"cols"`
			Units []string `json:"units"`
			Cells [][]struct {
				Value      *int64 `json:"value"`
				Suppressed bool   `json:"suppressed"`
			} `json:"cells"`
		} `json:"tables"`
	} `json:"sections"`
	Ratios []struct {
		ID         string   `json:"id"`
		Percent    *float64 `json:"percent"`
		Suppressed bool     `json:"suppressed"`
	} `json:"ratios"`
}

var reportPeriod = []string{"--from", "2025-12-02", "--to", "2026-12-01"}

func reportCLI(t *testing.T, db string, want int, args ...string) string {
	t.Helper()
	return planCLI(t, db, want, append(append([]string{"report"}, reportPeriod...), args...)...)
}

// TestReportFormatsPrintNoSmallCell: over a file of three people every
// cell is about fewer than k, so no format may print a single figure:
// only "x", codes, labels and the period.
func TestReportFormatsPrintNoSmallCell(t *testing.T) {
	db := planFixture(t)
	for _, name := range []string{"Ann Peeters", "Bram Claes", "Chloé Dubois"} {
		id := addPersonCLI(t, db, name)
		planCLI(t, db, 0, "person", "edit", id, "--gender", "female", "--region", "BE21", "--birth-year", "1984", "--eqf", "2", "--employment", "unemployed")
		planCLI(t, db, 0, "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "500.00", "--key", "a1")
		planCLI(t, db, 0, "session", "add", "--person", id, "--summary", "intake")
	}
	var r reportJSON
	if err := json.Unmarshal([]byte(reportCLI(t, db, 0, "--json")), &r); err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Sections {
		for _, tb := range s.Tables {
			for i := range tb.Cells {
				for j, c := range tb.Cells[i] {
					if !c.Suppressed || c.Value != nil {
						t.Errorf("json %s %s/%s printed: %+v", tb.ID, tb.Rows[i], tb.Cols[j], c)
					}
				}
			}
		}
	}
	text := reportCLI(t, db, 0)
	// Figures would be digits; the only digits allowed are the period, k and codes in labels.
	body := strings.SplitN(text, "\n", 3)[2]
	clean := regexp.MustCompile(`\d{4}-\d{2}|EQF \d–\d|\d{2}–\d{2}|under 25|65 and|NUTS 2|ISCED[- ]?F? ?2013|ISCED 2011|60 ECTS|\b[A-Z]{2}\d{2}\b|6 months|12 months`).ReplaceAllString(body, "")
	if m := regexp.MustCompile(`\d`).FindString(clean); m != "" {
		t.Errorf("text report prints a figure over three people:\n%s", text)
	}
	csvOut := reportCLI(t, db, 0, "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(recs) < 50 {
		t.Fatalf("csv %d rows, %v", len(recs), err)
	}
	for _, rec := range recs[1:] {
		if rec[5] != "" || rec[6] != "true" {
			t.Errorf("csv prints %v", rec)
		}
	}
	// Names, ids, notes: never.
	for _, out := range []string{text, csvOut} {
		for _, bad := range []string{"Ann", "Peeters", "intake", "1984", "@"} {
			if strings.Contains(out, bad) {
				t.Errorf("report shows %q", bad)
			}
		}
	}
	if msg := reportCLI(t, db, 2, "--k", "3"); !strings.Contains(msg, "k may only be raised") {
		t.Errorf("--k 3: %s", msg)
	}
	if msg := planCLI(t, db, 2, "report", "--from", "2026-12-01", "--to", "2026-01-01"); !strings.Contains(msg, "before from") {
		t.Errorf("reversed period: %s", msg)
	}
}

// genPopulation writes a synthetic population into a new database.
func genPopulation(t *testing.T, n string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "pop.db")
	planCLI(t, filepath.Join(t.TempDir(), "unused.db"), 0, "gen", "--people", n, "--seed", "3", "--as-of", "2026-12-01", "-o", db)
	return db
}

// TestReportFormatsAgree: text, CSV and PDF print exactly the cells the
// JSON prints (the store's test checks those against the data), and
// mark the suppressed ones.
func TestReportFormatsAgree(t *testing.T) {
	db := genPopulation(t, "800")
	var r reportJSON
	if err := json.Unmarshal([]byte(reportCLI(t, db, 0, "--json")), &r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(reportCLI(t, db, 0, "--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string][]string{}
	for _, rec := range recs[1:] {
		byKey[rec[1]+"|"+rec[2]+"|"+rec[3]] = rec
	}
	printed, hidden := 0, 0
	var figures []string
	var values []int64 // the figures' values, for the other languages
	for _, s := range r.Sections {
		for _, tb := range s.Tables {
			for i, row := range tb.Rows {
				for j, col := range tb.Cols {
					c := tb.Cells[i][j]
					rec := byKey[tb.ID+"|"+row+"|"+col]
					if rec == nil {
						t.Fatalf("csv lacks %s %s %s", tb.ID, row, col)
					}
					if c.Suppressed {
						hidden++
						if rec[5] != "" || rec[6] != "true" {
							t.Errorf("csv prints suppressed %v", rec)
						}
						continue
					}
					printed++
					if rec[6] != "false" || rec[5] == "" {
						t.Errorf("csv hides printed %v", rec)
					}
					if tb.Units[j] == "people" && *c.Value >= 100 && len(figures) < 12 {
						figures = append(figures, groupThousands(*c.Value))
						values = append(values, *c.Value)
					}
				}
			}
		}
	}
	if printed == 0 || hidden == 0 {
		t.Fatalf("printed %d, hidden %d: the population does not exercise suppression", printed, hidden)
	}
	text := reportCLI(t, db, 0)
	for _, f := range figures {
		if !strings.Contains(text, f) {
			t.Errorf("text lacks %s", f)
		}
	}
	pdf := filepath.Join(t.TempDir(), "report.pdf")
	reportCLI(t, db, 0, "--format", "pdf", "-o", pdf)
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("pdf: %v", err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed: the PDF's text is not checked")
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range append(figures, "Participation", "People guided by age band", "2025-12-02 – 2026-12-01", " x ") {
		if !strings.Contains(string(out), want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	if msg := reportCLI(t, db, 2, "--format", "pdf"); !strings.Contains(msg, "-o") {
		t.Errorf("pdf to stdout: %s", msg)
	}
	// Text and PDF print figures in the reader's language (present's
	// grouping); CSV and JSON are data: the same bytes in every language.
	cat, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	csvEN, jsonEN := reportCLI(t, db, 0, "--format", "csv"), reportCLI(t, db, 0, "--json")
	for _, lang := range []string{"nl", "fr"} {
		pr := present.New(cat.For(lang), nil)
		if got := reportCLI(t, db, 0, "--lang", lang, "--format", "csv"); got != csvEN {
			t.Errorf("%s: the CSV differs from the English one", lang)
		}
		if got := reportCLI(t, db, 0, "--lang", lang, "--json"); got != jsonEN {
			t.Errorf("%s: the JSON differs from the English one", lang)
		}
		text := reportCLI(t, db, 0, "--lang", lang)
		pdf := filepath.Join(t.TempDir(), "report-"+lang+".pdf")
		reportCLI(t, db, 0, "--lang", lang, "--format", "pdf", "-o", pdf)
		out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			want := pr.Figure("people", v)
			if !strings.Contains(text, want) {
				t.Errorf("%s text lacks %q", lang, want)
			}
			// pdftotext writes a no-break space as a space.
			if sp := strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(want); !strings.Contains(string(out), sp) {
				t.Errorf("%s pdftotext lacks %q", lang, sp)
			}
		}
		if len(values) > 0 && pr.Figure("people", values[0]) == groupThousands(values[0]) && values[0] >= 1000 {
			t.Errorf("%s groups digits as English does", lang)
		}
	}
}

func groupThousands(v int64) string {
	s := strconv.FormatInt(v, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
