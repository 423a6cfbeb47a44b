package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/app"
)

// ImportWatcher is what the root asks, every importPoll, whether an
// import runs on the database, in this process or another (the register
// a Deps.Register gives may offer it).
type ImportWatcher interface {
	ImportStatus(ctx context.Context) (app.ImportState, error)
}

// importPoll is how often the status line looks for a running import:
// often enough to follow its percentage, rare enough to cost nothing (one
// flock attempt and one small read).
const importPoll = 2 * time.Second

type (
	importPollMsg  struct{}
	importStateMsg struct{ state app.ImportState }
)

// watchImports starts polling when the register can tell.
func (m *Model) watchImports() tea.Cmd {
	if _, ok := m.sh.Deps.Register.(ImportWatcher); !ok {
		return nil
	}
	return m.askImport()
}

// askImport reads the import state in the background.
func (m *Model) askImport() tea.Cmd {
	w := m.sh.Deps.Register.(ImportWatcher)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		s, err := w.ImportStatus(ctx)
		if err != nil {
			s = app.ImportState{} // the next poll tries again
		}
		return importStateMsg{state: s}
	}
}

// importLine is the status line while an import runs.
func (m *Model) importLine() string {
	s := m.importState
	if !s.Running {
		return ""
	}
	if s.Percent < 0 {
		return m.sh.Tr.T("import.running_unknown")
	}
	return m.sh.Tr.T("import.running", "Percent", s.Percent)
}
