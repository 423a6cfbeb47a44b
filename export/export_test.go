package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

type writer func(w *bytes.Buffer, p *Plan, o Options) error

func writers() map[Format]writer {
	return map[Format]writer{
		Markdown: func(w *bytes.Buffer, p *Plan, o Options) error { return WriteMarkdown(w, p, o) },
		HTML:     func(w *bytes.Buffer, p *Plan, o Options) error { return WriteHTML(w, p, o) },
		JSON:     func(w *bytes.Buffer, p *Plan, o Options) error { return WriteJSON(w, p, o) },
		ICS:      func(w *bytes.Buffer, p *Plan, o Options) error { return WriteICS(w, p, o) },
		PDF:      func(w *bytes.Buffer, p *Plan, o Options) error { return WritePDF(w, p, o) },
	}
}

func render(t testing.TB, f Format, p *Plan, o Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writers()[f](&b, p, o); err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	return b.Bytes()
}

// TestGolden pins the text formats in each language; go test ./export -update regenerates.
func TestGolden(t *testing.T) {
	cases := []struct {
		f    Format
		lang string
	}{
		{Markdown, "nl"}, {Markdown, "en"}, {Markdown, "fr"},
		{HTML, "nl"}, {HTML, "fr"},
		{JSON, "nl"},
		{ICS, "nl"}, {ICS, "en"},
	}
	for _, c := range cases {
		t.Run(string(c.f)+"_"+c.lang, func(t *testing.T) {
			golden.RequireEqual(t, render(t, c.f, samplePlan(), opts(c.lang)))
		})
	}
}

// TestDeterministic renders every format twice from fresh values and wants the same bytes.
func TestDeterministic(t *testing.T) {
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			a := render(t, f, bigPlan(12), opts("fr"))
			b := render(t, f, bigPlan(12), opts("fr"))
			if !bytes.Equal(a, b) {
				t.Fatalf("%s output differs between two runs (%d vs %d bytes)", f, len(a), len(b))
			}
			if len(a) == 0 {
				t.Fatal("empty output")
			}
		})
	}
}

// TestSameContent checks the Markdown and HTML carry the same facts.
func TestSameContent(t *testing.T) {
	p := samplePlan()
	md := string(render(t, Markdown, p, opts("nl")))
	html := string(render(t, HTML, p, opts("nl")))
	want := []string{"Leerplan", "Data-analyse met Python", "DigiLab Gent vzw", "€ 480,00", "€ 175,25", "Project en mondelinge verdediging",
		"Erkend door het Departement Onderwijs", "Basiskennis Excel", "SQL gebruiken", "Inschrijven voor Data-analyse met Python", "15-02-2027 09:30", "AVG"}
	for _, w := range want {
		if !strings.Contains(md, w) {
			t.Errorf("markdown lacks %q", w)
		}
		if !strings.Contains(html, w) {
			t.Errorf("html lacks %q", w)
		}
	}
}

// TestHTMLSelfContained: no scripts, no external resources, a print stylesheet.
func TestHTMLSelfContained(t *testing.T) {
	h := string(render(t, HTML, samplePlan(), opts("en")))
	for _, bad := range []string{"<script", "<link", "src=", "@import", "url("} {
		if strings.Contains(h, bad) {
			t.Errorf("html contains %q", bad)
		}
	}
	if !strings.Contains(h, "@media print") {
		t.Error("html has no print stylesheet")
	}
}

// TestEscaping: markup in data is text, not markup.
func TestEscaping(t *testing.T) {
	p := samplePlan()
	p.Steps[0].Title = "<b>Python</b> | *sterren* [link](x)"
	h := string(render(t, HTML, p, opts("en")))
	if strings.Contains(h, "<b>Python") {
		t.Error("html did not escape a title")
	}
	md := string(render(t, Markdown, p, opts("en")))
	if !strings.Contains(md, `&lt;b&gt;Python&lt;/b&gt; \| \*sterren\* \[link\](x)`) {
		t.Errorf("markdown did not escape a title:\n%s", md)
	}
}

// TestNotesOnlyWhenPresent: the renderers print notes only when the plan carries them.
func TestNotesOnlyWhenPresent(t *testing.T) {
	p := samplePlan()
	for _, f := range []Format{Markdown, HTML, JSON} {
		if out := string(render(t, f, p, opts("en"))); strings.Contains(out, "Session notes") || strings.Contains(out, "koers:notes") {
			t.Errorf("%s shows notes the plan does not carry", f)
		}
	}
	p.Notes = []Note{{At: testNow, Text: "Vertrouwelijk: gezondheid besproken"}}
	for _, f := range []Format{Markdown, HTML, JSON} {
		if out := string(render(t, f, p, opts("en"))); !strings.Contains(out, "Vertrouwelijk") {
			t.Errorf("%s drops the notes it was given", f)
		}
	}
}

// TestLocation: appointment times are shown in the counsellor's zone.
func TestLocation(t *testing.T) {
	brussels, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		t.Skip("no time zone data")
	}
	o := opts("nl")
	o.Location = brussels
	if md := string(render(t, Markdown, samplePlan(), o)); !strings.Contains(md, "15-02-2027 10:30") {
		t.Errorf("appointment not in Brussels time:\n%s", md)
	}
}
