package tui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// servedProbe runs the served root model and keeps the screen after every message.
type servedProbe struct {
	s    *servedModel
	mu   sync.Mutex
	last string
}

func (p *servedProbe) Init() tea.Cmd { return p.s.Init() }
func (p *servedProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.s.Update(msg)
	p.mu.Lock()
	p.last = plain(p.s.Model)
	p.mu.Unlock()
	return p, cmd
}
func (p *servedProbe) View() tea.View { return p.s.View() }
func (p *servedProbe) screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

// TestShutdownSavesDraftsAndQuits: a served session told to shut down while
// the session form holds unsaved typing saves that draft, then quits.
func TestShutdownSavesDraftsAndQuits(t *testing.T) {
	st, ann := peopleStore(t)
	sh := newShared(locale.Must(), Deps{People: appOver(t, st, func() time.Time { return peopleNow })}, Options{Lang: "en", Now: func() time.Time { return peopleNow }})
	p := &servedProbe{s: &servedModel{Model: newModel(sh, newBlankPage(sh, "Register"))}}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(80, 24))
	wait := func(text string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func([]byte) bool { return strings.Contains(p.screen(), text) },
			teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	}
	tm.Send(keyPress("tab"))
	wait("3 people")
	tm.Send(keyPress("enter"))
	wait("Open actions (1)")
	tm.Send(keyPress("n"))
	wait("Session with Ann Peeters")
	// The shutdown follows the typing at once, well inside the 300 ms
	// debounce: only the shutdown's own save can put the draft in the database.
	for range 4 { // focus opens on the first field: on to the summary
		tm.Send(keyPress("tab"))
	}
	tm.Type("Server going down mid-sentence")
	tm.Send(ShutdownMsg{Notice: "koers is stopping"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(15*time.Second))
	body, _, err := st.Draft(context.Background(), ann, sessions.DraftSession)
	if err != nil || !strings.Contains(body, "Server going down mid-sentence") {
		t.Fatalf("draft after shutdown = %q, %v", body, err)
	}
}

// TestShutdownWithNothingToSave quits at once.
func TestShutdownWithNothingToSave(t *testing.T) {
	sh := newShared(locale.Must(), Deps{}, Options{Lang: "en"})
	p := &servedProbe{s: &servedModel{Model: newModel(sh, newBlankPage(sh, "Register"))}}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(80, 24))
	tm.Send(ShutdownMsg{Notice: "koers is stopping"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(15*time.Second))
}
