package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestEveryKeyDiscoverable: the overview's short help shows export (ctrl+e)
// and its full help every key it takes (e, a, d, x); f1 opens help from
// the people search, where ? is typed into the box; the profile form shows
// the occupation picker (ctrl+o). At both sizes, in English and Dutch.
func TestEveryKeyDiscoverable(t *testing.T) {
	for _, lang := range []struct {
		code, people, open, export, edit, actions, picker, help string
	}{
		{"en", "3 people", "Open actions (1)", "ctrl+e export", "e edit profile", "d action done", "ctrl+o pick target occupation", "f1 help"},
		{"nl", "3 personen", "Open acties (1)", "ctrl+e", "e profiel bewerken", "d actie klaar", "ctrl+o doelberoep kiezen", "f1 hulp"},
	} {
		for _, sz := range peopleSizes {
			t.Run(lang.code+"/"+sz.name, func(t *testing.T) {
				r, _ := startPeople(t, lang.code, sz.w, sz.h)
				r.waitFor(lang.people)
				// In the people search ? is a character; f1 is help.
				r.tm.Type("?")
				r.waitFor("> ?")
				r.tm.Send(tea.KeyPressMsg{Code: tea.KeyF1})
				r.waitUntil(func(scr string) bool { // the full help: keys in columns, no "•" between them
					return strings.Contains(scr, "ctrl+a") && !strings.Contains(scr, "ctrl+a add person •") && !strings.Contains(scr, "ctrl+a persoon toevoegen •")
				})
				r.tm.Send(tea.KeyPressMsg{Code: tea.KeyF1})
				r.special(tea.KeyBackspace)
				r.waitFor(lang.people, lang.help)
				r.keys("enter")
				r.waitFor(lang.open, lang.export)
				r.keys("?")
				r.waitFor(lang.edit, lang.actions, "x ")
				r.keys("?")
				r.keys("e")
				r.waitFor(lang.picker)
				if sz.w >= 120 && !strings.Contains(r.p.screen(), "ctrl+s") {
					t.Errorf("the profile form's help lacks save:\n%s", r.p.screen())
				}
				r.finish()
			})
		}
	}
}

// waitUntil waits until ok holds for the screen.
func (r *peopleRun) waitUntil(ok func(string) bool) {
	r.t.Helper()
	teatest.WaitFor(r.t, r.tm.Output(), func([]byte) bool { return ok(r.p.screen()) },
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}
