package export

import (
	"bytes"
	"strings"
	"testing"
)

// TestDataCannotInjectIntoDocuments: a title and a provider carrying a bare
// CR with an iCalendar property, escape sequences and a bidi override
// reach neither the iCalendar nor the Markdown raw: the calendar keeps
// exactly its events and every line ends in CRLF; no ESC, BEL or U+202E
// stands in either document.
func TestDataCannotInjectIntoDocuments(t *testing.T) {
	p := samplePlan()
	p.Steps[0].Title = "Evil\rBEGIN:VEVENT\rSUMMARY:fake\x1b]0;pwned\x07\u202etxt"
	p.Steps[0].Provider = "Prov\r\nATTACH:http://x\x1b[2J"
	ics := render(t, ICS, p, opts("en"))
	clean := render(t, ICS, samplePlan(), opts("en"))
	if got, want := bytes.Count(ics, []byte("\r\nBEGIN:VEVENT\r\n")), bytes.Count(clean, []byte("\r\nBEGIN:VEVENT\r\n")); got != want || want == 0 {
		t.Errorf("%d events, want %d: a property was injected", got, want)
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(ics), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n\x1b\x07\u202e") {
			t.Errorf("ics line %d carries a raw control: %q", i+1, line)
		}
	}
	md := render(t, Markdown, p, opts("en"))
	if bytes.ContainsAny(md, "\r\x1b\x07\u202e") {
		t.Errorf("Markdown carries raw controls")
	}
}
