package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// actionStatusMsg reports an action marked done or cancelled.
type actionStatusMsg struct {
	status string
	err    error
}

// actionKey handles the overview's own keys beyond navigation: e edits the
// profile and privacy record, a selects the next open action, d marks it
// done, x cancels it. It reports whether it took msg.
func (p *personPage) actionKey(msg tea.Msg) (tea.Cmd, bool) {
	tr := p.sh.Tr
	switch msg := msg.(type) {
	case actionStatusMsg:
		if msg.err != nil {
			return Status(p.sh.P.Error(msg.err), true), true
		}
		p.actOn = false
		return tea.Batch(Status(tr.T("people.action_marked", "Status", tr.T("people.status."+msg.status)), false), p.load()), true
	case tea.KeyPressMsg:
		n := len(p.file.actions)
		if !p.loaded || p.err != nil {
			return nil, false
		}
		if msg.String() == "e" {
			return Push(newPersonFormPage(p.sh, p.file.person, p.file.targetLabel)), true
		}
		if n == 0 {
			return nil, false
		}
		switch msg.String() {
		case "a":
			if p.actOn {
				p.act = (p.act + 1) % n
			} else {
				p.actOn, p.act = true, 0
			}
			return nil, true
		case "d", "x":
			if !p.actOn || p.act >= n {
				return nil, false
			}
			status := "done"
			if msg.String() == "x" {
				status = "cancelled"
			}
			id, dep := p.file.actions[p.act].ID, p.sh.Deps.People
			return func() tea.Msg {
				ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
				defer cancel()
				return actionStatusMsg{status: status, err: dep.SetActionStatus(ctx, id, status)}
			}, true
		}
	}
	return nil, false
}
