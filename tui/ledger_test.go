package tui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/koers-project/koers/sessions"
)

func ctrl(c rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: c, Mod: tea.ModCtrl} }

// openLedger goes from the people list to Ann's ledger.
func (r *peopleRun) openLedger(ready ...string) {
	r.t.Helper()
	r.openFirst("3 people", "Open actions (1)")
	r.keys("l")
	r.waitFor(ready...)
}

// TestLedgerChangesAreConfirmed: no ledger change is one key away. A new
// entry and a correction are forms with a reason; enter states the effect
// in words and only y posts it; a refusal speaks in the scheme's unit; a
// correction of a correction re-posts the original effect.
func TestLedgerChangesAreConfirmed(t *testing.T) {
	r, ann := startPeople(t, "en", 100, 30)
	r.openLedger("koers · Learning account", "most in need", "€760.00 available")
	avail := func() int64 {
		t.Helper()
		bs, err := r.st.Balances(context.Background(), ann)
		if err != nil {
			t.Fatal(err)
		}
		return bs[0].Available
	}
	r.keys("p")
	r.waitFor("New entry · ILA", "▸Kind")
	for range 3 { // accrual → top-up → reserve → spend
		r.tm.Send(ctrl('k'))
	}
	r.waitFor("◂ spend ▸")
	r.keys("tab")
	r.tm.Type("800.00")
	r.keys("enter")
	r.waitFor("Reason: is required") // a change without a reason is not reviewed
	r.tm.Type("course fee")
	r.keys("enter")
	r.waitFor("Post spend of €800.00: ILA available €760.00 → ")
	if got := avail(); got != 76000 {
		t.Fatalf("the review posted: available %d", got)
	}
	r.keys("y")
	r.waitFor("Refused: Not enough ILA: €800.00 asked, €760.00 available.")
	r.tm.Send(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	for range 6 {
		r.special(tea.KeyBackspace)
	}
	r.tm.Type("60.00")
	r.keys("enter")
	r.waitFor("Post spend of €60.00: ILA available €760.00 → €700.00?")
	r.keys("n") // back to the form: nothing posted
	r.waitFor("enter review")
	if got := avail(); got != 76000 {
		t.Fatalf("n posted: available %d", got)
	}
	r.keys("enter", "y")
	r.waitFor("Posted spend €60.00: €700.00 available", "▸2026-12-03   4 spend", "Ann Peeters · ILA €700.00 avail")

	// c opens a correction form; it takes a reason and a confirmation.
	r.keys("c")
	r.openFirst("Reverse entry #4: spend €60.00 of 2026-12-03", "Reason: is required")
	r.tm.Type("wrong course")
	r.keys("enter")
	r.waitFor("Reverse €60.00 spend of 2026-12-03: ILA available €700.00 → €760.00?")
	if got := avail(); got != 70000 {
		t.Fatalf("c posted before the confirmation: available %d", got)
	}
	r.keys("y")
	r.waitFor("Posted correction €60.00: €760.00 available", "▸2026-12-03   5 correction")
	// The correction can itself be corrected: that re-posts the spend.
	r.keys("c")
	r.tm.Type("it was the right course")
	r.keys("enter")
	r.waitFor("Reverse €60.00 correction of 2026-12-03: ILA available €760.00 → €700.00?")
	r.keys("y")
	r.waitFor("Posted correction €60.00: €700.00 available", "▸2026-12-03   6 correction")
	// The spend is reversed already: the screen says by which entry.
	r.special(tea.KeyUp, tea.KeyUp)
	r.waitFor("▸2026-12-03   4 spend")
	r.keys("c")
	r.waitFor("Entry #4 is already reversed by #5")
	es, err := r.st.Entries(context.Background(), ann, "ila")
	if err != nil || len(es) != 6 || es[4].Corrects != es[3].ID || es[5].Corrects != es[4].ID || es[5].Reason != "it was the right course" {
		t.Fatalf("entries after corrections: %+v %v", es, err)
	}
	if got := avail(); got != 70000 {
		t.Fatalf("available after the chain: %d", got)
	}
	if es[5].CreatedBy != "counsellor" {
		t.Errorf("correction made by %q", es[5].CreatedBy)
	}
	r.finish()
}

// TestLedgerScreens are the ledger, its entry form and its correction
// form with the confirmation, at both sizes in English and Dutch.
func TestLedgerScreens(t *testing.T) {
	for _, lang := range []struct{ code, people, open, avail, newEntry, reverse string }{
		{"en", "3 people", "Open actions (1)", "€760.00 available", "New entry · ILA", "Reverse €240.00 top-up of 2026-11-19: ILA available €760.00 → €520.00?"},
		{"nl", "3 personen", "Open acties (1)", "€ 760,00 beschikbaar", "Nieuwe boeking · ILA", "terugdraaien: ILA beschikbaar € 760,00"},
	} {
		for _, sz := range peopleSizes {
			t.Run(lang.code+"/"+sz.name, func(t *testing.T) {
				r, _ := startPeople(t, lang.code, sz.w, sz.h)
				r.openFirst(lang.people, lang.open)
				r.keys("l")
				r.waitFor(lang.avail, "VDAB")
				t.Run("ledger", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.keys("p")
				r.waitFor(lang.newEntry)
				t.Run("entry", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.keys("esc")
				r.special(tea.KeyUp) // the top-up
				r.keys("c")
				r.tm.Type("VDAB withdrew the top-up")
				r.keys("enter")
				r.waitFor(lang.reverse)
				t.Run("correction", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.finish()
			})
		}
	}
}

// TestTimelineSaysWhoChangedTheLedger: a correction made with a reason
// shows on the person's timeline with who made it, in English and Dutch.
func TestTimelineSaysWhoChangedTheLedger(t *testing.T) {
	for _, lang := range []struct{ code, people, line, who string }{
		{"en", "3 people", "ILA #4 correction €240.00 · by", "counsellor: VDAB withdrew the"},
		{"nl", "3 personen", "ILA #4 correctie € 240,00 · door", "counsellor: VDAB withdrew the"},
	} {
		t.Run(lang.code, func(t *testing.T) {
			r, ann := startPeople(t, lang.code, 120, 40)
			r.waitFor(lang.people)
			es, err := r.st.Entries(context.Background(), ann, "ila")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.st.PostEntry(context.Background(), sessions.Entry{PersonID: ann, Scheme: "ila", Kind: sessions.Correct,
				Corrects: es[1].ID, Key: "c1", Reason: "VDAB withdrew the top-up"}); err != nil {
				t.Fatal(err)
			}
			r.keys("enter")
			r.waitFor(lang.line, lang.who)
			r.finish()
		})
	}
}
