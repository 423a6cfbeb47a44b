package tui

import (
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestDataCannotDriveTheTerminal: a result whose title and provider carry
// escape sequences (OSC 0 window title, OSC 8 link, OSC 52 clipboard), a
// right-to-left override and a line break shows them as placeholders in
// the list and in the detail; the rendered screen holds none of them raw,
// and the list row stays one row.
func TestDataCannotDriveTheTerminal(t *testing.T) {
	evil := "Evil\x1b]0;pwned\x07 \x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\ \x1b]52;c;ZXZpbA==\x07\u202etxt\nsecond"
	p, _ := searchTestPage(t)
	runSearch(p, p.Init())
	p.Update(keyPress("x"))
	o := catalog.Offer{ID: "1", Title: evil, Provider: "Prov\x1b[2J", AwardingBody: "Body\x1b]52;c;eA==\x07", Description: "desc\x1b]0;t\x07"}
	p.Update(searchHitsMsg{seq: p.seq, hits: []catalog.Hit{{Offer: o}}})
	list := p.View()
	for _, raw := range []string{"\x1b]0;", "\x1b]8;", "\x1b]52;", "\x1b[2J", "\u202e"} {
		if strings.Contains(list, raw) {
			t.Errorf("the result list carries %q raw", raw)
		}
	}
	if !strings.Contains(searchPlain(p), "Evil␛]0;pwn") {
		t.Errorf("the title's escape is not shown as a placeholder:\n%s", searchPlain(p))
	}
	d := newDetailView(p.sh, o)
	d.setSize(80, 40)
	view := d.content(80)
	for _, raw := range []string{"\x1b]0;", "\x1b]8;", "\x1b]52;", "\x1b[2J", "\u202e"} {
		if strings.Contains(view, raw) {
			t.Errorf("the detail carries %q raw", raw)
		}
	}
}
