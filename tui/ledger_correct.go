package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/sessions"
)

// schemeEntries are the current scheme's entries, oldest first.
func (p *ledgerPage) schemeEntries() []sessions.Entry {
	code := p.current().Code
	var out []sessions.Entry
	for _, e := range p.entries {
		if e.Scheme == code {
			out = append(out, e)
		}
	}
	return out
}

// selected is the index of the selected entry among n (the newest when
// nothing is selected).
func (p *ledgerPage) selected(n int) int {
	if p.sel < 0 || p.sel >= n {
		return n - 1
	}
	return p.sel
}

// entryKey moves the selection (↑/↓) and opens the correction form of the
// selected entry (c): a reason, then a confirmation that states the
// effect. The correction's idempotency key is derived from the entry, so
// confirming twice corrects it once. It reports whether it took msg.
func (p *ledgerPage) entryKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	list := p.schemeEntries()
	if len(list) == 0 {
		return nil, false
	}
	cur := p.selected(len(list))
	switch msg.String() {
	case "up":
		p.sel = max(cur-1, 0)
		return nil, true
	case "down":
		p.sel = min(cur+1, len(list)-1)
		return nil, true
	case "left", "right":
		p.sel = -1
		return nil, false // the scheme switch handles it
	case "c":
		e := list[cur]
		for _, x := range list {
			if x.Kind == sessions.Correct && x.Corrects == e.ID {
				return Status(p.sh.Tr.T("people.err.already_corrected", "Seq", e.Seq, "By", x.Seq), true), true
			}
		}
		return p.openCorrection(e), true
	}
	return nil, false
}
