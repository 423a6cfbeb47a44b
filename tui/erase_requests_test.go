package tui

import (
	"context"
	"errors"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// eraseTexts are what each language shows at the steps of an erasure
// request, as the test waits for them.
var eraseTexts = map[string]struct{ key, heading, requested, queueKey, queue, decline, declined, approve, empty string }{
	"en": {"X request erasure", "Ask a supervisor to erase Ann Peeters", "Erasure requested by counsellor", "ctrl+x erasure requests (1)",
		"Erasure requests", "Decline the request to erase Ann Peeters", "declined by sue", "Type the name to approve",
		"No erasure requests wait for you."},
	"nl": {"X wissen aanvragen", "Vraag een supervisor om Ann Peeters te wissen", "Wissen gevraagd door counsellor", "ctrl+x verzoeken tot wissen (1)",
		"Verzoeken tot wissen", "Het verzoek om Ann Peeters te wissen weigeren", "geweigerd door sue", "Typ de naam om het verzoek goed te keuren",
		"Er wachten geen verzoeken tot wissen op u."},
	"fr": {"X demander l'effacement", "Demander à un superviseur d'effacer Ann Peeters", "Effacement demandé par counsellor", "ctrl+x demandes d'effacement (1)",
		"Demandes d'effacement", "Refuser la demande d'effacer Ann Peeters", "refusée par sue", "Tapez le nom pour approuver",
		"Aucune demande d'effacement ne vous attend."},
}

// startAs runs the TUI over st for a server account, from the person page
// of id when id is set, else from the people list.
func startAs(t *testing.T, base *app.App, acc sessions.Counsellor, lang string, w, h int, id string) *peopleRun {
	t.Helper()
	as := base.AsCaller(app.Caller{Account: acc, Session: "run/" + acc.Name})
	sh := newShared(locale.Must(), Deps{People: as}, Options{Lang: lang, Now: func() time.Time { return peopleNow }})
	var first Page = newBlankPage(sh, "Register")
	if id != "" {
		first = newPersonPage(sh, id)
	}
	p := &peopleProbe{m: newModel(sh, first)}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	r := &peopleRun{t: t, tm: tm, p: p}
	if id == "" {
		r.tm.Send(keyPress("tab"))
	}
	return r
}

// TestEraseRequestScreens: over SSH a counsellor, who may not erase, asks
// for an erasure from the person page (X, with a reason); the file shows
// the request; a supervisor finds it behind ctrl+x on the people list,
// declines it with a reason (which the file then shows), and approves the
// next one with the person's name typed, which erases the person. Goldens
// of every screen at 80×24 and 120×40 in English, Dutch and French.
func TestEraseRequestScreens(t *testing.T) {
	counsellor := sessions.Counsellor{Name: "counsellor", Role: sessions.RoleCounsellor}
	sue := sessions.Counsellor{Name: "sue", Role: sessions.RoleSupervisor}
	for _, lang := range []string{"en", "nl", "fr"} {
		tx := eraseTexts[lang]
		for _, sz := range peopleSizes {
			t.Run(lang+"-"+sz.name, func(t *testing.T) {
				ctx := context.Background()
				st, ann := peopleStore(t)
				base := appOver(t, st, func() time.Time { return peopleNow })
				if _, err := base.TransferPerson(ctx, ann, "counsellor"); err != nil { // on the counsellor's caseload
					t.Fatal(err)
				}

				r := startAs(t, base, counsellor, lang, sz.w, sz.h, ann)
				r.waitFor("Ann Peeters", tx.key)
				r.tm.Send(tea.KeyPressMsg{Code: 'x', Text: "X", Mod: tea.ModShift})
				r.waitFor(tx.heading)
				t.Run("request", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.tm.Type("Ann asked to be forgotten")
				r.keys("enter")
				r.waitFor(tx.requested, "Ann asked")
				t.Run("file", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.finish()

				r = startAs(t, base, sue, lang, sz.w, sz.h, "")
				r.waitFor(tx.queueKey)
				r.tm.Send(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl})
				r.waitFor(tx.queue, "Ann Peeters", "Ann asked to be forgotten")
				t.Run("queue", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.keys("d")
				r.waitFor(tx.decline)
				t.Run("decline", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.tm.Type("kept for the ESF audit")
				r.keys("enter")
				r.waitFor(tx.empty)
				r.finish()
				list, err := base.EraseRequests(ctx, ann)
				if err != nil || len(list) != 1 || list[0].Status() != sessions.EraseDeclined || list[0].Decision.DecidedBy != "sue" {
					t.Fatalf("after the decline: %+v %v", list, err)
				}

				r = startAs(t, base, counsellor, lang, sz.w, sz.h, ann)
				r.waitFor(tx.declined, tx.key)
				r.finish()
				if _, err := base.AsCaller(app.Caller{Account: counsellor}).RequestErase(ctx, ann, "asked again in writing"); err != nil {
					t.Fatal(err)
				}
				r = startAs(t, base, sue, lang, sz.w, sz.h, "")
				r.waitFor(tx.queueKey)
				r.tm.Send(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl})
				r.waitFor("asked again in writing")
				r.keys("a")
				r.waitFor(tx.approve)
				t.Run("approve", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.tm.Type("Ann Peeters")
				r.keys("enter")
				r.waitFor(tx.empty)
				r.finish()
				if _, err := base.Person(ctx, ann); !errors.Is(err, app.ErrNotFound) {
					t.Fatalf("Ann after the approval: %v, want erased", err)
				}
			})
		}
	}
}
