package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

func TestPersonRoundTrip(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
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
	if p.CreatedBy != "tester" || p.CreatedAt.IsZero() {
		t.Errorf("not stamped: %q %v", p.CreatedBy, p.CreatedAt)
	}
	ignore := cmpopts.IgnoreFields(sessions.Person{}, "ID", "CreatedAt", "CreatedBy", "UpdatedAt", "UpdatedBy")
	if d := cmp.Diff(in, p, ignore, cmp.AllowUnexported(catalog.Date{})); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	p.Employment = sessions.Employed
	p.Skills = append(p.Skills, sessions.HeldSkill{URI: "http://data.europa.eu/esco/skill/b", Evidence: sessions.ByCounsellor})
	got, err := st.UpdatePerson(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Employment != sessions.Employed || len(got.Skills) != 2 {
		t.Errorf("update: %+v", got)
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
	if list, _ := st.People(ctx, "", 0); len(list) != 2 || list[0].Name != "Ann Peeters" {
		t.Errorf("everyone, by name: %+v", list)
	}
	if list, _ := st.People(ctx, "zzz", 0); len(list) != 0 {
		t.Errorf("no match: %+v", list)
	}
	if _, err := st.Person(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing person: %v", err)
	}
	if _, err := st.CreatePerson(ctx, sessions.Person{Name: " ", Email: "nope"}); err == nil {
		t.Error("invalid person accepted")
	}
	log, err := st.AuditLog(ctx, p.ID)
	if err != nil || len(log) != 2 || log[0].Action != "create" || log[1].Action != "change" {
		t.Fatalf("audit: %+v %v", log, err)
	}
}

func TestSessionAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
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
	good := sessions.Session{PersonID: p.ID, At: now, Attended: true, Channel: sessions.FaceToFace, Summary: "first talk",
		Notes:   []string{"restricted note"},
		Goals:   []sessions.Goal{{Summary: "work as data analyst", Target: catalog.DateOf(now).AddDays(180)}},
		Actions: []sessions.Action{{Summary: "enrol in Python course", Owner: "person", Due: catalog.DateOf(now).AddDays(14)}},
		Next:    now.AddDate(0, 0, 14)}
	g, err := st.AddSession(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Draft(ctx, p.ID, sessions.DraftSession); !errors.Is(err, ErrNotFound) {
		t.Errorf("draft kept after save: %v", err)
	}
	list, err := st.Sessions(ctx, p.ID, false)
	if err != nil || len(list) != 1 {
		t.Fatalf("sessions: %+v %v", list, err)
	}
	if list[0].ID != g.ID || len(list[0].Notes) != 0 || len(list[0].Goals) != 1 || len(list[0].Actions) != 1 || list[0].Counsellor != "tester" {
		t.Errorf("without notes: %+v", list[0])
	}
	withNotes, _ := st.Sessions(ctx, p.ID, true)
	if len(withNotes[0].Notes) != 1 {
		t.Errorf("notes: %+v", withNotes[0].Notes)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE session_notes SET body='x'`); !errors.Is(mapErr(err), ErrReadOnlyRow) {
		t.Errorf("note update: %v", err)
	}
	open, _ := st.OpenActions(ctx, p.ID)
	if len(open) != 1 {
		t.Fatalf("open actions: %+v", open)
	}
	if err := st.SetActionStatus(ctx, open[0].ID, "done"); err != nil {
		t.Fatal(err)
	}
	if open, _ := st.OpenActions(ctx, p.ID); len(open) != 0 {
		t.Errorf("still open: %+v", open)
	}
}

// TestEraseLeavesNoTrace erases a person with a full file and then searches
// the raw bytes of the database file and its WAL for their name.
func TestEraseLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
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
	if err != nil || len(f.Plans) != 1 || len(f.Sessions) != 1 || len(f.Credentials) != 1 || len(f.Drafts) != 1 || len(f.Ledger) != 3 {
		t.Fatalf("export before erase: %+v, %v", f, err)
	}
	if err := st.ErasePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Person(ctx, p.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("person still there: %v", err)
	}
	if _, err := st.Person(ctx, other.ID); err != nil {
		t.Fatalf("other person gone: %v", err)
	}
	if b := balanceOf(t, st, other.ID, "ila"); b.Balance != 100 {
		t.Fatalf("other balance: %+v", b)
	}
	for _, tbl := range []string{"ledger_entries", "accounts", "guidance_sessions", "session_notes", "goals", "actions", "drafts", "credentials", "person_skills", "consents", "plans"} {
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+tbl+` WHERE person_id=?`, p.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows left", tbl, n)
		}
	}
	for _, path := range []string{st.Path(), st.Path() + "-wal"} {
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{name, "Uniquename"} {
			if bytes.Contains(b, []byte(needle)) {
				t.Errorf("%s still holds %q", path, needle)
			}
		}
	}
	log, _ := st.AuditLog(ctx, p.ID)
	if len(log) == 0 || log[len(log)-1].Action != "erase" {
		t.Errorf("no erase in audit: %+v", log)
	}
	// Erasing again finishes the scrub (as after a WAL another process held);
	// an id never seen is not found.
	if err := st.ErasePerson(ctx, p.ID); err != nil {
		t.Errorf("second erase: %v", err)
	}
	if err := st.ErasePerson(ctx, "never-there"); !errors.Is(err, ErrNotFound) {
		t.Errorf("erase of an unknown id: %v", err)
	}
}
