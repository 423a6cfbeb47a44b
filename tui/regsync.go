package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/app"
)

// RegisterSyncer brings the local index of a PostgreSQL database's
// register up to date (app.App on a postgres:// database; nil elsewhere).
type RegisterSyncer interface {
	SyncRegister(ctx context.Context, progress func(app.SyncProgress)) (app.RegisterSync, error)
	RegisterMark(ctx context.Context) (app.RegisterMark, error)
}

// resyncEvery is how often a running TUI asks PostgreSQL for register
// changes after its first sync.
const resyncEvery = 5 * time.Minute

type (
	// syncProgressMsg is a step of a background register sync; more
	// follow on ch until syncDoneMsg.
	syncProgressMsg struct {
		p  app.SyncProgress
		ch <-chan tea.Msg
	}
	// syncDoneMsg ends a background register sync.
	syncDoneMsg struct {
		out  app.RegisterSync
		err  error
		mark app.RegisterMark // where the local copy stands when err is set
	}
	// syncTickMsg starts the next periodic sync.
	syncTickMsg struct{}
)

// startSync runs a register sync in the background: its progress comes
// back as messages, one at a time, so the event loop never waits on it.
func startSync(s RegisterSyncer) tea.Cmd {
	if s == nil {
		return nil
	}
	ch := make(chan tea.Msg, 1)
	go func() {
		defer close(ch)
		ctx := context.Background()
		out, err := s.SyncRegister(ctx, func(p app.SyncProgress) {
			select {
			case ch <- syncProgressMsg{p: p}: // dropped when the screen is behind: the next one says more
			default:
			}
		})
		done := syncDoneMsg{out: out, err: err}
		if err != nil {
			done.mark, _ = s.RegisterMark(ctx)
		}
		ch <- done
	}()
	return waitSync(ch)
}

func waitSync(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		if p, isProgress := msg.(syncProgressMsg); isProgress {
			p.ch = ch
			return p
		}
		return msg
	}
}

// updateSync handles the sync's messages: progress and an unreachable
// database stay in the status line (under any passing message), a
// finished sync is said once and the next one is scheduled.
func (m *Model) updateSync(msg tea.Msg) tea.Cmd {
	tr := m.sh.Tr
	switch msg := msg.(type) {
	case syncProgressMsg:
		m.syncLine, m.syncErr = tr.T("register.sync.progress", "Done", m.sh.P.Count(msg.p.Done), "Total", m.sh.P.Count(msg.p.Total)), false
		return waitSync(msg.ch)
	case syncDoneMsg:
		next := tea.Tick(resyncEvery, func(time.Time) tea.Msg { return syncTickMsg{} })
		if msg.err != nil {
			if msg.mark.SyncedAt.IsZero() {
				m.syncLine = tr.T("register.sync.never")
			} else {
				m.syncLine = tr.T("register.sync.offline", "When", m.sh.P.DateTime(msg.mark.SyncedAt.In(time.Local)))
			}
			m.syncErr = true
			return next
		}
		m.syncLine, m.syncErr = "", false
		if msg.out.UpToDate {
			return next
		}
		_, clear := m.update(StatusMsg{Text: tr.T("register.sync.done", "Generation", msg.out.Generation,
			"Changed", m.sh.P.Count(msg.out.Changed), "Withdrawn", m.sh.P.Count(msg.out.Withdrawn), "Active", m.sh.P.Count(msg.out.Active))})
		// The page on top shows the register as it was: refresh it as on
		// a return to it (the search runs again, keeping the selection).
		return tea.Batch(next, clear, m.forward(revealMsg{}))
	case syncTickMsg:
		return startSync(m.sh.Deps.Sync)
	}
	return nil
}
