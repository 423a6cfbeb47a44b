package tui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// play runs cmd and every command it batches, feeding each message keep
// accepts back to the page and stopping at the first it does not (the
// test plays the event loop without a terminal; the rest is the root's
// business).
func play(t *testing.T, p Page, cmd tea.Cmd, keep func(tea.Msg) bool) Page {
	t.Helper()
	for cmd != nil {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				p = play(t, p, c, keep)
			}
			return p
		}
		if !keep(msg) {
			return p
		}
		p, cmd = p.Update(msg)
	}
	return p
}

// drive plays cmd on the ledger page, keeping the ledger's own messages.
func drive(t *testing.T, p Page, cmd tea.Cmd) Page {
	t.Helper()
	return play(t, p, cmd, func(msg tea.Msg) bool {
		switch msg.(type) {
		case ledgerMsg, decidedMsg, postedMsg:
			return true
		}
		return false
	})
}

// TestLedgerSupervisorApproves: a counsellor's top-up above the centre's
// threshold shows in the supervisor's ledger as pending, not counted; A
// approves it and the balance follows.
func TestLedgerSupervisorApproves(t *testing.T) {
	ctx := context.Background()
	st, _ := peopleStore(t)
	base, err := app.New(st, app.Options{Actor: "setup", Now: func() time.Time { return peopleNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := base.AddCentre(ctx, sessions.Centre{Code: "gent"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := base.SetThreshold(ctx, "gent", "ila", "500.00"); err != nil {
		t.Fatal(err)
	}
	as := func(name string, role sessions.Role) *app.App {
		return base.AsCaller(app.Caller{Account: sessions.Counsellor{Name: name, Role: role, Centres: []string{"gent"}}, Session: "run/" + name})
	}
	ann, sue := as("ann", sessions.RoleCounsellor), as("sue", sessions.RoleSupervisor)
	p, err := ann.CreatePerson(ctx, sessions.Person{Name: "Dirk Janssens"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = ann.Post(ctx, app.PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: "900.00", Funder: "ESF", Reason: "most in need", Key: "big"})
	var held *app.HeldError
	if !errors.As(err, &held) {
		t.Fatalf("held: %v", err)
	}
	sh := newShared(locale.Must(), Deps{People: sue}, Options{Lang: "en", Now: func() time.Time { return peopleNow }})
	page := newLedgerPage(sh, p)
	page.SetSize(100, 24)
	var pg Page = drive(t, page, page.Init())
	screen := ansi.Strip(pg.View())
	if !strings.Contains(screen, "pending approval") || !strings.Contains(screen, "(ann)") {
		t.Fatalf("sue's ledger lacks the held top-up:\n%s", screen)
	}
	ila := func() int64 {
		t.Helper()
		bs, err := sue.Balances(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := sessions.BalanceOf(bs, "ila")
		return b.Balance
	}
	if got := ila(); got != 0 {
		t.Errorf("the held top-up is counted: ila %d", got)
	}
	var cmd tea.Cmd
	pg, cmd = pg.Update(tea.KeyPressMsg{Code: 'a', Text: "A", Mod: tea.ModShift})
	if cmd == nil {
		t.Fatal("A did nothing for a supervisor")
	}
	pg = drive(t, pg, cmd)
	screen = ansi.Strip(pg.View())
	if strings.Contains(screen, "pending approval") {
		t.Errorf("still pending after approval:\n%s", screen)
	}
	if got := ila(); got != 90000 {
		t.Errorf("ila balance %d after approval, want 90000", got)
	}
	// One look per opening: the reload after the approval is not another.
	log, err := st.AuditLog(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	views := 0
	for _, e := range log {
		if e.Action == "view" && e.Detail == "ledger" && e.Actor == "sue" {
			views++
		}
	}
	if views != 1 {
		t.Errorf("sue's ledger views audited %d times, want 1", views)
	}
	// The counsellor's ledger has no approve key.
	annPage := newLedgerPage(newShared(locale.Must(), Deps{People: ann}, Options{Lang: "en", Now: func() time.Time { return peopleNow }}), p)
	annPage.SetSize(100, 24)
	if _, cmd := drive(t, annPage, annPage.Init()).Update(tea.KeyPressMsg{Code: 'a', Text: "A", Mod: tea.ModShift}); cmd != nil {
		t.Error("A works for a counsellor")
	}
}
