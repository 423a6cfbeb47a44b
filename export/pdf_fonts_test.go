package export

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestPDFNamesInEveryScript renders a plan for people whose names are in
// Arabic, Hebrew, Greek and with an emoji, extracts the text with
// pdftotext, and finds each name in logical order (pdftotext gives Arabic
// presentation forms back, NFKC makes them letters again). A name with a
// character no font draws shows U+FFFD and the export reports it.
func TestPDFNamesInEveryScript(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	for _, tc := range []struct {
		name       string
		want       string // in the extracted text, NFKC
		undrawable []rune
	}{
		{"مريم العلي", "مريم العلي", nil},
		{"דוד כהן", "דוד כהן", nil},
		{"Σοφία Παπαδοπούλου", "Σοφία Παπαδοπούλου", nil},
		{"Lina 😀 Peeters", "Lina \uFFFD Peeters", []rune{'😀'}},
		{"王 Wei Peeters", "\uFFFD Wei Peeters", []rune{'王'}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := samplePlan()
			p.Person.Name = tc.name
			o := opts("en")
			var missing []rune
			o.Undrawable = func(r rune) { missing = append(missing, r) }
			text := norm.NFKC.String(pdfText(t, render(t, PDF, p, o)))
			flat := strings.Join(strings.Fields(text), " ")
			if !strings.Contains(flat, tc.want) {
				t.Errorf("PDF text lacks %q:\n%s", tc.want, firstLines(flat, 400))
			}
			slices.Sort(missing)
			missing = slices.Compact(missing)
			if !slices.Equal(missing, tc.undrawable) {
				t.Errorf("reported undrawable %q, want %q", string(missing), string(tc.undrawable))
			}
		})
	}
}

func firstLines(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TestShapeArabic checks the contextual forms and the lam-alef ligature.
func TestShapeArabic(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"مريم", "\uFEE3\uFEAE\uFEF3\uFEE2"}, // initial, final (right-joining), initial, final
		{"لا", "\uFEFB"},                     // lam-alef, isolated
		{"علا", "\uFECB\uFEFC"},              // ain initial, lam-alef final
		{"دَم", "\uFEA9\u064E\uFEE1"},        // dal does not join the next: meem isolated; the fatha stays
		{"Ann", "Ann"},
	} {
		if got := shapeArabic(tc.in); got != tc.want {
			t.Errorf("shapeArabic(%q) = %q, want %q", tc.in, []rune(got), []rune(tc.want))
		}
	}
}

// TestVisualOrder: a right-to-left name is drawn reversed; numbers and
// Latin text inside keep their order.
func TestVisualOrder(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"דוד כהן", "ןהכ דוד"},
		{"Ann Peeters", "Ann Peeters"},
		{"Person: כהן 12", "Person: 12 ןהכ"},
		{"(דוד) Ann", "(דוד) Ann"},
		{"مريم العلي", "يلعلا ميرم"},
	} {
		if got := string(visualOrder(tc.in)); got != tc.want {
			t.Errorf("visualOrder(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
