package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/app"
)

// fakeSyncer reports progress, then the outcome it was given; release
// lets it finish, so the test sees the progress line first.
type fakeSyncer struct {
	out     app.RegisterSync
	err     error
	mark    app.RegisterMark
	release chan struct{}
}

func (f *fakeSyncer) SyncRegister(_ context.Context, progress func(app.SyncProgress)) (app.RegisterSync, error) {
	progress(app.SyncProgress{Done: 5000, Total: 11000})
	<-f.release
	return f.out, f.err
}

func (f *fakeSyncer) RegisterMark(context.Context) (app.RegisterMark, error) { return f.mark, nil }

// finish delivers the sync's messages after the first (waitSync's
// commands, never the periodic tick) to m until the sync is done.
func finish(m *Model, next tea.Cmd) {
	for next != nil {
		msg := next()
		_, cmd := m.Update(msg)
		if _, done := msg.(syncDoneMsg); done {
			return
		}
		next = cmd
	}
}

// TestRegisterSyncInStatusLine: the background sync's progress shows in
// the status line; a database that cannot be reached leaves the line
// saying how old the local copy is (en, nl, fr); a sync that brought
// changes says so once.
func TestRegisterSyncInStatusLine(t *testing.T) {
	asOf := time.Date(2026, 12, 2, 16, 30, 0, 0, time.Local)
	for _, tc := range []struct {
		lang, progress, offline string
	}{
		{"en", "5,000 of 11,000", "register as of"},
		{"nl", "5.000 van 11.000", "register van"},
		{"fr", "5 000 offres sur 11 000", "registre au"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f := &fakeSyncer{err: errors.New("dial tcp 127.0.0.1:5432: connection refused"), mark: app.RegisterMark{Generation: 3, SyncedAt: asOf}, release: make(chan struct{})}
			sh := testShared(t, tc.lang)
			sh.Deps.Sync = f
			m := newModel(sh, newBlankPage(sh, "Register"))
			send(m, tea.WindowSizeMsg{Width: 120, Height: 40})
			cmd := startSync(f)
			msg := cmd()
			p, ok := msg.(syncProgressMsg)
			if !ok {
				t.Fatalf("first message %T, want progress", msg)
			}
			_, next := m.Update(p)
			spaces := strings.NewReplacer("\u202f", " ", "\u00a0", " ")
			if got := plain(m); !strings.Contains(spaces.Replace(got), tc.progress) {
				t.Errorf("progress not in the status line:\n%s", got)
			}
			close(f.release)
			finish(m, next)
			got := plain(m)
			if !strings.Contains(got, tc.offline) || !strings.Contains(got, "2026") {
				t.Errorf("offline line missing %q and its date:\n%s", tc.offline, got)
			}
			if strings.Contains(got, "connection refused") {
				t.Errorf("the driver's error reached the screen:\n%s", got)
			}
		})
	}
	t.Run("changes", func(t *testing.T) {
		f := &fakeSyncer{out: app.RegisterSync{Generation: 4, Changed: 10000, Withdrawn: 1000, Active: 999000}, release: make(chan struct{})}
		close(f.release)
		sh := testShared(t, "en")
		sh.Deps.Sync = f
		m := newModel(sh, newBlankPage(sh, "Register"))
		send(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		finish(m, startSync(f))
		if got := plain(m); !strings.Contains(got, "generation 4, 10,000 changed and 1,000 withdrawn") {
			t.Errorf("no sync summary:\n%s", got)
		}
	})
}
