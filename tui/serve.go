package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/locale"
)

// ShutdownMsg tells a served session to end: the root shows Notice, saves
// the draft of every open form on its stack, then quits. The SSH server
// sends it when it stops or when the session's account is disabled.
type ShutdownMsg struct{ Notice string }

// NewSession is the root model of one SSH session, for a server that runs
// its own program per session (its own size, language and colours) over
// shared dependencies. Unlike New it understands ShutdownMsg.
func NewSession(deps Deps, cat *locale.Catalog, opt Options) tea.Model {
	return &servedModel{Model: New(deps, cat, opt)}
}

// servedModel is the root model with the server's shutdown added.
type servedModel struct{ *Model }

// draftSaver is a page that keeps a draft of what is typed.
type draftSaver interface {
	// flushDraft saves the draft now (nil when there is nothing to save).
	flushDraft() tea.Cmd
}

// Update handles ShutdownMsg and hands everything else to the root.
func (m *servedModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	sd, ok := msg.(ShutdownMsg)
	if !ok {
		_, cmd := m.Model.Update(msg)
		return m, cmd
	}
	m.status, m.statusErr = sd.Notice, true
	m.Close()
	var cmds []tea.Cmd
	for _, p := range m.stack {
		if d, ok := p.(draftSaver); ok {
			if c := d.flushDraft(); c != nil {
				cmds = append(cmds, c)
			}
		}
	}
	// In sequence: each save has reached the database before the program quits.
	return m, tea.Sequence(append(cmds, tea.Quit)...)
}

// flushDraft saves the session form's draft unless it is empty.
func (p *sessionPage) flushDraft() tea.Cmd {
	if p.draft().empty() {
		return nil
	}
	p.editSeq++ // a pending debounced save is superseded by this one
	return p.saveDraft()
}
