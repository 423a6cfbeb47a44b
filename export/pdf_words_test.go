package export

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// wordsOf are the whitespace-separated words of text, without the
// punctuation and Markdown marks around them.
func wordsOf(text string) []string {
	var out []string
	for _, f := range strings.Fields(text) {
		if w := strings.Trim(f, "|*#_()[]{},;:.!?«»\"'’`<>"); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// TestPDFBreaksAtWordBoundaries (issue 13): pdftotext of the French and
// Dutch plan PDFs has no word broken inside a word ("expérienc / e") and
// no vocabulary code: every word it reads is a word of the same plan's
// Markdown, or a long word broken with a visible hyphen whose parts join
// into one. Narrow table columns and long French words are the test.
func TestPDFBreaksAtWordBoundaries(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	for _, lang := range []string{"fr", "nl"} {
		t.Run(lang, func(t *testing.T) {
			p := bigPlan(6)
			p.Steps = append(p.Steps, samplePlan().Steps...)
			long := p.Steps[0]
			long.ID = "step-long"
			long.Title = "Valorisation de l'expérience professionnelle et reconnaissance des compétences transversales"
			long.Provider = "Centre interprofessionnel de formation permanente Wallonie-Bruxelles"
			long.Mode = catalog.ModeWorkExperience
			p.Steps = append(p.Steps, long)
			known := map[string]bool{}
			for _, w := range wordsOf(string(render(t, Markdown, p, opts(lang)))) {
				known[w] = true
			}
			// words the PDF adds: bullets and the page footer
			known["•"] = true
			for _, w := range wordsOf(trFor(lang).T("export.pdf.page", "Page", 1, "Pages", 1)) {
				known[w] = true
			}
			for w := range known { // pdftotext joins "Wallonie-" and "Bruxelles" at a line end
				if strings.Contains(w, "-") {
					known[strings.ReplaceAll(w, "-", "")] = true
				}
			}
			words := wordsOf(pdfText(t, render(t, PDF, p, opts(lang))))
			pending := map[string]int{} // the rest of words broken with a visible hyphen
			for i, w := range words {
				switch {
				case known[w]:
					continue
				case pending[w] > 0:
					pending[w]--
					continue
				case strings.HasSuffix(w, "-") && len(w) > 1:
					head := strings.TrimSuffix(w, "-")
					found := false
					for k := range known {
						if len(k) > len(head) && strings.HasPrefix(k, head) {
							pending[strings.TrimPrefix(strings.TrimPrefix(k, head), "-")]++
							found = true
						}
					}
					if found {
						continue
					}
				}
				t.Errorf("%q is not a word of the plan (around %q)", w, strings.Join(words[max(i-3, 0):min(i+3, len(words))], " "))
			}
			text := " " + strings.Join(words, " ") + " "
			for _, code := range []string{"ila", "leave", "voucher", "blended", "work_experience", "work-experience", "BE234", "agreed"} {
				if strings.Contains(text, " "+code+" ") {
					t.Errorf("the PDF shows the code %q", code)
				}
			}
		})
	}
}

// TestEmptyPlanSaysSo (issue 13 item 13): a plan without steps exports
// with a sentence that says so, in every format that has the pathway.
func TestEmptyPlanSaysSo(t *testing.T) {
	for _, lang := range []string{"fr", "nl"} {
		p := samplePlan()
		p.Steps = nil
		want := trFor(lang).T("export.no_steps")
		for _, f := range []Format{Markdown, HTML} {
			if out := string(render(t, f, p, opts(lang))); !strings.Contains(out, want) {
				t.Errorf("%s %s: no %q", lang, f, want)
			}
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			text := strings.Join(strings.Fields(pdfText(t, render(t, PDF, p, opts(lang)))), " ")
			if !strings.Contains(text, strings.Join(strings.Fields(want), " ")) {
				t.Errorf("%s PDF: no %q in %q", lang, want, text)
			}
		}
	}
}
