package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// runCmd plays cmd on the person page, keeping the file's messages.
func runCmd(t *testing.T, p Page, cmd tea.Cmd) Page {
	t.Helper()
	return play(t, p, cmd, func(msg tea.Msg) bool { _, ok := msg.(personFileMsg); return ok })
}

// TestPersonBreakGlassPrompt: on a server, a counsellor opening a person
// outside their caseload gets the reason form instead of the file; with a
// reason the file opens and shows the look; the overview audits one view
// per opening, however often it reloads.
func TestPersonBreakGlassPrompt(t *testing.T) {
	ctx := context.Background()
	st, ann := peopleStore(t)
	base, err := app.New(st, app.Options{Actor: "counsellor", Now: func() time.Time { return peopleNow }})
	if err != nil {
		t.Fatal(err)
	}
	cody := base.AsCaller(app.Caller{Account: sessions.Counsellor{Name: "cody", Role: sessions.RoleCounsellor}, Session: "run/s7"})
	sh := newShared(locale.Must(), Deps{People: cody}, Options{Lang: "en", Now: func() time.Time { return peopleNow }})
	page := newPersonPage(sh, ann)
	page.SetSize(100, 30)
	var p Page = runCmd(t, page, page.Init())
	screen := ansi.Strip(p.View())
	if !strings.Contains(screen, "Not on your caseload") || strings.Contains(screen, "Ann Peeters") || !p.InputFocused() {
		t.Fatalf("without a reason the file shows:\n%s", screen)
	}
	var cmd tea.Cmd
	for _, r := range "covering" {
		p, cmd = p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		p = runCmd(t, p, cmd)
	}
	p, cmd = p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	p = runCmd(t, p, cmd)
	screen = ansi.Strip(p.View())
	if !strings.Contains(screen, "Ann Peeters") || !strings.Contains(screen, "Opened outside the caseload by cody") {
		t.Fatalf("with a reason:\n%s", screen)
	}
	for range 2 { // back from the ledger, twice: reloads, not new looks
		p, cmd = p.Update(RevealMsg{})
		p = runCmd(t, p, cmd)
	}
	log, err := st.AuditLog(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	views, glass := 0, 0
	for _, e := range log {
		switch {
		case e.Action == "view" && e.Detail == "person overview":
			views++
		case e.Action == "break-glass":
			glass++
			if e.Reason != "covering" || e.Session != "run/s7" {
				t.Errorf("break-glass row: %+v", e)
			}
		}
	}
	if views != 1 || glass != 1 {
		t.Errorf("audit: %d overview views and %d break-glass rows, want 1 and 1", views, glass)
	}
}

// TestPeopleListAuditsOncePerOpening: typing in the people list audits each
// person it shows once per opening of the list, not once per keystroke.
func TestPeopleListAuditsOncePerOpening(t *testing.T) {
	ctx := context.Background()
	st, ann := peopleStore(t)
	base, err := app.New(st, app.Options{Actor: "counsellor", Now: func() time.Time { return peopleNow }})
	if err != nil {
		t.Fatal(err)
	}
	sh := newShared(locale.Must(), Deps{People: base}, Options{Lang: "en", Now: func() time.Time { return peopleNow }})
	pg := newPeoplePage(sh)
	pg.SetSize(100, 24)
	queries := 0
	var play func(cmd tea.Cmd)
	play = func(cmd tea.Cmd) {
		t.Helper()
		for cmd != nil {
			msg := cmd()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					play(c)
				}
				return
			}
			if _, ok := msg.(peopleMsg); !ok {
				return
			}
			queries++
			_, cmd = pg.Update(msg)
		}
	}
	play(pg.Init())
	for _, r := range "ann" {
		_, cmd := pg.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		play(cmd)
	}
	if list := pg.(*peoplePage).list; queries != 4 || len(list) != 1 || list[0].ID != ann {
		t.Fatalf("%d queries, list %+v", queries, list)
	}
	log, err := st.AuditLog(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == "view" && e.Detail == "people list" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Ann's list views audited %d times over 4 queries, want 1", n)
	}
}
