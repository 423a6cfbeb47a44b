package tui

import (
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/store"
)

// weekLaptop is a laptop's app whose server is faked: SyncServer says the
// checkout's server, SyncCheckout records what it was asked and waits for
// the test to let it answer.
type weekLaptop struct {
	*app.App
	asked   chan weekAsk
	release chan struct{}
}

type weekAsk struct {
	from string
	sel  app.SyncSelection
}

func (w *weekLaptop) SyncServer(context.Context) (string, error) {
	return "postgres://db.example.org/koers", nil
}

func (w *weekLaptop) SyncCheckout(ctx context.Context, from string, sel app.SyncSelection) (app.SyncStatus, error) {
	w.asked <- weekAsk{from: from, sel: sel}
	<-w.release
	return app.SyncStatus{CheckedOut: true, People: make([]store.SyncPersonState, 2)}, nil
}

// TestPeopleCheckoutWeek: on a laptop with a checkout, ctrl+o on the
// people list (shown in the help line) checks out the counsellor's
// appointments from today to six days on, from the checkout's server;
// the status line says it runs and then what it took.
func TestPeopleCheckoutWeek(t *testing.T) {
	want := map[string][]string{
		"en": {"ctrl+o take this week", "Checking out this week's appointments from postgres://db.example.org/koers…",
			"This week's appointments (2026-12-03–2026-12-09): 2 people checked out"},
		"nl": {"ctrl+o deze week meenemen", "Afspraken van deze week uitchecken van postgres://db.example.org/koers…",
			"Afspraken deze week (03-12-2026–09-12-2026): 2 personen uitgecheckt"},
	}
	for _, lang := range []string{"en", "nl"} {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				st, _ := peopleStore(t)
				lap := &weekLaptop{App: appOver(t, st, func() time.Time { return peopleNow }), asked: make(chan weekAsk, 1), release: make(chan struct{})}
				sh := newShared(locale.Must(), Deps{People: lap}, Options{Lang: lang, Now: func() time.Time { return peopleNow }})
				p := &peopleProbe{m: newModel(sh, newBlankPage(sh, "Register"))}
				r := &peopleRun{t: t, tm: teatest.NewTestModel(t, p, teatest.WithInitialTermSize(sz.w, sz.h)), p: p, st: st}
				r.tm.Send(keyPress("tab"))
				r.waitFor("Ann Peeters")
				r.waitFor(want[lang][0])
				r.keys("ctrl+o")
				ask := <-lap.asked
				if ask.from != "postgres://db.example.org/koers" || ask.sel.Appointments.String() != "2026-12-03" || ask.sel.Days != 7 || ask.sel.Caseload || len(ask.sel.People) != 0 {
					t.Errorf("checkout asked %+v", ask)
				}
				r.waitFor(want[lang][1])
				close(lap.release)
				r.waitFor(want[lang][2])
				r.golden()
				r.finish()
			})
		}
	}
}
