package tui

import (
	"flag"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/koers-project/koers/locale"
)

var _ = flag.Lookup("update") // golden registers -update

// testShared is shared state in lang with a fixed clock.
func testShared(t *testing.T, lang string) *Shared {
	t.Helper()
	return newShared(locale.Must(), Deps{}, Options{Lang: lang, Now: func() time.Time {
		return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	}})
}

// plain is what a person sees: the rendered screen without escape codes.
func plain(m *Model) string { return ansi.Strip(m.render()) }

func send(m *Model, msgs ...tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	for _, msg := range msgs {
		_, cmd = m.Update(msg)
	}
	return cmd
}

func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// inputPage is a page whose text field always has focus.
type inputPage struct {
	blankPage
	typed string
}

func (p *inputPage) InputFocused() bool { return true }
func (p *inputPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		p.typed += k.Text
	}
	return p, nil
}

func TestTooSmallScreen(t *testing.T) {
	for _, lang := range []string{"en", "nl"} {
		t.Run(lang, func(t *testing.T) {
			sh := testShared(t, lang)
			m := newModel(sh, newBlankPage(sh, "Register"))
			send(m, tea.WindowSizeMsg{Width: 60, Height: 20})
			got := plain(m)
			if !strings.Contains(got, "60×20") || !strings.Contains(got, "80×24") {
				t.Fatalf("too-small screen does not name the sizes:\n%s", got)
			}
			golden.RequireEqual(t, []byte(got))
		})
	}
}

func TestKeyRouting(t *testing.T) {
	sh := testShared(t, "en")
	in := &inputPage{blankPage: blankPage{sh: sh, title: "Input"}}
	m := newModel(sh, in)
	send(m, tea.WindowSizeMsg{Width: 80, Height: 24})

	// A focused text input gets q and ?, not the global keys.
	if cmd := send(m, keyPress("q"), keyPress("?")); cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q in a text field quit")
		}
	}
	if in.typed != "q?" || m.fullHelp {
		t.Fatalf("typed %q, full help %v", in.typed, m.fullHelp)
	}
	// ctrl+c quits from anywhere.
	cmd := send(m, keyPress("ctrl+c"))
	if cmd == nil {
		t.Fatal("ctrl+c did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("ctrl+c did not quit")
	}

	// Outside text fields, ? toggles full help and q quits.
	m2 := newModel(sh, newBlankPage(sh, "Blank"))
	send(m2, tea.WindowSizeMsg{Width: 80, Height: 24}, keyPress("?"))
	if !m2.fullHelp {
		t.Fatal("? did not open full help")
	}
	if cmd := send(m2, keyPress("q")); cmd == nil {
		t.Fatal("q did not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

func TestStackAndStatus(t *testing.T) {
	sh := testShared(t, "en")
	m := newModel(sh, newBlankPage(sh, "Home"))
	send(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	send(m, PushMsg{Page: newBlankPage(sh, "Second")})
	if m.Active().Title() != "Second" {
		t.Fatalf("active %q", m.Active().Title())
	}
	send(m, StatusMsg{Text: "saved"}, FocusMsg{Focus: &Focus{Name: "Ann Peeters", Balance: "ILA €1 240 avail"}})
	got := plain(m)
	for _, want := range []string{"koers · Second", "Ann Peeters · ILA €1 240 avail", "saved"} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q:\n%s", want, got)
		}
	}
	if lines := strings.Count(got, "\n") + 1; lines != 30 {
		t.Errorf("screen has %d lines, want 30", lines)
	}
	send(m, PopMsg{}, PopMsg{})
	if m.Active().Title() != "Home" {
		t.Fatalf("after pops: %q", m.Active().Title())
	}
}
