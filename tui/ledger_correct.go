package tui

import (
	"context"

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

// entryKey moves the selection (↑/↓) and posts a correction of the
// selected entry (c). The correction's idempotency key is derived from the
// entry, so pressing c twice corrects it once. It reports whether it took msg.
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
		if e.Kind == sessions.Correct {
			return Status(p.sh.Tr.T("people.err.correct_correction"), true), true
		}
		c := sessions.Entry{PersonID: p.person.ID, Scheme: e.Scheme, Kind: sessions.Correct, Corrects: e.ID, Key: "correct-" + e.ID}
		dep := p.sh.Deps.People
		p.sel = -1
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			got, _, err := dep.PostEntry(ctx, c)
			return postedMsg{e: got, err: err}
		}, true
	}
	return nil, false
}
