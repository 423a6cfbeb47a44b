package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/vault"
)

// fastKey is a test key setup: a passphrase with Argon2id at its least
// costs (the format's bounds still hold) and a key file.
var fastKey = KeySetup{
	Passphrase: []byte("correct horse battery staple"),
	KeyFile:    []byte(strings.Repeat("7f", 32)),
	Params:     vault.Params{Time: 1, Memory: 8 * 1024, Threads: 1},
}

func openAt(t *testing.T, path string) *Store {
	t.Helper()
	st, err := Open(context.Background(), path, Options{Actor: "tester",
		Now: func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// fillFile writes a full file for one person whose every personal value
// carries a needle of its own, and returns the needles and the person.
func fillFile(t *testing.T, st *Store, tag string) ([]string, sessions.Person) {
	t.Helper()
	ctx := context.Background()
	n := func(s string) string { return s + "-" + tag }
	needles := []string{n("Zoltana Quetzalmeyer"), n("zq-secret"), n("+32 499 77 66"), n("Tuesdays-only"), n("situation-confidential"),
		n("reason-not-attended"), n("note-about-divorce"), n("goal-become-nurse"), n("action-call-aunt"), n("draft-typed-half"),
		n("ledger-most-in-need"), n("learner-Quetzalmeyer"), n("credential-title-Bakery"), n("step-note-private"), n("dropped-reason-illness"),
		n("plan-for-Quetzalmeyer"), n("glass-reason-neighbour"), n("funder-Aunt-Foundation"), n("request-reason-debts"),
		n("decision-reason-refused")}
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
		ECTS: new(2.0), EQF: 5, Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited"}); err != nil {
		t.Fatal(err)
	}
	pl, err := st.CreatePlan(ctx, sessions.Plan{PersonID: p.ID, Name: needles[15]})
	if err != nil {
		t.Fatal(err)
	}
	pl, err = st.UpdatePlan(ctx, pl.ID, func(_ *PlanTx, p *sessions.Plan) error {
		p.Steps = append(p.Steps, sessions.Step{Kind: sessions.KindGuidance, Title: "talk", Note: needles[13]})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: p.ID, StepID: pl.Steps[0].ID, Status: sessions.StepDropped,
		On: catalog.DateOf(st.Now()), Reason: needles[14]}); err != nil {
		t.Fatal(err)
	}
	if err := st.AuditReason(ctx, p.ID, "view", "file", needles[16]); err != nil {
		t.Fatal(err)
	}
	req, err := st.RequestEntry(ctx, sessions.LedgerRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: 90000,
		Key: "held", Funder: needles[17], Reason: needles[18], Threshold: 50000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideRequest(ctx, req.ID, false, needles[19]); err != nil {
		t.Fatal(err)
	}
	return needles, p
}

// hits counts the needles found in every file of dir: the database, its
// -wal and -shm, backups.
func hits(t *testing.T, dir string, needles []string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range needles {
			// the distinctive word alone too: a value cut in two still leaks
			for _, part := range []string{n, strings.Fields(n)[0]} {
				if len(part) >= 6 && bytes.Contains(b, []byte(part)) {
					out[e.Name()] = append(out[e.Name()], part)
				}
			}
		}
	}
	return out
}

// TestEncryptedFilesHoldNoPersonalData writes people, sessions, notes and
// the rest before and after key init, makes a backup, closes, and
// searches every file's bytes for every value: none is found. The same
// file in clear holds them all (the search can fail).
func TestEncryptedFilesHoldNoPersonalData(t *testing.T) {
	ctx := context.Background()
	clearDir := t.TempDir()
	st := openAt(t, filepath.Join(clearDir, "koers.db"))
	clearNeedles, _ := fillFile(t, st, "CLEAR")
	st.Close()
	if h := hits(t, clearDir, clearNeedles); len(h["koers.db"]) == 0 {
		t.Fatalf("the clear control holds no needle: the byte search cannot fail")
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "koers.db")
	st = openAt(t, path)
	before, _ := fillFile(t, st, "BEFORE") // clear rows, sealed by key init
	ch, err := st.InitKey(ctx, fastKey)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Rows < len(before) || ch.Recovery == "" || len(ch.Wraps) != 3 {
		t.Fatalf("key init: %+v", ch)
	}
	after, p := fillFile(t, st, "AFTER")
	if _, err := st.Backup(ctx, filepath.Join(dir, "backup.db")); err != nil {
		t.Fatal(err)
	}
	f, err := st.ExportPerson(ctx, p.ID)
	if err != nil || f.Person.Name != after[0] || f.Sessions[0].Notes[0] != after[6] || f.Drafts[0].Body != after[9] ||
		f.Ledger[0].Reason != after[10] || f.Credentials[0].Learner != after[11] || f.Plans[0].Steps[0].Note != after[13] ||
		f.StepOutcomes[0].Reason != after[14] || f.Plans[0].Name != after[15] || f.Requests[0].Funder != after[17] ||
		f.Requests[0].Reason != after[18] || f.Requests[0].Decision.Reason != after[19] || !auditHas(f.Audit, after[16]) {
		t.Fatalf("the sealed file does not read back: %v\n%+v", err, f)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if h := hits(t, dir, append(before, after...)); len(h) > 0 {
		t.Fatalf("personal data in clear in the files: %v", h)
	}
}

// auditHas reports whether an audit row gives reason.
func auditHas(log []AuditEntry, reason string) bool {
	for _, e := range log {
		if e.Reason == reason {
			return true
		}
	}
	return false
}

// TestUnlock: a reopened encrypted database is locked; it unlocks with the
// passphrase, with the key file and with the recovery key; a wrong key is
// refused and the files stay byte for byte as they were.
func TestUnlock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "koers.db")
	st := openAt(t, path)
	ch, err := st.InitKey(ctx, fastKey)
	if err != nil {
		t.Fatal(err)
	}
	needles, p := fillFile(t, st, "U")
	st.Close()

	snapshot := func() map[string]string {
		out := map[string]string{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			out[e.Name()] = string(b)
		}
		return out
	}
	was := snapshot()
	st = openAt(t, path)
	if !st.Encrypted() || st.Unlocked() {
		t.Fatalf("reopened: encrypted %t unlocked %t", st.Encrypted(), st.Unlocked())
	}
	if _, err := st.Person(ctx, p.ID); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked read: %v, want ErrLocked", err)
	}
	if _, err := st.CreatePerson(ctx, sessions.Person{Name: "Should Not Land"}); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked write: %v, want ErrLocked", err)
	}
	for _, wrong := range []vault.Secret{{Passphrase: []byte("correct horse battery stapler")}, {KeyFile: []byte(strings.Repeat("7e", 32))},
		{Recovery: "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"}} {
		if err := st.Unlock(ctx, wrong); !errors.Is(err, ErrWrongKey) {
			t.Fatalf("wrong key %+v: %v, want ErrWrongKey", wrong, err)
		}
	}
	st.Close()
	now := snapshot()
	if len(now) != len(was) {
		t.Fatalf("files after a failed unlock: %d, before %d", len(now), len(was))
	}
	for name, b := range was {
		if now[name] != b {
			t.Fatalf("%s changed after a failed unlock", name)
		}
	}
	for name, s := range map[string]vault.Secret{
		"passphrase": {Passphrase: fastKey.Passphrase},
		"key file":   {KeyFile: fastKey.KeyFile},
		"recovery":   {Recovery: strings.ToLower(ch.Recovery)},
	} {
		t.Run(name, func(t *testing.T) {
			st := openAt(t, path)
			defer st.Close()
			if err := st.Unlock(ctx, s); err != nil {
				t.Fatal(err)
			}
			got, err := st.Person(ctx, p.ID)
			if err != nil || got.Name != needles[0] || st.KeyID() != ch.KeyID {
				t.Fatalf("unlocked read: %q %v (key %s, want %s)", got.Name, err, st.KeyID(), ch.KeyID)
			}
		})
	}
}

// TestRotateKey: rotation seals every value anew under a new key; the old
// recovery key no longer opens it, the new one does, and everything reads
// back as before.
func TestRotateKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "koers.db")
	st := openAt(t, path)
	defer func() { st.Close() }()
	first, err := st.InitKey(ctx, fastKey)
	if err != nil {
		t.Fatal(err)
	}
	needles, p := fillFile(t, st, "R")
	var sealedBefore string
	if err := st.DB().QueryRowContext(ctx, `SELECT name FROM people WHERE id=?`, p.ID).Scan(&sealedBefore); err != nil {
		t.Fatal(err)
	}
	second, err := st.RotateKey(ctx, KeySetup{KeyFile: fastKey.KeyFile})
	if err != nil {
		t.Fatal(err)
	}
	if second.KeyID == first.KeyID || second.Dropped != 1 || second.Rows < len(needles) {
		t.Fatalf("rotate: %+v after %+v", second, first)
	}
	f, err := st.ExportPerson(ctx, p.ID)
	if err != nil || f.Person.Name != needles[0] || f.Sessions[0].Notes[0] != needles[6] {
		t.Fatalf("after rotation: %v %+v", err, f.Person)
	}
	var sealedAfter string
	if err := st.DB().QueryRowContext(ctx, `SELECT name FROM people WHERE id=?`, p.ID).Scan(&sealedAfter); err != nil {
		t.Fatal(err)
	}
	if sealedAfter == sealedBefore || !vault.IsSealed(sealedAfter) {
		t.Fatalf("name not sealed anew: %q", sealedAfter)
	}
	st.Close()
	st = openAt(t, path)
	if err := st.Unlock(ctx, vault.Secret{Recovery: first.Recovery}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("old recovery key: %v", err)
	}
	if err := st.Unlock(ctx, vault.Secret{Passphrase: fastKey.Passphrase}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("passphrase not given to the rotation still unlocks: %v", err)
	}
	if err := st.Unlock(ctx, vault.Secret{Recovery: second.Recovery}); err != nil {
		t.Fatalf("new recovery key: %v", err)
	}
	if list, err := st.People(ctx, "quetz", 0); err != nil || len(list) != 1 {
		t.Fatalf("search after rotation: %+v %v", list, err)
	}
}

// TestKeyInitAllOrNothing: a value that cannot be sealed (here a forged
// sealed-looking value in a clear file) stops key init, and the database
// stays in clear, every value as it was.
func TestKeyInitAllOrNothing(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	a := newPerson(t, st, "Ann Peeters")
	b := newPerson(t, st, "Bram Claes")
	if _, err := st.DB().ExecContext(ctx, `UPDATE people SET phone='kv1:forged' WHERE id=?`, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.InitKey(ctx, fastKey); err == nil {
		t.Fatal("key init over a forged value succeeded")
	}
	if st.Encrypted() {
		t.Fatal("encrypted after a failed key init")
	}
	var name string
	var wraps, tokens int
	if err := st.DB().QueryRowContext(ctx, `SELECT name, (SELECT count(*) FROM vault_wraps), (SELECT count(*) FROM person_tokens) FROM people WHERE id=?`, a.ID).
		Scan(&name, &wraps, &tokens); err != nil {
		t.Fatal(err)
	}
	if name != "Ann Peeters" || wraps != 0 || tokens != 0 {
		t.Fatalf("after a failed key init: name %q, %d wraps, %d tokens", name, wraps, tokens)
	}
}

// TestSealedValueCannotMove: a sealed value copied to another row or
// column is refused when read, never shown as the other person's.
func TestSealedValueCannotMove(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	if _, err := st.InitKey(ctx, fastKey); err != nil {
		t.Fatal(err)
	}
	a := newPerson(t, st, "Ann Peeters")
	b := newPerson(t, st, "Bram Claes")
	for name, q := range map[string]string{
		"other row":    `UPDATE people SET name=(SELECT name FROM people WHERE id=?1) WHERE id=?2`,
		"other column": `UPDATE people SET phone=(SELECT email FROM people WHERE id=?2) WHERE id=?2`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := st.DB().ExecContext(ctx, q, a.ID, b.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Person(ctx, b.ID); !errors.Is(err, vault.ErrTampered) {
				t.Fatalf("moved value read: %v, want ErrTampered", err)
			}
		})
	}
}

// TestSealedSearch: on an encrypted file, people are found by the prefix of
// any word of their name or e-mail, with case and accents folded, by
// several words, and by the prefix of their id; the list is sorted by name.
func TestSealedSearch(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	chloe, err := st.CreatePerson(ctx, sessions.Person{Name: "Chloé Dubois-Lefèvre", Email: "chloe.d@mail.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.InitKey(ctx, fastKey); err != nil {
		t.Fatal(err)
	}
	named := func(name string) sessions.Person {
		p, err := st.CreatePerson(ctx, sessions.Person{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	ann := named("Ann Peeters")
	anneke := named("Anneke Janssens")
	long := named("Bartholomeus Vanderstraetenmeersch")
	tests := []struct {
		q    string
		want []string
	}{
		{"chlo", []string{chloe.ID}},
		{"CHLOÉ", []string{chloe.ID}},
		{"lefevre", []string{chloe.ID}},
		{"dub chl", []string{chloe.ID}},
		{"mail", []string{chloe.ID}},
		{"ann", []string{ann.ID, anneke.ID}},
		{"anne", []string{anneke.ID}},
		{"a", []string{ann.ID, anneke.ID}},
		{"v", []string{long.ID}},
		{"vanderstraetenmeersch", []string{long.ID}},
		{"vanderstraetenmeerschx", nil},
		{"eeters", nil}, // prefixes, not inner parts, on a sealed file
		{ann.ID[:13], []string{ann.ID}},
		{"", []string{ann.ID, anneke.ID, long.ID, chloe.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			list, err := st.People(ctx, tt.q, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range list {
				got = append(got, p.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("People(%q) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
	// A change of name changes the index.
	ann.Name = "Ann Wouters"
	if _, err := st.UpdatePerson(ctx, ann); err != nil {
		t.Fatal(err)
	}
	if list, _ := st.People(ctx, "peet", 0); len(list) != 0 {
		t.Fatalf("old name still found: %+v", list)
	}
	if list, _ := st.People(ctx, "wout", 0); len(list) != 1 {
		t.Fatalf("new name not found: %+v", list)
	}
}

// TestRestoreNeedsTheKey: an encrypted backup is restored with a key that
// unlocks it, refused without one or with another, the database untouched.
func TestRestoreNeedsTheKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := openAt(t, filepath.Join(dir, "a.db"))
	if _, err := st.InitKey(ctx, fastKey); err != nil {
		t.Fatal(err)
	}
	newPerson(t, st, "Ann Peeters")
	backup := filepath.Join(dir, "backup.db")
	info, err := st.Backup(ctx, backup)
	st.Close()
	if err != nil || !info.Encrypted || info.KeyID == "" {
		t.Fatalf("backup: %+v %v", info, err)
	}
	dst := filepath.Join(dir, "b.db")
	other := openAt(t, dst)
	newPerson(t, other, "Kept In B")
	other.Close()
	was, _ := os.ReadFile(dst)
	for _, s := range []vault.Secret{{}, {Passphrase: []byte("not the passphrase at all")}} {
		_, _, err := Restore(ctx, backup, dst, time.Now(), s)
		if !errors.Is(err, ErrLocked) && !errors.Is(err, ErrWrongKey) {
			t.Fatalf("restore with %+v: %v", s, err)
		}
		if now, _ := os.ReadFile(dst); !bytes.Equal(now, was) {
			t.Fatal("the database changed after a refused restore")
		}
	}
	if _, _, err := Restore(ctx, backup, dst, time.Now(), vault.Secret{KeyFile: fastKey.KeyFile}); err != nil {
		t.Fatal(err)
	}
}

func passphraseOnly(p []byte) vault.Secret { return vault.Secret{Passphrase: p} }

// TestRotationSeenByOtherProcess: a store that unlocked before another
// rotated the key refuses to write with its old key (the value would be
// lost) and says to start again; a fresh unlock writes.
func TestRotationSeenByOtherProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "koers.db")
	a := openAt(t, path)
	defer a.Close()
	if _, err := a.InitKey(ctx, fastKey); err != nil {
		t.Fatal(err)
	}
	b := openAt(t, path)
	defer b.Close()
	if err := b.Unlock(ctx, vault.Secret{KeyFile: fastKey.KeyFile}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RotateKey(ctx, KeySetup{KeyFile: fastKey.KeyFile}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreatePerson(ctx, sessions.Person{Name: "Ann Peeters"}); !errors.Is(err, ErrLocked) {
		t.Fatalf("write with the old key: %v, want ErrLocked", err)
	}
	if err := b.Unlock(ctx, vault.Secret{KeyFile: fastKey.KeyFile}); err != nil {
		t.Fatal(err)
	}
	p, err := b.CreatePerson(ctx, sessions.Person{Name: "Ann Peeters"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.Person(ctx, p.ID); err != nil || got.Name != "Ann Peeters" {
		t.Fatalf("read by the rotating store: %q %v", got.Name, err)
	}
}

// TestEraseEncrypted: erasing a person on an encrypted file removes their
// index tokens with them, and works without the key (nothing is opened).
func TestEraseEncrypted(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "koers.db")
	st := openAt(t, path)
	if _, err := st.InitKey(ctx, fastKey); err != nil {
		t.Fatal(err)
	}
	_, p := fillFile(t, st, "E")
	kept := newPerson(t, st, "Kept Person")
	st.Close()
	st = openAt(t, path)
	defer st.Close()
	if err := st.ErasePerson(ctx, p.ID); err != nil {
		t.Fatalf("erase while locked: %v", err)
	}
	var tokens, keptTokens int
	if err := st.DB().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM person_tokens WHERE person_id=?1), (SELECT count(*) FROM person_tokens WHERE person_id=?2)`,
		p.ID, kept.ID).Scan(&tokens, &keptTokens); err != nil {
		t.Fatal(err)
	}
	if tokens != 0 || keptTokens == 0 {
		t.Fatalf("index tokens after erase: erased %d, kept %d", tokens, keptTokens)
	}
}

// TestSealedAppendOnlyRows: the audit log, held ledger entries and their
// decisions stay append-only once their free text is sealed: an UPDATE is
// refused, even of the sealed column; inside a key change (a row in
// resealing) only the sealed columns may change.
func TestSealedAppendOnlyRows(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	if _, err := st.InitKey(ctx, fastKey); err != nil {
		t.Fatal(err)
	}
	fillFile(t, st, "AO")
	for _, q := range []string{
		`UPDATE audit_log SET reason='x'`, `UPDATE audit_log SET action='x'`,
		`UPDATE ledger_requests SET reason='x'`, `UPDATE ledger_requests SET funder='x'`, `UPDATE ledger_requests SET amount=1`,
		`UPDATE ledger_decisions SET reason='x'`, `UPDATE ledger_decisions SET decision='approved'`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO resealing (one) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit_log SET actor='x'`, `UPDATE ledger_requests SET amount=1`, `UPDATE ledger_decisions SET decision='approved'`} {
		if _, err := tx.ExecContext(ctx, q); err == nil {
			t.Errorf("%s while resealing: allowed", q)
		}
	}
	for _, q := range []string{`UPDATE audit_log SET reason=reason`, `UPDATE ledger_requests SET reason=reason, funder=funder`, `UPDATE ledger_decisions SET reason=reason`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Errorf("%s while resealing: %v", q, err)
		}
	}
}
