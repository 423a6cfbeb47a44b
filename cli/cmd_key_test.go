package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/koers-project/koers/app"
)

// keyCLI runs koers in-process against db with env added to the usual.
func keyCLI(t *testing.T, db string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := map[string]string{"KOERS_COUNSELLOR": "tester", "LANG": "en"}
	for k, v := range env {
		e[k] = v
	}
	code := run(context.Background(), "test", append([]string{"--db", db}, args...), strings.NewReader(""), &out, &errb,
		func(k string) string { return e[k] })
	return code, out.String(), errb.String()
}

var recoveryRe = regexp.MustCompile(`[A-Z2-7]{5}(-[A-Z2-7]{5}){7}`)

// TestKeyCommands is the counsellor's path through encryption at rest on
// the command line: a database with people is encrypted by key init (its
// recovery key printed once), then people commands need the key (exit 3
// with how to unlock) while register commands do not; the passphrase and
// the key file unlock it, a wrong one is exit 2; init twice is refused;
// rotation, a passphrase added again, a recovery, backup and restore with
// the key; and no file of the folder holds the name or the note.
func TestKeyCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	kf := filepath.Join(t.TempDir(), "koers.key") // kept apart from the database
	const name, note = "Zoltana Quetzalmeyer", "note-about-the-divorce"
	id := addPersonCLI(t, db, name)
	if code, _, errs := keyCLI(t, db, nil, "session", "add", "--person", id, "--summary", "first talk", "--notes", note); code != 0 {
		t.Fatalf("session add: %d %s", code, errs)
	}
	pass := map[string]string{"KOERS_PASSPHRASE": "a long enough passphrase"}
	code, out, errs := keyCLI(t, db, pass, "key", "init", "--key-file", kf)
	if code != 0 || !recoveryRe.MatchString(out) || !strings.Contains(out, "now encrypted") {
		t.Fatalf("key init: %d %q %s", code, out, errs)
	}
	recovery := recoveryRe.FindString(out)
	if st, err := os.Stat(kf); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}

	t.Run("unlock", func(t *testing.T) {
		if code, out, errs := keyCLI(t, db, pass, "key", "unlock"); code != 0 || !strings.Contains(out, "unlocked") {
			t.Fatalf("key unlock with the passphrase: %d %q %s", code, out, errs)
		}
		if code, out, errs := keyCLI(t, db, map[string]string{"KOERS_KEY_FILE": kf}, "key", "unlock"); code != 0 || !strings.Contains(out, "unlocked") {
			t.Fatalf("key unlock with the key file: %d %q %s", code, out, errs)
		}
		if code, _, errs := keyCLI(t, db, map[string]string{"KOERS_PASSPHRASE": "not the passphrase at all"}, "key", "unlock"); code != 2 {
			t.Fatalf("key unlock with a wrong passphrase: %d %s", code, errs)
		}
		if code, _, errs := keyCLI(t, db, nil, "key", "unlock"); code != 3 || !strings.Contains(errs, "KOERS_PASSPHRASE") {
			t.Fatalf("key unlock without a key: %d %s", code, errs)
		}
	})

	t.Run("locked", func(t *testing.T) {
		code, _, errs := keyCLI(t, db, nil, "person", "list")
		if code != 3 || !strings.Contains(errs, "KOERS_PASSPHRASE") || !strings.Contains(errs, "--key-file") {
			t.Fatalf("person list without the key: %d %s", code, errs)
		}
		if code, _, errs := keyCLI(t, db, nil, "search", "data"); code != 0 {
			t.Fatalf("search without the key: %d %s", code, errs)
		}
		if code, out, _ := keyCLI(t, db, nil, "key", "status"); code != 0 || !strings.Contains(out, "locked") {
			t.Fatalf("key status: %d %q", code, out)
		}
	})
	t.Run("unlock", func(t *testing.T) {
		for label, args := range map[string][]string{"key file": {"--key-file", kf}, "passphrase": nil} {
			env := map[string]string{}
			if args == nil {
				env = pass
			}
			code, out, errs := keyCLI(t, db, env, append(args, "person", "list", "quetz")...)
			if code != 0 || !strings.Contains(out, name) {
				t.Fatalf("%s: person list: %d %q %s", label, code, out, errs)
			}
		}
		code, out, errs := keyCLI(t, db, nil, "--key-file", kf, "session", "list", "--person", id, "--notes")
		if code != 0 || !strings.Contains(out, note) {
			t.Fatalf("session list --notes: %d %q %s", code, out, errs)
		}
		code, _, errs = keyCLI(t, db, map[string]string{"KOERS_PASSPHRASE": "not the passphrase"}, "person", "list")
		if code != 2 || !strings.Contains(errs, "does not unlock") {
			t.Fatalf("wrong passphrase: %d %s", code, errs)
		}
		if code, _, errs := keyCLI(t, db, pass, "key", "init"); code != 3 {
			t.Fatalf("key init twice: %d %s", code, errs)
		}
	})
	t.Run("rotate and recover", func(t *testing.T) {
		code, out, errs := keyCLI(t, db, nil, "--key-file", kf, "key", "rotate")
		if code != 0 || !recoveryRe.MatchString(out) || recoveryRe.FindString(out) == recovery {
			t.Fatalf("rotate: %d %q %s", code, out, errs)
		}
		recovery = recoveryRe.FindString(out)
		if code, _, _ := keyCLI(t, db, pass, "person", "list"); code != 2 {
			t.Fatalf("the passphrase not renewed by the rotation still unlocks: %d", code)
		}
		newPass := map[string]string{"KOERS_NEW_PASSPHRASE": "another long passphrase"}
		if code, _, errs := keyCLI(t, db, newPass, "--key-file", kf, "key", "add-passphrase"); code != 0 {
			t.Fatalf("add-passphrase: %d %s", code, errs)
		}
		if code, _, errs := keyCLI(t, db, map[string]string{"KOERS_PASSPHRASE": newPass["KOERS_NEW_PASSPHRASE"]}, "person", "show", id); code != 0 {
			t.Fatalf("the added passphrase: %d %s", code, errs)
		}
		rec := map[string]string{"KOERS_RECOVERY_KEY": strings.ToLower(recovery), "KOERS_NEW_PASSPHRASE": "the third long passphrase"}
		if code, _, errs := keyCLI(t, db, rec, "key", "recover"); code != 0 {
			t.Fatalf("recover: %d %s", code, errs)
		}
		if code, _, _ := keyCLI(t, db, map[string]string{"KOERS_PASSPHRASE": "the third long passphrase"}, "person", "list"); code != 0 {
			t.Fatalf("the passphrase set by recover does not unlock: %d", code)
		}
		if code, _, _ := keyCLI(t, db, map[string]string{"KOERS_PASSPHRASE": newPass["KOERS_NEW_PASSPHRASE"]}, "person", "list"); code != 2 {
			t.Fatalf("the replaced passphrase still unlocks: %d", code)
		}
	})
	t.Run("backup and restore", func(t *testing.T) {
		backup := filepath.Join(dir, "backup.db")
		if code, _, errs := keyCLI(t, db, nil, "backup", backup); code != 3 {
			t.Fatalf("backup without the key: %d %s", code, errs)
		}
		if code, _, errs := keyCLI(t, db, nil, "--key-file", kf, "backup", backup); code != 0 {
			t.Fatalf("backup: %d %s", code, errs)
		}
		if code, _, errs := keyCLI(t, db, nil, "restore", backup, "--yes"); code != 3 {
			t.Fatalf("restore without the key: %d %s", code, errs)
		}
		if code, _, errs := keyCLI(t, db, map[string]string{"KOERS_PASSPHRASE": "not the passphrase"}, "restore", backup, "--yes"); code != 2 {
			t.Fatalf("restore with another key: %d %s", code, errs)
		}
		if code, _, errs := keyCLI(t, db, nil, "--key-file", kf, "restore", backup, "--yes"); code != 0 {
			t.Fatalf("restore: %d %s", code, errs)
		}
	})
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{name, "Quetzalmeyer", note} {
			if bytes.Contains(b, []byte(needle)) {
				t.Errorf("%s holds %q in clear", e.Name(), needle)
			}
		}
	}
}

// TestFirstPersonProtectsNewFile: a new database given a passphrase is
// encrypted at its first person (the recovery key on stderr, once); given
// none and no terminal, it stays in clear; one that already holds people
// is left to key init.
func TestFirstPersonProtectsNewFile(t *testing.T) {
	dir := t.TempDir()
	sealed := filepath.Join(dir, "sealed.db")
	pass := map[string]string{"KOERS_PASSPHRASE": "a long enough passphrase"}
	code, _, errs := keyCLI(t, sealed, pass, "person", "add", "--name", "Ann Peeters")
	if code != 0 || !recoveryRe.MatchString(errs) {
		t.Fatalf("person add with a passphrase on a new file: %d %s", code, errs)
	}
	if code, _, errs := keyCLI(t, sealed, nil, "person", "list"); code != 3 {
		t.Fatalf("person list without the key: %d %s", code, errs)
	}
	if code, out, _ := keyCLI(t, sealed, pass, "person", "list"); code != 0 || !strings.Contains(out, "Ann Peeters") {
		t.Fatalf("person list with the key: %d %q", code, out)
	}
	clear := filepath.Join(dir, "clear.db")
	addPersonCLI(t, clear, "Bram Claes")
	if code, out, _ := keyCLI(t, clear, pass, "person", "add", "--name", "Chloé Dubois"); code != 0 || recoveryRe.MatchString(out) {
		t.Fatalf("a file with people was encrypted by person add: %d %q", code, out)
	}
	if code, out, _ := keyCLI(t, clear, nil, "key", "status"); code != 0 || !strings.Contains(out, "in clear") {
		t.Fatalf("key status: %d %q", code, out)
	}
}

// TestServeRefusesToStartLocked: koers serve unlocks once at start; on an
// encrypted database without a key it exits 3 with how to unlock, before
// it listens.
func TestServeRefusesToStartLocked(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	pass := map[string]string{"KOERS_PASSPHRASE": "a long enough passphrase"}
	if code, _, errs := keyCLI(t, db, pass, "person", "add", "--name", "Ann Peeters"); code != 0 {
		t.Fatalf("person add: %d %s", code, errs)
	}
	code, _, errs := keyCLI(t, db, nil, "serve", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "host_key"))
	if code != 3 || !strings.Contains(errs, "KOERS_PASSPHRASE") {
		t.Fatalf("serve without the key: %d %s", code, errs)
	}
}

// TestDoctorSaysEncryption: doctor tells whether the personal data is
// encrypted, without asking for the key.
func TestDoctorSaysEncryption(t *testing.T) {
	db := filepath.Join(t.TempDir(), "koers.db")
	addPersonCLI(t, db, "Ann Peeters")
	if _, out := doctorJSON(t, db); !strings.Contains(mustCheck(t, out, "encryption").Detail, "in clear") {
		t.Fatalf("doctor on a clear file: %+v", out)
	}
	if code, _, errs := keyCLI(t, db, map[string]string{"KOERS_PASSPHRASE": "a long enough passphrase"}, "key", "init"); code != 0 {
		t.Fatalf("key init: %d %s", code, errs)
	}
	if _, out := doctorJSON(t, db); !strings.Contains(mustCheck(t, out, "encryption").Detail, "encrypted") {
		t.Fatalf("doctor on an encrypted file: %+v", out)
	}
}

func mustCheck(t *testing.T, out app.Health, name string) app.Check {
	t.Helper()
	c, ok := check(out, name)
	if !ok {
		t.Fatalf("no %s check in %+v", name, out)
	}
	return c
}
