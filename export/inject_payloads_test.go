package export

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/koers-project/koers/internal/payloads"

	ics "github.com/arran4/golang-ical"
)

// mdMarkup is Markdown the payloads would make if they reached a
// document unescaped: a link or an image (a bracket not escaped), raw
// HTML, a heading at the start of a line.
var mdMarkup = regexp.MustCompile(`(^|[^\\])\]\((javascript|http)|<script|<img|<a href|(?m)^# Fake`)

// injectionPayloads are the hostile strings every output is tried with
// (shared by the tests of every face).
func injectionPayloads(t *testing.T) [][2]string { return payloads.Load(t) }

// rawControl reports the first character of s that would act rather than
// show: C0 controls other than the line feeds and tabs a document is made
// of (allowLF), CR, DEL, C1 controls, bidi embeddings, overrides and
// isolates, marks, the zero-width space, an inner BOM, line and paragraph
// separators. (ZWNJ and ZWJ stay: scripts and emoji need them.)
func rawControl(s string, allowLF bool) (rune, bool) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			if !allowLF {
				return r, true
			}
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
			r == 0x200b, r == 0x200e, r == 0x200f, r == 0xfeff, r == 0x2028, r == 0x2029:
			return r, true
		}
	}
	return 0, false
}

// TestInjectionPayloadsInEveryDocument puts each payload in the person's
// name, a step's title and its provider, and renders every document:
// Markdown, HTML, iCalendar (parsed back) and PDF (its text extracted).
// None may carry a raw control character, none may gain markup, a
// property or an event from the data.
func TestInjectionPayloadsInEveryDocument(t *testing.T) {
	havePDF := true
	if _, err := exec.LookPath("pdftotext"); err != nil {
		havePDF = false
	}
	clean := samplePlan()
	cleanCal, err := ics.ParseCalendar(bytes.NewReader(render(t, ICS, clean, opts("en"))))
	if err != nil {
		t.Fatal(err)
	}
	cleanProps := map[string]bool{}
	for _, e := range cleanCal.Events() {
		for _, p := range e.Properties {
			cleanProps[p.IANAToken] = true
		}
	}
	for _, pl := range injectionPayloads(t) {
		name, payload := pl[0], pl[1]
		t.Run(name, func(t *testing.T) {
			p := samplePlan()
			p.Person.Name = "Ann " + payload
			p.Steps[0].Title = payload
			p.Steps[0].Provider = "Prov " + payload
			md := string(render(t, Markdown, p, opts("en")))
			if r, bad := rawControl(md, true); bad {
				t.Errorf("Markdown carries U+%04X raw", r)
			}
			if mdMarkup.MatchString(md) {
				t.Errorf("Markdown carries markup from data: %q", mdMarkup.FindString(md))
			}
			html := string(render(t, HTML, p, opts("en")))
			if r, bad := rawControl(html, true); bad {
				t.Errorf("HTML carries U+%04X raw", r)
			}
			for _, raw := range []string{"<script>alert", "<img src=x", `onmouseover="alert`, "<a href='javascript"} {
				if strings.Contains(html, raw) {
					t.Errorf("HTML carries %q as markup", raw)
				}
			}
			data := render(t, ICS, p, opts("en"))
			cal, err := ics.ParseCalendar(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("iCalendar does not parse back: %v", err)
			}
			if got, want := len(cal.Events()), len(cleanCal.Events()); got != want {
				t.Errorf("%d events, want %d", got, want)
			}
			for _, e := range cal.Events() {
				for _, prop := range e.Properties {
					if !cleanProps[prop.IANAToken] {
						t.Errorf("iCalendar gained property %s", prop.IANAToken)
					}
					if r, bad := rawControl(prop.Value, true); bad { // (a TEXT value may hold escaped line breaks)
						t.Errorf("iCalendar %s carries U+%04X raw", prop.IANAToken, r)
					}
				}
			}
			if !havePDF {
				return
			}
			pdf := render(t, PDF, p, opts("en"))
			if bytes.Contains(pdf, []byte("/F1 99 Tf")) {
				t.Error("the PDF carries the payload's operators")
			}
			text := strings.ReplaceAll(pdfText(t, pdf), "\f", "")
			if r, bad := rawControl(text, true); bad {
				t.Errorf("PDF text carries U+%04X", r)
			}
		})
	}
}
