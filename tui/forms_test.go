package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// TestProfileFormScreens is the profile and privacy form at both sizes in
// English and Dutch: focus on the first field, labels from the catalogue,
// and a date that cannot be a date said under its field as it is typed.
func TestProfileFormScreens(t *testing.T) {
	for _, lang := range []struct{ code, people, open, title, bad, employment string }{
		{"en", "3 people", "Open actions (1)", "Profile and privacy record of Ann Peeters", "2026-13-01 is not a date: write YYYY-MM-DD", "◂ job seeker ▸"},
		{"nl", "3 personen", "Open acties (1)", "Ann Peeters", "2026-13-01 is geen datum: schrijf YYYY-MM-DD", "◂ werkzoekend ▸"},
	} {
		for _, sz := range peopleSizes {
			t.Run(lang.code+"/"+sz.name, func(t *testing.T) {
				r, _ := startPeople(t, lang.code, sz.w, sz.h)
				r.openFirst(lang.people, lang.open)
				r.keys("e")
				r.waitFor(lang.title, "▸")
				t.Run("open", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				if scr := r.p.screen(); strings.Contains(scr, "unemployed") || !strings.Contains(scr, lang.employment) {
					t.Errorf("the employment status is not in words (%q):\n%s", lang.employment, scr)
				}
				if !strings.Contains(firstMarked(r.p.screen()), "Ann Peeters") {
					t.Errorf("focus is not on the first field (name): %q", firstMarked(r.p.screen()))
				}
				for range pfRetain {
					r.keys("tab")
				}
				r.tm.Type("2026-13-01")
				r.waitFor("! " + lang.bad)
				t.Run("bad-date", func(t *testing.T) { golden.RequireEqual(t, []byte(r.p.screen())) })
				r.finish()
			})
		}
	}
}

// firstMarked is the line of scr that carries the focus marker.
func firstMarked(scr string) string {
	for _, l := range strings.Split(scr, "\n") {
		if strings.HasPrefix(l, "▸") {
			return l
		}
	}
	return ""
}

// TestSessionFormBehaves: the session form opens on its first field;
// ctrl+d gives back a clean form (the time now, every field empty, focus
// on the first field) and keys typed after it land in no stale field; a
// date is checked as typed; once the form is leaving it takes no keys.
func TestSessionFormBehaves(t *testing.T) {
	for _, lang := range []struct{ code, people, open, title, channel, when, bad, discarded string }{
		{"en", "3 people", "Open actions (1)", "Session with Ann Peeters", "▸Channel", "When", "is not a date", "Draft discarded"},
		{"nl", "3 personen", "Open acties (1)", "Gesprek met Ann Peeters", "▸Kanaal", "Wanneer", "is geen datum", "Concept verwijderd"},
	} {
		for _, sz := range peopleSizes {
			t.Run(lang.code+"/"+sz.name, func(t *testing.T) {
				r, ann := startPeople(t, lang.code, sz.w, sz.h)
				r.openFirst(lang.people, lang.open)
				r.keys("n")
				r.waitFor(lang.title, lang.channel, "2026-12-03 10:00")
				r.keys("tab") // When
				r.tm.Type("60")
				r.waitFor("2026-12-03 10:0060", lang.bad) // a time that cannot be: said at once
				r.keys("tab", "tab", "tab")               // situation
				r.tm.Type("Visit to the training centre")
				r.waitFor("Visit to the training centre")
				r.tm.Send(ctrl('d'))
				r.waitFor(lang.channel, lang.discarded)
				scr := r.p.screen()
				if strings.Contains(scr, "10:0060") || strings.Contains(scr, "Visit to the training centre") || strings.Contains(scr, lang.bad) {
					t.Fatalf("ctrl+d left a dirty form:\n%s", scr)
				}
				if !strings.Contains(scr, "2026-12-03 10:00") {
					t.Fatalf("ctrl+d lost the time now:\n%s", scr)
				}
				t.Run("discarded", func(t *testing.T) { golden.RequireEqual(t, []byte(scr)) })
				// Keys after ctrl+d go to the first field (the channel), not into the When.
				r.tm.Type("Visit")
				r.keys("tab")
				r.waitFor("▸" + lang.when)
				if strings.Contains(r.p.screen(), "Visit") {
					t.Fatalf("keys typed on the channel landed in a field:\n%s", r.p.screen())
				}
				if _, _, err := r.st.Draft(context.Background(), ann, sessions.DraftSession); err == nil {
					t.Errorf("the draft is still stored after ctrl+d")
				}
				r.finish()
			})
		}
	}
}

// TestClosedSessionFormTakesNoKeys: once esc or ctrl+s closes the session
// form, keys that arrive before the page is gone never reach a field.
func TestClosedSessionFormTakesNoKeys(t *testing.T) {
	sh := newShared(locale.Must(), Deps{}, Options{Lang: "en", Now: func() time.Time { return peopleNow }})
	for _, closing := range []tea.KeyPressMsg{{Code: tea.KeyEscape}, ctrl('s')} {
		t.Run(closing.String(), func(t *testing.T) {
			p := newSessionPage(sh, sessions.Person{ID: "p1", Name: "Ann"})
			p.SetSize(80, 20)
			p.form.focusOn(fSummary)
			p.Update(tea.KeyPressMsg{Code: 'a', Text: "a"})
			p.Update(closing)
			p.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
			p.Update(tea.PasteMsg{Content: "pasted"})
			if got := p.form.value(fSummary); got != "a" {
				t.Errorf("summary after closing = %q, want %q", got, "a")
			}
		})
	}
}

// TestNextAppointmentDateOnly: an appointment entered as a date only is
// shown as a date on the overview, never as 00:00.
func TestNextAppointmentDateOnly(t *testing.T) {
	for _, lang := range []struct{ code, people, open, title, date string }{
		{"en", "3 people", "Open actions (1)", "Session with Ann Peeters", "Next appointment: 2026-12-20"},
		{"nl", "3 personen", "Open acties (1)", "Gesprek met Ann Peeters", "Volgende afspraak: 20-12-2026"},
	} {
		t.Run(lang.code, func(t *testing.T) {
			r, _ := startPeople(t, lang.code, 80, 24)
			r.openFirst(lang.people, lang.open)
			r.keys("n")
			r.waitFor(lang.title)
			for range fNext {
				r.keys("tab")
			}
			r.tm.Type("2026-12-20")
			r.tm.Send(ctrl('s'))
			r.waitFor(lang.date)
			if strings.Contains(r.p.screen(), "00:00") {
				t.Errorf("a date-only appointment shows 00:00:\n%s", r.p.screen())
			}
			r.finish()
		})
	}
}

// TestProfileFormRegionAndMobility (issue 13): the home region is typed as
// a postcode and shown by name as it resolves; mobility is a choice in
// words, not free text; saving stores the NUTS code and the choice's code.
func TestProfileFormRegionAndMobility(t *testing.T) {
	for _, lang := range []struct{ code, people, open, region, mobility string }{
		{"fr", "3 personnes", "Actions ouvertes (1)", "Hainaut", "◂ en ligne uniquement ▸"},
		{"nl", "3 personen", "Open acties (1)", "Henegouwen", "◂ enkel online ▸"},
	} {
		for _, sz := range peopleSizes {
			t.Run(lang.code+"/"+sz.name, func(t *testing.T) {
				r, ann := startPeople(t, lang.code, sz.w, sz.h)
				r.openFirst(lang.people, lang.open)
				r.keys("e")
				r.waitFor("▸")
				for range pfRegion {
					r.keys("tab")
				}
				r.tm.Type("6000")
				r.waitFor("→ " + lang.region)
				r.keys("tab", "right")
				r.waitFor(lang.mobility)
				golden.RequireEqual(t, []byte(r.p.screen()))
				r.keys("ctrl+s")
				r.waitFor(lang.open)
				p, err := r.st.Person(context.Background(), ann)
				if err != nil {
					t.Fatal(err)
				}
				if p.Region != "BE32" || p.Mobility != "online" {
					t.Errorf("saved region %q mobility %q, want BE32 and online", p.Region, p.Mobility)
				}
				r.finish()
			})
		}
	}
}
