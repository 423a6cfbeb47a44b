package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// missingID is a well-formed id no row has.
const missingID = "01900000-0000-7000-8000-000000000000"

func newPerson(t *testing.T, st Engine, name string) sessions.Person {
	t.Helper()
	p, err := st.CreatePerson(context.Background(), sessions.Person{Name: name, Email: "ann@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func testPersonRoundTrip(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	in := sessions.Person{
		Name: "Ann Peeters", Email: "ann@example.org", Phone: "+32 470 12 34 56", Language: "nl", BirthYear: 1984,
		EQF: 4, Employment: sessions.Unemployed, TargetOccupation: "http://data.europa.eu/esco/occupation/x",
		Skills:       []sessions.HeldSkill{{URI: "http://data.europa.eu/esco/skill/a", Label: "Python", Evidence: sessions.SelfDeclared}},
		Availability: "mornings", Mobility: "public transport", Modes: []catalog.Mode{catalog.ModeOnline},
		LawfulBasis: "public task", NoticeVersion: "2026-1", NoticeShown: catalog.NewDate(2026, 12, 1),
		Consents:    []sessions.Consent{{Purpose: sessions.ConsentStore, Given: catalog.NewDate(2026, 12, 1)}},
		RetainUntil: catalog.NewDate(2031, 12, 1),
	}
	p, err := st.CreatePerson(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if p.CreatedBy != "tester" || !p.CreatedAt.Equal(Clock) || !p.UpdatedAt.Equal(Clock) {
		t.Errorf("not stamped: %q %v %v", p.CreatedBy, p.CreatedAt, p.UpdatedAt)
	}
	ignore := cmpopts.IgnoreFields(sessions.Person{}, "ID", "CreatedAt", "CreatedBy", "UpdatedAt", "UpdatedBy", "Version")
	if d := cmp.Diff(in, p, ignore, cmp.AllowUnexported(catalog.Date{})); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	p.Employment = sessions.Employed
	p.Skills = append(p.Skills, sessions.HeldSkill{URI: "http://data.europa.eu/esco/skill/b", Evidence: sessions.ByCounsellor})
	p.Consents = append(p.Consents, sessions.Consent{Purpose: sessions.ConsentResearch, Given: catalog.NewDate(2026, 12, 2), Withdrawn: catalog.NewDate(2026, 12, 3)})
	got, err := st.UpdatePerson(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Employment != sessions.Employed || len(got.Skills) != 2 || len(got.Consents) != 2 || got.Consents[0].Purpose != sessions.ConsentResearch {
		t.Errorf("update: %+v", got)
	}
	if err := st.AddSkills(ctx, p.ID, []sessions.HeldSkill{
		{URI: "http://data.europa.eu/esco/skill/b", Evidence: sessions.ByCounsellor},
		{URI: "http://data.europa.eu/esco/skill/c", Evidence: sessions.Assessment},
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Person(ctx, p.ID); len(got.Skills) != 3 {
		t.Errorf("skills after AddSkills (one already held): %+v", got.Skills)
	}
	if err := st.AddSkills(ctx, p.ID, []sessions.HeldSkill{{URI: "not a uri", Evidence: sessions.Assessment}}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("bad skill: %v, want ErrConflict", err)
	}
	list, err := st.People(ctx, "peet", 0)
	if err != nil || len(list) != 1 || list[0].ID != p.ID {
		t.Fatalf("search: %+v %v", list, err)
	}
	chloe, err := st.CreatePerson(ctx, sessions.Person{Name: "Chloé Dubois-Lefèvre"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"chloe", "CHLOÉ", "dubois lefevre", "lefèvre chlo", chloe.ID} {
		list, err := st.People(ctx, q, 0)
		if err != nil || len(list) != 1 || list[0].ID != chloe.ID {
			t.Errorf("search %q: %+v %v", q, list, err)
		}
	}
	if list, _ := st.People(ctx, "", 0); len(list) != 2 || list[0].Name != "Ann Peeters" || !list[0].LastSession.IsZero() {
		t.Errorf("everyone, by name: %+v", list)
	}
	if list, _ := st.People(ctx, "", 1); len(list) != 1 {
		t.Errorf("limit 1: %+v", list)
	}
	if list, _ := st.People(ctx, "zzz", 0); len(list) != 0 {
		t.Errorf("no match: %+v", list)
	}
	if _, err := st.CreatePerson(ctx, sessions.Person{Name: " ", Email: "nope"}); err == nil {
		t.Error("invalid person accepted")
	}
	log, err := st.AuditLog(ctx, p.ID)
	if err != nil || len(log) != 3 || log[0].Action != "create" || log[1].Action != "change" || log[1].Detail != "profile" || log[2].Detail != "skills" {
		t.Fatalf("audit: %+v %v", log, err)
	}
	if log[0].Actor != "tester" || log[0].PersonID != p.ID || !log[0].At.Equal(Clock) {
		t.Errorf("audit entry: %+v", log[0])
	}
	if err := st.Audit(ctx, p.ID, "view", "person file"); err != nil {
		t.Fatal(err)
	}
	if log, _ := st.AuditLog(ctx, p.ID); len(log) != 4 || log[3].Action != "view" {
		t.Errorf("audit after view: %+v", log)
	}
}

func testPersonNotFound(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	for _, id := range []string{"missing", missingID} {
		if _, err := st.Person(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Person(%q): %v", id, err)
		}
		if _, err := st.UpdatePerson(ctx, sessions.Person{ID: id, Name: "X"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdatePerson(%q): %v", id, err)
		}
		if _, err := st.Balances(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Balances(%q): %v", id, err)
		}
		if _, err := st.Sessions(ctx, id, false); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Sessions(%q): %v", id, err)
		}
		if _, err := st.Plans(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Plans(%q): %v", id, err)
		}
		if _, err := st.Plan(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Plan(%q): %v", id, err)
		}
		if err := st.SetActionStatus(ctx, id, "done"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetActionStatus(%q): %v", id, err)
		}
		if err := st.ErasePerson(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ErasePerson(%q): %v", id, err)
		}
		if _, err := st.ExportPerson(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ExportPerson(%q): %v", id, err)
		}
		if es, err := st.Entries(ctx, id, ""); err != nil || len(es) != 0 {
			t.Errorf("Entries(%q): %v %v", id, es, err)
		}
		if cs, err := st.Credentials(ctx, id); err != nil || len(cs) != 0 {
			t.Errorf("Credentials(%q): %v %v", id, cs, err)
		}
	}
	if _, err := st.Scheme(ctx, "nope"); !errors.Is(err, store.ErrUnknownScheme) {
		t.Errorf("Scheme(nope): %v", err)
	}
	scs, err := st.Schemes(ctx)
	if err != nil || len(scs) != 3 || scs[0].Code != "ila" || scs[1].Unit != sessions.UnitHours || scs[2].SharePercent != 50 || scs[2].Cap != 12500 {
		t.Errorf("schemes: %+v %v", scs, err)
	}
}

func testSessionAllOrNothing(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p := newPerson(t, st, "Chloé Dubois")
	now := st.Now()
	if err := st.SaveDraft(ctx, p.ID, sessions.DraftSession, `{"summary":"half"}`); err != nil {
		t.Fatal(err)
	}
	bad := sessions.Session{PersonID: p.ID, At: now, Attended: true, Summary: "x",
		Actions: []sessions.Action{{Summary: "enrol", Due: catalog.DateOf(now).AddDays(-3)}}}
	if _, err := st.AddSession(ctx, bad); err == nil {
		t.Fatal("action due before its session accepted")
	}
	if _, err := st.AddSession(ctx, sessions.Session{PersonID: missingID, At: now, Attended: true}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session of nobody: %v", err)
	}
	good := sessions.Session{PersonID: p.ID, At: now, Attended: true, Channel: sessions.FaceToFace, Summary: "first talk", Minutes: 45,
		Notes:   []string{"restricted note", "  "},
		Goals:   []sessions.Goal{{Summary: "work as data analyst", Target: catalog.DateOf(now).AddDays(180)}},
		Actions: []sessions.Action{{Summary: "enrol in Python course", Owner: "person", Due: catalog.DateOf(now).AddDays(14)}, {Summary: "no date"}},
		Next:    now.AddDate(0, 0, 14)}
	g, err := st.AddSession(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if g.ID == "" || g.Goals[0].ID == "" || g.Actions[0].SessionID != g.ID || good.Goals[0].ID != "" {
		t.Errorf("ids: session %q goal %q action session %q; caller's goal %q", g.ID, g.Goals[0].ID, g.Actions[0].SessionID, good.Goals[0].ID)
	}
	if _, _, err := st.Draft(ctx, p.ID, sessions.DraftSession); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("draft kept after save: %v", err)
	}
	list, err := st.Sessions(ctx, p.ID, false)
	if err != nil || len(list) != 1 {
		t.Fatalf("sessions: %+v %v", list, err)
	}
	s0 := list[0]
	if s0.ID != g.ID || len(s0.Notes) != 0 || len(s0.Goals) != 1 || len(s0.Actions) != 2 || s0.Counsellor != "tester" ||
		!s0.At.Equal(now) || !s0.Next.Equal(good.Next) || s0.Minutes != 45 || !s0.Attended || s0.Channel != sessions.FaceToFace ||
		s0.Goals[0].Target != good.Goals[0].Target || s0.Goals[0].Status != "open" {
		t.Errorf("without notes: %+v", s0)
	}
	withNotes, _ := st.Sessions(ctx, p.ID, true)
	if len(withNotes[0].Notes) != 1 || withNotes[0].Notes[0] != "restricted note" {
		t.Errorf("notes: %+v", withNotes[0].Notes)
	}
	if err := st.Exec(ctx, `UPDATE session_notes SET body='x'`); !errors.Is(err, store.ErrReadOnlyRow) {
		t.Errorf("note update: %v", err)
	}
	if err := st.Exec(ctx, `DELETE FROM session_notes`); !errors.Is(err, store.ErrReadOnlyRow) {
		t.Errorf("note delete: %v", err)
	}
	open2, _ := st.OpenActions(ctx, p.ID)
	if len(open2) != 2 || open2[0].Summary != "enrol in Python course" || open2[1].Summary != "no date" {
		t.Fatalf("open actions, dated first: %+v", open2)
	}
	if err := st.SetActionStatus(ctx, open2[0].ID, "done"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetActionStatus(ctx, open2[1].ID, "lost"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("bad status: %v", err)
	}
	if open, _ := st.OpenActions(ctx, p.ID); len(open) != 1 {
		t.Errorf("still open: %+v", open)
	}
	if list, _ := st.People(ctx, "chloe", 0); len(list) != 1 || !list[0].LastSession.Equal(now) {
		t.Errorf("last session in the people list: %+v", list)
	}
}

func testDraftsAndAppointments(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p := newPerson(t, st, "Dirk Draft")
	if _, _, err := st.Draft(ctx, p.ID, "session"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no draft yet: %v", err)
	}
	for _, body := range []string{"one", "two"} {
		if err := st.SaveDraft(ctx, p.ID, "session", body); err != nil {
			t.Fatal(err)
		}
	}
	body, at, err := st.Draft(ctx, p.ID, "session")
	if err != nil || body != "two" || !at.Equal(Clock) {
		t.Fatalf("draft: %q %v %v", body, at, err)
	}
	if err := st.DiscardDraft(ctx, p.ID, "session"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Draft(ctx, p.ID, "session"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("discarded draft: %v", err)
	}
	if n, err := st.NextAppointment(ctx, p.ID); err != nil || !n.IsZero() {
		t.Fatalf("no appointment: %v %v", n, err)
	}
	now := st.Now()
	for _, next := range []time.Time{now.AddDate(0, 0, -10), now.AddDate(0, 0, 7), now.AddDate(0, 0, 21)} {
		if _, err := st.AddSession(ctx, sessions.Session{PersonID: p.ID, At: now.AddDate(0, 0, -30), Attended: true, Next: next}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := st.NextAppointment(ctx, p.ID); err != nil || !n.Equal(now.AddDate(0, 0, 21)) {
		t.Errorf("next appointment %v (%v), want the latest ahead", n, err)
	}
}

func testCredentials(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p := newPerson(t, st, "Cora Credential")
	cred := func(title string, issued catalog.Date) sessions.Credential {
		return sessions.Credential{PersonID: p.ID, Learner: "Cora", Title: title, Country: "BE", AwardingBody: "CVO", Issued: issued,
			Outcomes: []catalog.Outcome{{Text: "code", Skills: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/py", Label: "Python"}}}},
			ECTS:     new(2.0), EQF: 5, Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited"}
	}
	got, err := st.AddCredentials(ctx, []sessions.Credential{cred("Old", catalog.NewDate(2024, 1, 1)), cred("New", catalog.NewDate(2026, 1, 1))})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ID == "" || got[0].CreatedBy != "tester" || got[0].Source != "manual" {
		t.Errorf("stamped: %+v", got[0])
	}
	// All or none: the second credential names nobody.
	bad := cred("Nobody's", catalog.NewDate(2025, 1, 1))
	bad.PersonID = missingID
	if _, err := st.AddCredentials(ctx, []sessions.Credential{cred("Mine", catalog.NewDate(2025, 1, 1)), bad}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("credential of nobody: %v", err)
	}
	list, err := st.Credentials(ctx, p.ID)
	if err != nil || len(list) != 2 || list[0].Title != "New" || list[1].Title != "Old" {
		t.Fatalf("credentials, newest first, none half-added: %+v %v", list, err)
	}
	if d := cmp.Diff(got[1], list[0], cmp.AllowUnexported(catalog.Date{})); d != "" {
		t.Errorf("read back (-added +read):\n%s", d)
	}
	person, _ := st.Person(ctx, p.ID)
	if len(person.Skills) != 2 || person.Skills[0].Evidence != sessions.ByCredential || person.Skills[0].URI != "http://data.europa.eu/esco/skill/py" {
		t.Errorf("skills from credentials: %+v", person.Skills)
	}
}

// testEraseLeavesNoRows erases a person with a full file: no row of theirs
// is left in any table nor in the engine's data at rest (Raw), the other
// person is untouched, and the audit log keeps the erase.
func testEraseLeavesNoRows(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	const name = "Zoltan Vermeulen-Uniquename"
	p := newPerson(t, st, name)
	other := newPerson(t, st, "Kept Person")
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 50000, Key: "a", Reason: "for " + name})
	e := post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Reserve, Amount: 100, Key: "b", Ref: "step"})
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Correct, Corrects: e.ID, Key: "c"})
	post(t, st, sessions.Entry{PersonID: other.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100, Key: "a"})
	if _, err := st.AddSession(ctx, sessions.Session{PersonID: p.ID, At: st.Now().Add(-time.Hour), Attended: true,
		Summary: name + " wants to retrain", Notes: []string{"note about " + name},
		Goals: []sessions.Goal{{Summary: "goal of " + name}}, Actions: []sessions.Action{{Summary: "call " + name}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveDraft(ctx, p.ID, sessions.DraftSession, name); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddCredential(ctx, sessions.Credential{PersonID: p.ID, Learner: name, Title: "Python", Country: "BE",
		AwardingBody: "CVO", Issued: catalog.NewDate(2026, 1, 1), Outcomes: []catalog.Outcome{{Text: "code"}},
		ECTS: new(2.0), EQF: 5, Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreatePlan(ctx, sessions.Plan{PersonID: p.ID, Name: "Plan for " + name}); err != nil {
		t.Fatal(err)
	}
	f, err := st.ExportPerson(ctx, p.ID)
	if err != nil || len(f.Plans) != 1 || len(f.Sessions) != 1 || len(f.Sessions[0].Notes) != 1 || len(f.Credentials) != 1 || len(f.Drafts) != 1 || len(f.Ledger) != 3 || len(f.Balances) != 3 {
		t.Fatalf("export before erase: %+v, %v", f, err)
	}
	if f.ExportedBy != "tester" || f.Audit[len(f.Audit)-1].Action != "export" {
		t.Errorf("export stamp and audit: %q %+v", f.ExportedBy, f.Audit)
	}
	if err := st.ErasePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Person(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("person still there: %v", err)
	}
	if _, err := st.Person(ctx, other.ID); err != nil {
		t.Fatalf("other person gone: %v", err)
	}
	if b := balanceOf(t, st, other.ID, "ila"); b.Balance != 100 {
		t.Fatalf("other balance: %+v", b)
	}
	for _, tbl := range []string{"people", "ledger_entries", "accounts", "guidance_sessions", "session_notes", "goals", "actions", "drafts", "credentials", "person_skills", "consents", "plans", "plan_steps", "plan_funding"} {
		col := "person_id"
		if tbl == "people" {
			col = "id"
		}
		n, err := st.Count(ctx, `SELECT count(*) FROM `+tbl+` WHERE `+col+` = '`+p.ID+`'`)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows left", tbl, n)
		}
	}
	if st.Raw != nil {
		raw, err := st.Raw(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{name, "Uniquename"} {
			if bytes.Contains(raw, []byte(needle)) {
				t.Errorf("the engine's data at rest still holds %q", needle)
			}
		}
	}
	log, _ := st.AuditLog(ctx, p.ID)
	if len(log) == 0 || log[len(log)-1].Action != "erase" || log[len(log)-1].Detail != "" {
		t.Errorf("no erase in audit: %+v", log)
	}
	// Erasing again finishes the scrub (as after a WAL another process
	// held); an id never seen is not found.
	if err := st.ErasePerson(ctx, p.ID); err != nil {
		t.Errorf("second erase: %v", err)
	}
	if err := st.ErasePerson(ctx, "never-there"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("erase of an unknown id: %v", err)
	}
	if err := st.Exec(ctx, `DELETE FROM audit_log`); !errors.Is(err, store.ErrReadOnlyRow) {
		t.Errorf("audit delete after erase: %v", err)
	}
}
