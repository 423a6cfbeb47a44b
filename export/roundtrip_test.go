package export

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"
)

// TestJSONRoundTrip: what WriteJSON writes, ParsePlanJSON reads back unchanged.
func TestJSONRoundTrip(t *testing.T) {
	for name, p := range map[string]*Plan{"sample": samplePlan(), "twelve": bigPlan(12), "empty": {ID: "x", Person: Person{ID: "p", Name: "N"}, Steps: []Step{}, Generated: testNow}} {
		t.Run(name, func(t *testing.T) {
			p.Notes = []Note{{At: testNow, Text: "note"}}
			data := render(t, JSON, p, Options{Tr: trFor(p.Person.Language)})
			if !IsPlanJSON(data) {
				t.Fatal("IsPlanJSON does not recognise the export")
			}
			got, err := ParsePlanJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(p, got, dateCmp); diff != "" {
				t.Errorf("round trip differs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIsPlanJSON(t *testing.T) {
	for in, want := range map[string]bool{
		`{"profile":"urn:koers:learning-plan:1","type":"LearningPlan"}`: true,
		`{"profile":"urn:other","type":"LearningPlan"}`:                 false,
		`{"id":"x","title":"offer"}`:                                    false,
		`[1,2]`:                                                         false,
		``:                                                              false,
		`{"profile":`:                                                   false,
	} {
		if got := IsPlanJSON([]byte(in)); got != want {
			t.Errorf("IsPlanJSON(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParsePlanJSONErrors(t *testing.T) {
	good := string(render(t, JSON, samplePlan(), opts("nl")))
	tests := []struct {
		name, in, want string
	}{
		{"syntax", "{\n\"profile\": ,\n}", "line 2"},
		{"profile", `{"profile":"urn:x"}`, "profile:"},
		{"learner", `{"profile":"urn:koers:learning-plan:1","learner":{}}`, "learner.id"},
		{"date", strings.Replace(good, `"startDate": "2027-01-11"`, `"startDate": "11/01/2027"`, 1), "not a date"},
		{"eqf", strings.Replace(good, `"id": "http://data.europa.eu/snb/eqf/5"`, `"id": "http://data.europa.eu/snb/eqf/12"`, 1), "learningOpportunity[0].learningAchievementSpecification.eqfLevel"},
		{"volume", strings.Replace(good, `"PT100H"`, `"100 hours"`, 1), "volumeOfLearning"},
		{"type", strings.Replace(good, `"counsellor": "Léa Verstraete"`, `"counsellor": 7`, 1), "field counsellor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePlanJSON([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestICSParsesBack reads the calendar with the iCalendar parser and checks
// events, stable UIDs, dates and that titles carry no personal details.
func TestICSParsesBack(t *testing.T) {
	p := samplePlan()
	for _, personal := range []bool{false, true} {
		o := opts("en")
		o.PersonalTitles = personal
		data := render(t, ICS, p, o)
		if !bytes.Contains(data, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
			t.Fatal("lines must end in CRLF")
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		events := map[string]*ics.VEvent{}
		for _, e := range cal.Events() {
			events[e.Id()] = e
			title := e.GetProperty(ics.ComponentPropertySummary).Value
			hasName := strings.Contains(title, "Zoë") || strings.Contains(title, "Françoise")
			if hasName != personal {
				t.Errorf("personal=%v: title %q", personal, title)
			}
		}
		want := map[string]time.Time{
			"step-step-1-start@koers":  time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC),
			"step-step-1-end@koers":    time.Date(2027, 3, 26, 0, 0, 0, 0, time.UTC),
			"step-step-2-start@koers":  time.Date(2027, 4, 12, 0, 0, 0, 0, time.UTC),
			"step-step-2-end@koers":    time.Date(2027, 6, 18, 0, 0, 0, 0, time.UTC),
			"action-act-1@koers":       time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC),
			"action-act-2@koers":       time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC),
			"appointment-sess-9@koers": time.Date(2027, 2, 15, 9, 30, 0, 0, time.UTC),
		}
		if len(events) != len(want) {
			t.Errorf("got %d events, want %d (step 3 has no dates)", len(events), len(want))
		}
		for uid, start := range want {
			e := events[uid]
			if e == nil {
				t.Errorf("no event %s", uid)
				continue
			}
			var got time.Time
			if strings.HasPrefix(uid, "appointment") {
				got, err = e.GetStartAt()
			} else {
				got, err = e.GetAllDayStartAt()
			}
			if err != nil || !got.Equal(start) {
				t.Errorf("%s starts %v (%v), want %v", uid, got, err, start)
			}
		}
		if !personal {
			if s := events["action-act-1@koers"].GetProperty(ics.ComponentPropertySummary).Value; s != "Agreed action due" {
				t.Errorf("action title %q reveals the summary", s)
			}
		}
	}
}

// TestPDFText extracts the PDF's text with pdftotext and finds the person,
// every step title, the totals and the accented characters intact.
func TestPDFText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; skipping PDF text extraction")
	}
	for _, lang := range []string{"nl", "fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			p := bigPlan(12)
			p.Steps = append(p.Steps, samplePlan().Steps...)
			text := pdfText(t, render(t, PDF, p, opts(lang)))
			f := newFmtr(trFor(lang))
			want := []string{p.Person.Name, "Léa Verstraete", f.money(p.Totals.Cost, "EUR"), f.money(p.Totals.OutOfPocket, "EUR"),
				"é", "ë", "ç", "’", "€", trFor(lang).T("export.h.totals")}
			for _, s := range p.Steps {
				want = append(want, s.Title)
			}
			flat := strings.Join(strings.Fields(text), " ")
			for _, w := range want {
				if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			pages := strings.Count(text, "\f")
			if pages < 2 {
				t.Fatalf("want several pages for 15 steps, got %d", pages)
			}
			last := trFor(lang).T("export.pdf.page", "Page", pages, "Pages", pages)
			if !strings.Contains(text, last) {
				t.Errorf("no page number %q", last)
			}
		})
	}
}

// TestPDFHeaderRepeats: with a long pathway the table header appears on
// more than one page.
func TestPDFHeaderRepeats(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	text := pdfText(t, render(t, PDF, bigPlan(40), opts("en")))
	pages := strings.Split(text, "\f")
	n := 0
	for _, pg := range pages {
		if strings.Contains(pg, "Provider") && strings.Contains(pg, "EQF") {
			n++
		}
	}
	if n < 2 {
		t.Errorf("pathway header on %d pages, want ≥ 2", n)
	}
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "plan.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func BenchmarkPDF12Steps(b *testing.B) {
	p := bigPlan(12)
	o := opts("nl")
	for b.Loop() {
		var buf bytes.Buffer
		if err := WritePDF(&buf, p, o); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPDFKeepsStepBlocks: no step's block is split across pages — every
// page that has a step's heading also has that step's last element.
func TestPDFKeepsStepBlocks(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	p := bigPlan(14)
	text := pdfText(t, render(t, PDF, p, opts("en")))
	details := strings.Index(text, "The steps in detail")
	if details < 0 {
		t.Fatal("no details section")
	}
	blocks := 0
	for _, pg := range strings.Split(text[details:], "\f") {
		heads := 0
		for i := range p.Steps {
			if strings.Contains(pg, fmt.Sprintf("%d. Module %d:", i+1, i+1)) {
				heads++
			}
		}
		if ends := strings.Count(pg, "Resultaten visualiseren"); heads != ends {
			t.Errorf("a page has %d step headings but %d block ends:\n%s", heads, ends, pg)
		}
		blocks += heads
	}
	if blocks != len(p.Steps) {
		t.Errorf("found %d step blocks, want %d", blocks, len(p.Steps))
	}
}
