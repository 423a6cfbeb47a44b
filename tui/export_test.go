package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/export"
)

// fakeExporter records requests; block, when set, holds the export until closed.
type fakeExporter struct {
	mu    sync.Mutex
	reqs  []ExportRequest
	err   error
	block chan struct{}
}

func (f *fakeExporter) ExportPlan(ctx context.Context, req ExportRequest) (ExportResult, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return ExportResult{}, ctx.Err()
		}
	}
	if f.err != nil {
		return ExportResult{}, f.err
	}
	return ExportResult{Path: "/home/lea/plans/" + req.Path, Bytes: 48213}, nil
}

func (f *fakeExporter) Resolve(path string) string { return "/home/lea/plans/" + path }

func (f *fakeExporter) requests() []ExportRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ExportRequest(nil), f.reqs...)
}

func exportModel(t *testing.T, lang string, ex Exporter, w, h int) (*Model, *Shared) {
	t.Helper()
	sh := testShared(t, lang)
	sh.Deps.Exporter = ex
	sh.Focus = &Focus{PersonID: "0193a1b2-0000-7000-8000-0000000000aa", Name: "Zoë Françoise D’Hondt", Balance: "ILA € 1.240"}
	m := newModel(sh, newBlankPage(sh, "Register"))
	send(m, tea.WindowSizeMsg{Width: w, Height: h})
	run(m, OpenExport(sh))
	return m, sh
}

// run feeds a command's messages back into the model until none are left
// (what the program loop does), except the status line's clear timer.
func run(m *Model, cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		switch msg := msg.(type) {
		case nil:
			return
		case tea.BatchMsg:
			for _, c := range msg {
				run(m, c)
			}
			return
		case StatusMsg:
			m.Update(msg) // its command is the clear-status timer: not run
			return
		default:
			_, cmd = m.Update(msg)
		}
	}
}

func TestExportDialogScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, lang := range []string{"en", "nl"} {
			t.Run(fmt.Sprintf("%s_%dx%d", lang, size[0], size[1]), func(t *testing.T) {
				m, _ := exportModel(t, lang, &fakeExporter{}, size[0], size[1])
				send(m, tea.KeyPressMsg{Code: tea.KeyRight}, tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyRight}, tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
				got := plain(m)
				if !strings.Contains(got, "Zoë Françoise D’Hondt") {
					t.Fatalf("dialog does not show the person:\n%s", got)
				}
				golden.RequireEqual(t, []byte(got))
			})
		}
	}
}

func TestExportDialogRequest(t *testing.T) {
	ex := &fakeExporter{}
	m, _ := exportModel(t, "en", ex, 80, 24)
	// Format: pdf → md; language: person's → nl; notes on; file typed with a q (no quit).
	send(m, tea.KeyPressMsg{Code: tea.KeyRight}, tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyRight}, tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, tea.KeyPressMsg{Code: tea.KeyDown})
	d := m.Active().(*exportDialog)
	d.path.SetValue("")
	for _, r := range "plan-q.md" {
		send(m, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if m.quitting {
		t.Fatal("typing q in the file field quit")
	}
	run(m, send(m, keyPress("enter")))
	reqs := ex.requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d exports", len(reqs))
	}
	want := ExportRequest{PersonID: "0193a1b2-0000-7000-8000-0000000000aa", Format: export.Markdown, Lang: "nl", Path: "plan-q.md", Notes: true}
	if reqs[0] != want {
		t.Errorf("request %+v, want %+v", reqs[0], want)
	}
	if _, still := m.Active().(*exportDialog); still {
		t.Error("dialog stays open after the export")
	}
	if !strings.Contains(m.status, "/home/lea/plans/plan-q.md") || !strings.Contains(m.status, "47 kB") || m.statusErr {
		t.Errorf("status %q", m.status)
	}
}

func TestExportDialogFormatChangesDefaultName(t *testing.T) {
	m, _ := exportModel(t, "en", &fakeExporter{}, 80, 24)
	d := m.Active().(*exportDialog)
	if !strings.HasSuffix(d.path.Value(), "0000aa-2026-12-03.pdf") {
		t.Fatalf("default name %q", d.path.Value())
	}
	send(m, tea.KeyPressMsg{Code: tea.KeyLeft})
	if !strings.HasSuffix(d.path.Value(), ".ics") {
		t.Errorf("after ← the name is %q, want .ics", d.path.Value())
	}
}

func TestExportDialogErrorAndNoPerson(t *testing.T) {
	ex := &fakeExporter{err: errors.New("disk full")}
	m, sh := exportModel(t, "en", ex, 80, 24)
	run(m, send(m, keyPress("enter")))
	if !m.statusErr || !strings.Contains(m.status, "disk full") {
		t.Errorf("status %q err=%v", m.status, m.statusErr)
	}
	if _, still := m.Active().(*exportDialog); !still {
		t.Error("dialog closed on failure; the counsellor should be able to retry")
	}
	sh.Focus = nil
	send(m, keyPress("esc"))
	run(m, OpenExport(sh))
	if !m.statusErr || !strings.Contains(m.status, "Open a person first") {
		t.Errorf("no person: status %q", m.status)
	}
}

// TestExportDialogBackground drives the real program: the export runs in a
// command while the screen stays responsive; esc cancels it and the late
// reply is dropped.
func TestExportDialogBackground(t *testing.T) {
	ex := &fakeExporter{block: make(chan struct{})}
	m, _ := exportModel(t, "en", ex, 80, 24)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	tm.Send(keyPress("enter"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Exporting") }, teatest.WithDuration(5*time.Second))
	tm.Send(keyPress("esc"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Export cancelled") }, teatest.WithDuration(5*time.Second))
	close(ex.block)
	tm.Send(keyPress("ctrl+c"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if d, ok := fm.Active().(*exportDialog); !ok || d.running {
		t.Errorf("after cancel the dialog should be open and idle: %T", fm.Active())
	}
	if len(ex.requests()) != 1 {
		t.Errorf("exports: %d", len(ex.requests()))
	}
}

// TestExportGlobalKey: ctrl+e opens the dialog for the person in focus, once.
func TestExportGlobalKey(t *testing.T) {
	sh := testShared(t, "en")
	sh.Deps.Exporter = &fakeExporter{}
	m := newModel(sh, newBlankPage(sh, "Register"))
	send(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	ctrlE := tea.KeyPressMsg{Code: 'e', Mod: tea.ModCtrl}
	run(m, send(m, ctrlE))
	if !m.statusErr {
		t.Error("ctrl+e without a person in focus should say so")
	}
	sh.Focus = &Focus{PersonID: "p1", Name: "Ann"}
	run(m, send(m, ctrlE))
	run(m, send(m, ctrlE))
	if _, ok := m.Active().(*exportDialog); !ok || len(m.stack) != 2 {
		t.Errorf("stack %d, top %T", len(m.stack), m.Active())
	}
}
