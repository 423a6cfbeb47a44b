package tui

import (
	"strings"
	"testing"

	"github.com/koers-project/koers/internal/payloads"

	"github.com/koers-project/koers/catalog"
)

// TestInjectionPayloadsOnScreen shows one result per payload of
// testdata/injection-payloads.json (title, provider, awarding body,
// description) in the result list and in the detail: the screen's own
// styling aside, nothing from the data reaches the terminal raw: no
// control character other than the screen's line feeds, no escape
// sequence the screen does not write itself (OSC, cursor moves, clear),
// no bidi override or invisible character; every list row stays one row.
func TestInjectionPayloadsOnScreen(t *testing.T) {
	ps := payloads.Load(t)
	raw := func(s string) string {
		for _, seq := range []string{"\x1b]", "\x1b[2J", "\x1b[H", "\x1b[10;10H", "\x1b[31mred", "\x1b\\"} {
			if strings.Contains(s, seq) {
				return seq
			}
		}
		for _, r := range s {
			if (r < 0x20 && r != '\n' && r != 0x1b) || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e ||
				r >= 0x2066 && r <= 0x2069 || r == 0x200b || r == 0x200e || r == 0x200f || r == 0xfeff || r == 0x2028 || r == 0x2029 {
				return string(r)
			}
		}
		return ""
	}
	for _, pl := range ps {
		t.Run(pl[0], func(t *testing.T) {
			p, _ := searchTestPage(t)
			runSearch(p, p.Init())
			p.Update(keyPress("x"))
			o := catalog.Offer{ID: "1", Title: "T " + pl[1], Provider: "P " + pl[1], AwardingBody: "B " + pl[1], Description: "D " + pl[1]}
			clean := catalog.Offer{ID: "2", Title: "Clean title", Provider: "P"}
			p.Update(searchHitsMsg{seq: p.seq, hits: []catalog.Hit{{Offer: o}, {Offer: clean}}})
			list := p.View()
			if seq := raw(list); seq != "" {
				t.Errorf("the result list carries %q raw", seq)
			}
			plain := searchPlain(p)
			// a result takes two lines (title; provider, form and start)
			if i, j := strings.Index(plain, "T "), strings.Index(plain, "Clean title"); i < 0 || j < 0 || strings.Count(plain[i:j], "\n") != 2 {
				t.Errorf("the hostile result does not stay on its two lines:\n%s", plain)
			}
			d := newDetailView(p.sh, o)
			d.setSize(80, 40)
			if seq := raw(d.content(80)); seq != "" {
				t.Errorf("the detail carries %q raw", seq)
			}
		})
	}
}
