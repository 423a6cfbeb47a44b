package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
)

// watchingRegister is the fake register that also says an import runs.
type watchingRegister struct {
	*fakeRegister
	state app.ImportState
}

func (w *watchingRegister) ImportStatus(context.Context) (app.ImportState, error) {
	return w.state, nil
}

// TestStatusLineShowsRunningImport polls a register that reports an
// import (as one running in another process does) and reads the status
// line in each language; a status message of the page goes first, and the
// line goes away when the import ends.
func TestStatusLineShowsRunningImport(t *testing.T) {
	for _, tc := range []struct{ lang, want, unknown string }{
		{"en", "Import running (42 %)", "Import running:"},
		{"nl", "Import bezig (42 %)", "Import bezig:"},
		{"fr", "Import en cours (42 %)", "Import en cours :"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			reg := &watchingRegister{fakeRegister: newFakeRegister(t), state: app.ImportState{Running: true, Percent: 42}}
			m := New(Deps{Register: reg}, locale.Must(), Options{Lang: tc.lang, Now: func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) }})
			send(m, tea.WindowSizeMsg{Width: 120, Height: 30})
			cmd := m.watchImports()
			if cmd == nil {
				t.Fatal("a register that can tell is not polled")
			}
			send(m, cmd())
			if got := plain(m); !strings.Contains(got, tc.want) {
				t.Errorf("status line lacks %q:\n%s", tc.want, got)
			}
			send(m, StatusMsg{Text: "Saved"})
			if got := plain(m); !strings.Contains(got, "Saved") || strings.Contains(got, tc.want) {
				t.Errorf("a page's status message should take the line:\n%s", got)
			}
			send(m, clearStatusMsg{seq: m.statusSeq})
			reg.state = app.ImportState{Running: true, Percent: -1}
			send(m, m.askImport()())
			if got := plain(m); !strings.Contains(got, tc.unknown) {
				t.Errorf("import of unknown size: status line lacks %q:\n%s", tc.unknown, got)
			}
			reg.state = app.ImportState{}
			send(m, m.askImport()())
			if got := plain(m); strings.Contains(got, tc.unknown) {
				t.Errorf("the import ended but the line stays:\n%s", got)
			}
		})
	}
	m := New(Deps{Register: newFakeRegister(t)}, locale.Must(), Options{Lang: "en"})
	if m.watchImports() != nil {
		t.Error("a register that cannot tell is polled")
	}
}
