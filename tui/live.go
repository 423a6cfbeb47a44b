package tui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// Working at the same time (koers serve): the root watches the person in
// focus; when another session commits a change of that person's file, the
// page on top reloads if it shows the file (overview, ledger, planner) and
// the status line says who changed what. The watch is a command that waits
// on a channel, so nothing polls. A profile form whose save was refused
// because someone saved the profile since it was opened offers ctrl+l: the
// form again, on the profile as it is now.

// Changes tells a session about the changes other sessions make.
type Changes interface {
	Watch(personID string) *app.Watch
}

// liveState is the root's watch and its reload offer.
type liveState struct {
	watch *app.Watch
	// reload is the profile form whose save was refused as stale.
	reload *personFormPage
}

type (
	// changedMsg is a change of the watched person's file by another session.
	changedMsg struct {
		watch  *app.Watch
		change app.Change
	}
	// reloadedMsg is the profile as it is now, for a refused form.
	reloadedMsg struct {
		form        *personFormPage
		person      sessions.Person
		targetLabel string
		err         error
	}
)

// refresher is a page that shows a person's file and reloads it.
type refresher interface {
	refresh() tea.Cmd
}

func (p *personPage) refresh() tea.Cmd { return p.load() }

func (p *ledgerPage) refresh() tea.Cmd { return p.load() }

func (p *plannerPage) refresh() tea.Cmd {
	if p.busy {
		return nil // its own edit is under way and reloads when it ends
	}
	return p.load()
}

// wait is the command that delivers w's next change.
func wait(w *app.Watch) tea.Cmd {
	return func() tea.Msg {
		c, ok := <-w.C()
		if !ok {
			return nil
		}
		return changedMsg{watch: w, change: c}
	}
}

// follow watches the person in focus, and stops watching one that is no
// longer in focus; it returns the first wait of a new watch.
func (m *Model) follow() tea.Cmd {
	if m.sh.Deps.Changes == nil {
		return nil
	}
	id := ""
	if m.sh.Focus != nil && !m.quitting {
		id = m.sh.Focus.PersonID
	}
	if w := m.live.watch; w != nil {
		if w.PersonID() == id {
			return nil
		}
		w.Close()
		m.live.watch = nil
	}
	if id == "" {
		return nil
	}
	m.live.watch = m.sh.Deps.Changes.Watch(id)
	return wait(m.live.watch)
}

// Close ends the model's watch of the person in focus; a server calls it
// when the session's program has ended, however it ended.
func (m *Model) Close() {
	if m.live.watch != nil {
		m.live.watch.Close()
		m.live.watch = nil
	}
}

// liveUpdate handles what working at the same time adds to the root; ok
// reports that msg was taken.
func (m *Model) liveUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case changedMsg:
		if msg.watch != m.live.watch {
			return nil, true // a watch given up since
		}
		cmds := []tea.Cmd{wait(msg.watch), m.changedStatus(msg.change)}
		if r, ok := m.Active().(refresher); ok {
			cmds = append(cmds, r.refresh())
		}
		return tea.Batch(cmds...), true
	case personSavedMsg:
		f, ok := m.Active().(*personFormPage)
		if !ok || !errors.Is(msg.err, app.ErrChanged) {
			return nil, false
		}
		cmd := m.forward(msg)
		offer := m.sh.Tr.T("live.reload_offer")
		f.problem += " " + offer
		m.live.reload = f
		return tea.Batch(cmd, Status(offer, true)), true
	case tea.KeyPressMsg:
		f := m.live.reload
		if msg.String() != "ctrl+l" || f == nil || m.Active() != f {
			return nil, false
		}
		m.live.reload = nil
		return f.reloadPerson(), true
	case reloadedMsg:
		if msg.form != m.Active() {
			return nil, true
		}
		if msg.err != nil {
			return Status(m.sh.P.Error(msg.err), true), true
		}
		fresh := newPersonFormPage(m.sh, msg.person, msg.targetLabel)
		return tea.Batch(func() tea.Msg { return ReplaceMsg{Page: fresh} },
			Status(m.sh.Tr.T("live.reloaded", "By", msg.person.UpdatedBy), false)), true
	}
	return nil, false
}

// changedStatus says who changed which part of the file.
func (m *Model) changedStatus(c app.Change) tea.Cmd {
	tr := m.sh.Tr
	return Status(tr.T("live.changed", "By", c.By, "What", tr.T("live.what."+c.What)), false)
}

// reloadPerson reads the profile as it is now.
func (f *personFormPage) reloadPerson() tea.Cmd {
	dep, id, lang := f.sh.Deps.People, f.person.ID, f.sh.Tr.Lang()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		p, err := dep.Person(ctx, id)
		msg := reloadedMsg{form: f, person: p, err: err}
		if err == nil && p.TargetOccupation != "" {
			if oc, err := dep.OccupationSkills(ctx, p.TargetOccupation, lang); err == nil {
				msg.targetLabel = oc.Label
			}
		}
		return msg
	}
}
