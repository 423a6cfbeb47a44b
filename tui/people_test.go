package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

var peopleNow = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// peopleStore is a real store in t.TempDir with three people; Ann has a
// full file. It returns the store and Ann's id.
func peopleStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	clock := peopleNow.Add(-14 * 24 * time.Hour)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "koers.db"), store.Options{Actor: "counsellor", Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ann, err := st.CreatePerson(ctx, sessions.Person{Name: "Ann Peeters", Email: "ann.peeters@example.org", BirthYear: 1984, EQF: 4,
		Employment: sessions.Unemployed, Language: "nl", TargetOccupation: "http://data.europa.eu/esco/occupation/data-analyst",
		NoticeVersion: "2026-1", NoticeShown: catalog.NewDate(2026, 11, 19),
		Consents: []sessions.Consent{{Purpose: sessions.ConsentStore, Given: catalog.NewDate(2026, 11, 19)}, {Purpose: sessions.ConsentShare}}})
	must(err)
	for _, name := range []string{"Bram Claes", "Chloé Dubois"} {
		_, err := st.CreatePerson(ctx, sessions.Person{Name: name})
		must(err)
	}
	for _, e := range []sessions.Entry{
		{Scheme: "ila", Kind: sessions.Accrual, Amount: 100000, Key: "a1"},
		{Scheme: "ila", Kind: sessions.TopUp, Amount: 24000, Key: "a2", Funder: "VDAB", Reason: "most in need: low-qualified"},
		{Scheme: "ila", Kind: sessions.Reserve, Amount: 48000, Key: "a3", Ref: "plan-step:python"},
		{Scheme: "leave", Kind: sessions.Accrual, Amount: 7500, Key: "l1"},
	} {
		e.PersonID = ann.ID
		_, err := st.PostEntry(ctx, e)
		must(err)
	}
	_, err = st.AddSession(ctx, sessions.Session{PersonID: ann.ID, At: clock.Add(-time.Hour), Minutes: 45, Channel: sessions.FaceToFace,
		Attended: true, Summary: "Intake: wants to move into data analysis", Notes: []string{"restricted remark"},
		Goals:   []sessions.Goal{{Summary: "Work as a junior data analyst", Target: catalog.NewDate(2027, 9, 1)}},
		Actions: []sessions.Action{{Summary: "Enrol in Data-analyse met Python", Owner: "person", Due: catalog.NewDate(2026, 12, 10)}},
		Next:    peopleNow.Add(24 * time.Hour)})
	must(err)
	ects := 2.0
	_, err = st.AddCredential(ctx, sessions.Credential{PersonID: ann.ID, Learner: "Ann Peeters", Title: "Data Science Fundamentals",
		Country: "BE", AwardingBody: "DigiLab Gent", Issued: catalog.NewDate(2025, 5, 1), Outcomes: []catalog.Outcome{{Text: "clean data"}},
		ECTS: &ects, EQF: 6, Assessment: "project", Mode: catalog.ModeOnline, QA: "accredited"})
	must(err)
	clock = peopleNow
	return st, ann.ID
}

// peopleProbe wraps the root model and keeps what the screen shows after
// every message, so a test waits for the screen, not for raw output.
type peopleProbe struct {
	m    *Model
	mu   sync.Mutex
	last string
}

func (p *peopleProbe) Init() tea.Cmd { return p.m.Init() }
func (p *peopleProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.m.Update(msg)
	p.mu.Lock()
	p.last = plain(p.m)
	p.mu.Unlock()
	return p, cmd
}
func (p *peopleProbe) View() tea.View { return p.m.View() }

func (p *peopleProbe) screen() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

type peopleRun struct {
	t  *testing.T
	tm *teatest.TestModel
	p  *peopleProbe
	st *store.Store
}

// startPeople runs the people list in a teatest program at w×h.
func startPeople(t *testing.T, lang string, w, h int) (*peopleRun, string) {
	t.Helper()
	return startPeopleWith(t, lang, w, h, false)
}

// startPeopleWith also gives the program the register when withRegister.
func startPeopleWith(t *testing.T, lang string, w, h int, withRegister bool) (*peopleRun, string) {
	t.Helper()
	st, ann := peopleStore(t)
	ap := appOver(t, st, func() time.Time { return peopleNow })
	deps := Deps{People: ap}
	if withRegister {
		deps.Register = ap
	}
	sh := newShared(locale.Must(), deps, Options{Lang: lang, Now: func() time.Time { return peopleNow }})
	p := &peopleProbe{m: newModel(sh, newBlankPage(sh, "Register"))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	r := &peopleRun{t: t, tm: tm, p: p, st: st}
	r.tm.Send(keyPress("tab")) // tab from the home screen opens the people list
	return r, ann
}

func (r *peopleRun) waitFor(texts ...string) {
	r.t.Helper()
	teatest.WaitFor(r.t, r.tm.Output(), func([]byte) bool {
		scr := r.p.screen()
		for _, s := range texts {
			if !strings.Contains(scr, s) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

// openFirst waits for the people list (its count line, people), opens
// the first person and waits for their overview to show open.
func (r *peopleRun) openFirst(people string, open ...string) {
	r.t.Helper()
	r.waitFor(people)
	r.keys("enter")
	r.waitFor(open...)
}

func (r *peopleRun) keys(ks ...string) {
	for _, k := range ks {
		r.tm.Send(keyPress(k))
	}
}

func (r *peopleRun) special(codes ...rune) {
	for _, c := range codes {
		r.tm.Send(tea.KeyPressMsg{Code: c})
	}
}

func (r *peopleRun) finish() {
	r.t.Helper()
	r.tm.Send(keyPress("ctrl+c"))
	r.tm.WaitFinished(r.t, teatest.WithFinalTimeout(15*time.Second))
}

func (r *peopleRun) golden() {
	r.t.Helper()
	golden.RequireEqual(r.t, []byte(r.p.screen()))
}

var peopleSizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"120x40", 120, 40}}

func TestPeopleListScreen(t *testing.T) {
	for _, sz := range peopleSizes {
		t.Run(sz.name, func(t *testing.T) {
			r, _ := startPeople(t, "en", sz.w, sz.h)
			r.waitFor("3 people", "Ann Peeters", "Chloé Dubois", "last seen 2026-11-19")
			r.golden()
			r.tm.Type("dub")
			r.waitFor("1 person", "Chloé Dubois")
			if strings.Contains(r.p.screen(), "Ann Peeters") {
				t.Error("search for dub still lists Ann")
			}
			r.finish()
		})
	}
}

func TestPersonOverviewScreen(t *testing.T) {
	for _, sz := range peopleSizes {
		t.Run(sz.name, func(t *testing.T) {
			r, _ := startPeople(t, "en", sz.w, sz.h)
			r.waitFor("3 people")
			r.keys("enter")
			r.waitFor("Open actions (1)", "€760.00 available", "Ann Peeters · ILA €760.00 avail")
			r.golden()
			r.finish()
		})
	}
}

func TestSessionScreenDraftAndSave(t *testing.T) {
	for _, sz := range peopleSizes {
		t.Run(sz.name, func(t *testing.T) {
			r, ann := startPeople(t, "en", sz.w, sz.h)
			r.waitFor("3 people")
			r.keys("enter")
			r.waitFor("Open actions (1)")
			r.keys("n")
			r.waitFor("Session with Ann Peeters", "▸Channel")
			r.keys("tab", "tab", "tab", "tab") // from the channel (the first field) to the situation
			r.tm.Type("Follow-up: course chosen")
			r.keys("tab") // notes
			r.tm.Type("prefers evening classes")
			r.keys("tab", "tab") // past "not attended", to the goal
			r.tm.Type("Finish the Python course")
			r.keys("enter", "tab") // action
			r.tm.Type("Send enrolment form")
			r.keys("tab") // due
			r.tm.Type("2026-12-05")
			r.keys("enter")
			r.waitFor("Draft saved 10:00:00", "• Send enrolment form · due 2026-12-05", "• Finish the Python course")
			r.golden()
			// The draft is in the database: a crash now loses nothing.
			body, _, err := r.st.Draft(context.Background(), ann, sessions.DraftSession)
			if err != nil || !strings.Contains(body, "prefers evening classes") || !strings.Contains(body, "Send enrolment form") {
				t.Fatalf("draft %q, %v", body, err)
			}
			// Leave and come back: the draft is offered again.
			r.keys("esc")
			r.waitFor("Open actions (1)")
			r.keys("n")
			r.waitFor("Restored the draft", "Follow-up: course chosen")
			r.tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
			r.waitFor("Session saved", "Follow-up: course", "Open actions (2)")
			if _, _, err := r.st.Draft(context.Background(), ann, sessions.DraftSession); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("draft left after save: %v", err)
			}
			list, err := r.st.Sessions(context.Background(), ann, true)
			if err != nil || len(list) != 2 || list[0].Summary != "Follow-up: course chosen" || len(list[0].Notes) != 1 || len(list[0].Actions) != 1 {
				t.Fatalf("saved sessions: %+v %v", list, err)
			}
			r.finish()
		})
	}
}

// TestSearchForPersonAddsToDraft opens the register search from the person
// overview and checks that an offer picked there lands in the session
// draft as an agreed action, which the session screen then shows.
func TestSearchForPersonAddsToDraft(t *testing.T) {
	r, ann := startPeopleWith(t, "en", 80, 24, true)
	r.waitFor("3 people")
	r.keys("enter")
	r.waitFor("Open actions (1)")
	r.keys("s")
	r.waitFor("koers · Register", "Ann Peeters") // the search, for Ann
	r.keys("esc")
	r.waitFor("p add as agreed action") // not "add to plan": the pick goes to the session draft
	offer := catalog.Offer{ID: "offer-1", Title: "Data-analyse met Python"}
	if err := addOfferToDraft(context.Background(), appOver(t, r.st, func() time.Time { return peopleNow }), ann, offer, "Enrol in Data-analyse met Python", "person"); err != nil {
		t.Fatal(err)
	}
	if err := addOfferToDraft(context.Background(), appOver(t, r.st, func() time.Time { return peopleNow }), ann, offer, "Enrol in Data-analyse met Python", "person"); err != nil {
		t.Fatal(err)
	}
	r.tm.Send(PopMsg{}) // close the search (its own back key is the search page's business)
	r.waitFor("Open actions (1)")
	r.keys("n")
	r.waitFor("Restored the draft", "• Enrol in Data-analyse met Python")
	if n := strings.Count(r.p.screen(), "Enrol in Data-analyse met Python"); n != 1 {
		t.Errorf("offer appears %d times in the session screen", n)
	}
	r.finish()
}

func TestOverviewMarksActionDone(t *testing.T) {
	r, ann := startPeople(t, "en", 80, 24)
	r.waitFor("3 people")
	r.keys("enter")
	r.waitFor("Open actions (1)", "a select · d done")
	r.keys("a")
	r.waitFor("▸ Enrol in Data-analyse met Python")
	r.keys("d")
	r.waitFor("Action marked done", "Open actions (0)")
	open, err := r.st.OpenActions(context.Background(), ann)
	if err != nil || len(open) != 0 {
		t.Fatalf("open actions after d: %+v %v", open, err)
	}
	r.finish()
}

func TestProfileFormRecordsNoticeAndConsent(t *testing.T) {
	r, _ := startPeople(t, "en", 80, 24)
	r.waitFor("3 people")
	r.tm.Type("bram")
	r.openFirst("1 person", "privacy notice not shown yet")
	r.keys("e")
	r.waitFor("Profile and privacy record of Bram Claes")
	for range pfNoticeVersion {
		r.keys("tab")
	}
	r.tm.Type("2026-1")
	r.keys("tab")
	r.tm.Type("today")
	r.keys("tab", "tab")
	r.tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	r.waitFor("[x] store")
	r.tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	r.waitFor("Profile saved", "Notice 2026-1 shown 2026-12-03", "Consents: store ✓")
	list, _ := r.st.People(context.Background(), "bram", 1)
	p, err := r.st.Person(context.Background(), list[0].ID)
	if err != nil || p.NoticeVersion != "2026-1" || p.NoticeShown.String() != "2026-12-03" || len(p.Consents) != 1 || !p.Consents[0].Active() {
		t.Fatalf("saved person: %+v %v", p, err)
	}
	r.finish()
}

// TestPersonOverviewDutch is the overview in Dutch: every label from the catalogue.
func TestPersonOverviewDutch(t *testing.T) {
	r, _ := startPeople(t, "nl", 80, 24)
	r.waitFor("3 personen")
	r.keys("enter")
	r.waitFor("Open acties (1)", "€ 760,00 beschikbaar", "Ann Peeters · ILA € 760,00 beschikbaar")
	r.golden()
	r.finish()
}

// TestProfileFormTakesPickedOccupation: the concept picker's answer fills the
// target occupation, which is saved as the ESCO URI.
func TestProfileFormTakesPickedOccupation(t *testing.T) {
	r, ann := startPeople(t, "en", 80, 24)
	r.waitFor("3 people")
	r.keys("enter")
	r.waitFor("Open actions (1)")
	r.keys("e")
	r.waitFor("Profile and privacy record of Ann Peeters")
	uri := "http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30"
	r.tm.Send(ConceptPickedMsg{Tag: "target", Kind: catalog.KindOccupation, Concept: catalog.ConceptMatch{URI: uri, Label: "data analyst"}})
	r.waitFor("data analyst (ctrl+o)")
	r.tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	r.waitFor("Profile saved")
	p, err := r.st.Person(context.Background(), ann)
	if err != nil || p.TargetOccupation != uri || p.Name != "Ann Peeters" || p.BirthYear != 1984 {
		t.Fatalf("saved person: %+v %v", p, err)
	}
	r.finish()
}

// TestSessionNotAttended records a missed appointment from the session
// screen: the reason makes it "not attended", on an earlier day.
func TestSessionNotAttended(t *testing.T) {
	r, ann := startPeople(t, "en", 80, 24)
	r.waitFor("3 people")
	r.keys("enter")
	r.waitFor("Open actions (1)")
	r.keys("n")
	r.waitFor("Session with Ann Peeters", "2026-12-03 10:00")
	r.waitFor("▸Channel") // focus starts on the first field
	r.keys("tab")         // the When field
	for range len("10:00") + 1 {
		r.special(tea.KeyBackspace)
	}
	r.tm.Type(" 09:30")
	r.keys("tab", "tab", "tab", "tab", "tab") // minutes, venue, summary, notes, not attended
	r.tm.Type("ill")
	r.tm.Send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	r.waitFor("Session saved", "(not attended)")
	list, err := r.st.Sessions(context.Background(), ann, false)
	if err != nil || len(list) != 2 || list[0].Attended || list[0].Reason != "ill" || list[0].At.Format("15:04") != "09:30" {
		t.Fatalf("sessions: %+v %v", list, err)
	}
	r.finish()
}
