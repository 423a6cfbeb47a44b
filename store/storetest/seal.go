package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/vault"
)

// Encryption at rest on every engine (issue 14, item 3): the same columns
// sealed with the same vault, whatever holds the rows.

// Keyed is the key management both engines offer.
type Keyed interface {
	Encrypted() bool
	Unlocked() bool
	KeyID() string
	Unlock(ctx context.Context, secret vault.Secret) error
	InitKey(ctx context.Context, setup store.KeySetup) (store.KeyChange, error)
	RotateKey(ctx context.Context, setup store.KeySetup) (store.KeyChange, error)
	Wraps(ctx context.Context) ([]store.Wrap, error)
}

// fastKey is a test key setup: a passphrase with Argon2id at the format's
// least costs, and a key file.
var fastKey = store.KeySetup{
	Passphrase: []byte("correct horse battery staple"),
	KeyFile:    []byte(strings.Repeat("5e", 32)),
	Params:     vault.Params{Time: 1, Memory: 8 * 1024, Threads: 1},
}

// fillSealed writes one person's whole file, every personal value carrying
// a needle of its own (tag makes them unique), and returns the needles.
func fillSealed(t *testing.T, tg Target, tag string) ([]string, sessions.Person) {
	t.Helper()
	ctx := context.Background()
	st := tg.Engine
	n := func(s string) string { return s + "-" + tag }
	needles := []string{n("Zoltana Quetzalmeyer"), n("zq-secret"), n("+32 499 77 66"), n("Tuesdays-only"), n("situation-confidential"),
		n("reason-not-attended"), n("note-about-divorce"), n("goal-become-nurse"), n("action-call-aunt"), n("draft-typed-half"),
		n("ledger-most-in-need"), n("learner-Quetzalmeyer"), n("credential-title-Bakery"), n("step-note-private"), n("plan-for-Quetzalmeyer"),
		n("glass-reason-neighbour"), n("funder-Aunt-Foundation"), n("request-reason-debts"), n("decision-reason-refused"),
		n("erase-reason-moving-abroad"), n("erase-decline-still-enrolled"), n("dropped-reason-illness")}
	p, err := st.CreatePerson(ctx, sessions.Person{Name: needles[0], Email: needles[1] + "@example.org", Phone: needles[2], Availability: needles[3]})
	if err != nil {
		t.Fatal(err)
	}
	at := st.Now().Add(-time.Hour)
	if _, err := st.AddSession(ctx, sessions.Session{PersonID: p.ID, At: at, Attended: true, Summary: needles[4], Notes: []string{needles[6]},
		Goals: []sessions.Goal{{Summary: needles[7]}}, Actions: []sessions.Action{{Summary: needles[8]}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddSession(ctx, sessions.Session{PersonID: p.ID, At: at.Add(-time.Hour), Attended: false, Reason: needles[5]}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveDraft(ctx, p.ID, sessions.DraftSession, needles[9]); err != nil {
		t.Fatal(err)
	}
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 50000, Key: "a", Reason: needles[10]})
	if _, err := st.AddCredential(ctx, sessions.Credential{PersonID: p.ID, Learner: needles[11], Title: needles[12], Country: "BE",
		AwardingBody: "CVO", Issued: catalog.NewDate(2026, 1, 1), Outcomes: []catalog.Outcome{{Text: "bake"}},
		ECTS: new(2.0), EQF: 5, Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited", DocumentID: "urn:doc:" + tag}); err != nil {
		t.Fatal(err)
	}
	pl, err := st.CreatePlan(ctx, sessions.Plan{PersonID: p.ID, Name: needles[14]})
	if err != nil {
		t.Fatal(err)
	}
	pl, err = tg.UpdatePlan(ctx, pl.ID, func(p *sessions.Plan) error {
		p.Steps = append(p.Steps, sessions.Step{Kind: sessions.KindGuidance, Title: "talk", Note: needles[13]},
			sessions.Step{Kind: sessions.KindGuidance, Title: "drop", Note: needles[13]})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: p.ID, StepID: pl.Steps[1].ID, Status: sessions.StepDropped,
		On: catalog.DateOf(st.Now()), Reason: needles[21]}); err != nil {
		t.Fatal(err)
	}
	if err := st.AuditReason(ctx, p.ID, "view", "file", needles[15]); err != nil {
		t.Fatal(err)
	}
	req, err := st.RequestEntry(ctx, sessions.LedgerRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: 90000,
		Key: "held", Funder: needles[16], Reason: needles[17], Threshold: 50000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideRequest(ctx, req.ID, false, needles[18]); err != nil {
		t.Fatal(err)
	}
	er, err := st.RequestErase(ctx, p.ID, needles[19])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideErase(ctx, er.ID, false, needles[20]); err != nil {
		t.Fatal(err)
	}
	return needles, p
}

// readsBack checks that the person's file reads back whole, every needle
// in its place, through the engine's own reads.
func readsBack(t *testing.T, st Engine, id string, needles []string) {
	t.Helper()
	ctx := context.Background()
	f, err := st.ExportPerson(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var notes, goals, actions, reasons []string
	for _, g := range f.Sessions {
		notes = append(notes, g.Notes...)
		reasons = append(reasons, g.Reason, g.Summary)
		for _, gl := range g.Goals {
			goals = append(goals, gl.Summary)
		}
		for _, a := range g.Actions {
			actions = append(actions, a.Summary)
		}
	}
	var glass []string
	for _, e := range f.Audit {
		glass = append(glass, e.Reason)
	}
	has := func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	ok := f.Person.Name == needles[0] && f.Person.Email == needles[1]+"@example.org" && f.Person.Phone == needles[2] &&
		f.Person.Availability == needles[3] && has(reasons, needles[4]) && has(reasons, needles[5]) && has(notes, needles[6]) &&
		has(goals, needles[7]) && has(actions, needles[8]) && len(f.Drafts) == 1 && f.Drafts[0].Body == needles[9] &&
		len(f.Ledger) == 1 && f.Ledger[0].Reason == needles[10] && len(f.Credentials) == 1 && f.Credentials[0].Learner == needles[11] &&
		f.Credentials[0].Title == needles[12] && len(f.Plans) == 1 && f.Plans[0].Name == needles[14] && f.Plans[0].Steps[0].Note == needles[13] &&
		has(glass, needles[15]) && len(f.Requests) == 1 && f.Requests[0].Funder == needles[16] && f.Requests[0].Reason == needles[17] &&
		f.Requests[0].Decision != nil && f.Requests[0].Decision.Reason == needles[18] &&
		len(f.StepOutcomes) == 1 && f.StepOutcomes[0].Reason == needles[21]
	if !ok {
		t.Fatalf("the file does not read back:\n%+v", f)
	}
	ers, err := st.EraseRequests(ctx, id, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ers) != 1 || ers[0].Reason != needles[19] || ers[0].Decision == nil || ers[0].Decision.Reason != needles[20] {
		t.Fatalf("the erasure request does not read back: %+v", ers)
	}
	if list, err := st.People(ctx, strings.ToUpper(needles[0]), 0); err != nil || len(list) != 1 || list[0].ID != id {
		t.Fatalf("search by name: %+v %v", list, err)
	}
}

// found lists the needles (and their first word alone: a value cut in two
// still leaks) found in the engine's raw bytes.
func found(t *testing.T, tg Target, needles []string) []string {
	t.Helper()
	raw, err := tg.Raw(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range needles {
		for _, part := range []string{n, strings.Fields(n)[0]} {
			if len(part) >= 6 && strings.Contains(string(raw), part) {
				out = append(out, part)
			}
		}
	}
	return out
}

// testSealedHoldsNoClearText: a file written in clear holds its needles
// (the search can fail); key init seals them, a file written afterwards is
// sealed as it is written, both read back whole, and the engine's raw
// bytes (SQLite's files, PostgreSQL's rows and dump) hold none of them.
func testSealedHoldsNoClearText(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	tg := open(t)
	before, p1 := fillSealed(t, tg, "BEFORE")
	if hit := found(t, tg, before); len(hit) < len(before) {
		t.Fatalf("the clear control shows only %d of %d needles: the search cannot fail", len(hit), len(before))
	}
	ch, err := tg.Keys.InitKey(ctx, fastKey)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Rows < len(before) || ch.Recovery == "" || len(ch.Wraps) != 3 || !tg.Keys.Encrypted() || !tg.Keys.Unlocked() {
		t.Fatalf("key init: %+v", ch)
	}
	after, p2 := fillSealed(t, tg, "AFTER")
	readsBack(t, tg.Engine, p1.ID, before)
	readsBack(t, tg.Engine, p2.ID, after)
	if hit := found(t, tg, append(before, after...)); len(hit) > 0 {
		t.Fatalf("personal data in clear: %v", hit)
	}
}

// testWrongKeyChangesNothing: the database opened anew is locked; personal
// data is refused, a wrong passphrase, key file or recovery key is refused
// and changes no byte; the passphrase, the key file and the recovery key
// each unlock it, and search by name works through the blind index.
func testWrongKeyChangesNothing(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	tg := open(t)
	ch, err := tg.Keys.InitKey(ctx, fastKey)
	if err != nil {
		t.Fatal(err)
	}
	needles, p := fillSealed(t, tg, "W")
	rawBefore, err := tg.Rows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []vault.Secret{{Passphrase: []byte("not the passphrase at all")}, {KeyFile: []byte(strings.Repeat("ab", 32))},
		{Recovery: "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"}} {
		st, keys := tg.Reopen(t)
		if !keys.Encrypted() || keys.Unlocked() {
			t.Fatalf("reopened: encrypted %v unlocked %v", keys.Encrypted(), keys.Unlocked())
		}
		if _, err := st.Person(ctx, p.ID); !errors.Is(err, store.ErrLocked) {
			t.Fatalf("person on a locked database: %v", err)
		}
		if _, err := st.People(ctx, "quetz", 0); !errors.Is(err, store.ErrLocked) {
			t.Fatalf("search on a locked database: %v", err)
		}
		if _, err := st.CreatePerson(ctx, sessions.Person{Name: "Written Locked"}); !errors.Is(err, store.ErrLocked) {
			t.Fatalf("write on a locked database: %v", err)
		}
		if err := keys.Unlock(ctx, wrong); !errors.Is(err, store.ErrWrongKey) {
			t.Fatalf("wrong key %+v: %v", wrong, err)
		}
		if keys.Unlocked() {
			t.Fatal("unlocked by a wrong key")
		}
	}
	rawAfter, err := tg.Rows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(rawBefore) != string(rawAfter) {
		t.Fatal("the database changed under wrong keys")
	}
	for _, right := range []vault.Secret{{Passphrase: fastKey.Passphrase}, {KeyFile: fastKey.KeyFile}, {Recovery: strings.ToLower(ch.Recovery)}} {
		st, keys := tg.Reopen(t)
		if err := keys.Unlock(ctx, right); err != nil {
			t.Fatalf("unlock: %v", err)
		}
		if keys.KeyID() != ch.KeyID {
			t.Fatalf("key id %s, want %s", keys.KeyID(), ch.KeyID)
		}
		readsBack(t, st, p.ID, needles)
	}
}

// testRotationAtomic: a rotation that meets a value it cannot open (a
// forged one) changes nothing — same key, same rows, the old secrets
// unlock; once the value is put back, rotation seals every value anew
// under a new key, the old recovery key and the secrets not given to it
// no longer unlock, and everything reads back.
func testRotationAtomic(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	tg := open(t)
	first, err := tg.Keys.InitKey(ctx, fastKey)
	if err != nil {
		t.Fatal(err)
	}
	needles, p := fillSealed(t, tg, "R")
	other := newPerson(t, tg.Engine, "Bram Claes")
	sealedName, err := tg.Text(ctx, `SELECT name FROM people WHERE id='`+other.ID+`'`)
	if err != nil || !vault.IsSealed(sealedName) {
		t.Fatalf("name in the table: %q %v", sealedName, err)
	}
	if err := tg.Exec(ctx, `UPDATE people SET name='kv1:forged' WHERE id='`+other.ID+`'`); err != nil {
		t.Fatal(err)
	}
	rawBefore, err := tg.Rows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.Keys.RotateKey(ctx, store.KeySetup{KeyFile: fastKey.KeyFile, Params: fastKey.Params}); err == nil {
		t.Fatal("rotation over a forged value succeeded")
	}
	if tg.Keys.KeyID() != first.KeyID {
		t.Fatalf("key id %s after a failed rotation, want %s", tg.Keys.KeyID(), first.KeyID)
	}
	rawAfter, err := tg.Rows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(rawBefore) != string(rawAfter) {
		t.Fatal("a failed rotation changed the database")
	}
	readsBack(t, tg.Engine, p.ID, needles)
	if err := tg.Exec(ctx, `UPDATE people SET name='`+sealedName+`' WHERE id='`+other.ID+`'`); err != nil {
		t.Fatal(err)
	}
	second, err := tg.Keys.RotateKey(ctx, store.KeySetup{KeyFile: fastKey.KeyFile, Params: fastKey.Params})
	if err != nil {
		t.Fatal(err)
	}
	if second.KeyID == first.KeyID || second.Dropped != 1 || second.Rows < len(needles) {
		t.Fatalf("rotate: %+v after %+v", second, first)
	}
	now, err := tg.Text(ctx, `SELECT name FROM people WHERE id='`+other.ID+`'`)
	if err != nil || now == sealedName || !vault.IsSealed(now) {
		t.Fatalf("name not sealed anew: %q %v", now, err)
	}
	readsBack(t, tg.Engine, p.ID, needles)
	if hit := found(t, tg, needles); len(hit) > 0 {
		t.Fatalf("personal data in clear after rotation: %v", hit)
	}
	st, keys := tg.Reopen(t)
	for _, old := range []vault.Secret{{Recovery: first.Recovery}, {Passphrase: fastKey.Passphrase}} {
		if err := keys.Unlock(ctx, old); !errors.Is(err, store.ErrWrongKey) {
			t.Fatalf("old secret %+v after rotation: %v", old, err)
		}
	}
	if err := keys.Unlock(ctx, vault.Secret{Recovery: second.Recovery}); err != nil {
		t.Fatalf("new recovery key: %v", err)
	}
	readsBack(t, st, p.ID, needles)
}

// testRotationBesideWriters: another process (the database opened anew
// and unlocked) writes sessions with notes while this one rotates the
// key. Every note it was told was written reads back under the new key;
// a write after the rotation is refused as locked (that process must
// unlock the new key), never sealed with the old key and lost.
func testRotationBesideWriters(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	tg := open(t)
	if _, err := tg.Keys.InitKey(ctx, fastKey); err != nil {
		t.Fatal(err)
	}
	p := newPerson(t, tg.Engine, "Ann Peeters")
	other, keys := tg.Reopen(t)
	if err := keys.Unlock(ctx, vault.Secret{KeyFile: fastKey.KeyFile}); err != nil {
		t.Fatal(err)
	}
	type result struct {
		notes []string
		err   error
	}
	stop := make(chan struct{})
	done := make(chan result)
	started := make(chan struct{})
	go func() {
		var r result
		for i := 0; ; i++ {
			if i == 3 {
				close(started)
			}
			note := "note-" + strings.Repeat("x", i%7) + "-" + string(rune('a'+i%26))
			_, err := other.AddSession(ctx, sessions.Session{PersonID: p.ID, At: other.Now().Add(-time.Duration(i+1) * time.Minute),
				Attended: true, Notes: []string{note}})
			switch {
			case err == nil:
				r.notes = append(r.notes, note)
			case errors.Is(err, store.ErrLocked):
				// the key changed under this process: refused, not lost
			default:
				r.err = err
				done <- r
				return
			}
			select {
			case <-stop:
				done <- r
				return
			default:
			}
		}
	}()
	<-started
	if _, err := tg.Keys.RotateKey(ctx, store.KeySetup{KeyFile: fastKey.KeyFile, Params: fastKey.Params}); err != nil {
		close(stop)
		<-done
		t.Fatal(err)
	}
	// A few writes after the rotation, then stop.
	for i := 0; i < 3; i++ {
		if _, err := other.AddSession(ctx, sessions.Session{PersonID: p.ID, At: other.Now().Add(-time.Hour), Attended: true,
			Notes: []string{"after"}}); !errors.Is(err, store.ErrLocked) {
			t.Fatalf("a write with the old key after rotation: %v, want ErrLocked", err)
		}
	}
	close(stop)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	got, err := tg.Engine.Sessions(ctx, p.ID, true)
	if err != nil {
		t.Fatalf("read back after rotation: %v", err)
	}
	var notes []string
	for _, g := range got {
		notes = append(notes, g.Notes...)
	}
	if len(notes) != len(r.notes) || len(r.notes) < 3 {
		t.Fatalf("%d notes acknowledged, %d read back", len(r.notes), len(notes))
	}
}
