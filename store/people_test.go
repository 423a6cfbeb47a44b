package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

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
