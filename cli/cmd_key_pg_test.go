package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestKeyCommandsPostgres is `koers key …` with --db postgres://…: key init
// seals the people already there, in PostgreSQL's own tables; people
// commands then need the key (exit 3) and take the passphrase or the key
// file; a wrong key is exit 2; status, rotation and recovery work as on
// SQLite; and no row of the database holds the name or the note.
func TestKeyCommandsPostgres(t *testing.T) {
	db := pg.DB(t, "")
	dir := t.TempDir()
	kf := filepath.Join(dir, "koers.key")
	cache := map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")}
	with := func(env map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range cache {
			out[k] = v
		}
		for k, v := range env {
			out[k] = v
		}
		return out
	}
	const name, note = "Zoltana Quetzalmeyer", "note-about-the-divorce"
	id := addPersonCLI(t, db, name)
	if code, _, errs := keyCLI(t, db, cache, "session", "add", "--person", id, "--summary", "first talk", "--notes", note); code != 0 {
		t.Fatalf("session add: %d %s", code, errs)
	}
	pass := with(map[string]string{"KOERS_PASSPHRASE": "a long enough passphrase"})
	code, out, errs := keyCLI(t, db, pass, "key", "init", "--key-file", kf)
	if code != 0 || !recoveryRe.MatchString(out) || !strings.Contains(out, "now encrypted") {
		t.Fatalf("key init: %d %q %s", code, out, errs)
	}
	recovery := recoveryRe.FindString(out)

	if code, _, errs := keyCLI(t, db, cache, "person", "list"); code != 3 || !strings.Contains(errs, "KOERS_PASSPHRASE") {
		t.Fatalf("person list without the key: %d %s", code, errs)
	}
	if code, out, errs := keyCLI(t, db, pass, "person", "list"); code != 0 || !strings.Contains(out, name) {
		t.Fatalf("person list with the passphrase: %d %q %s", code, out, errs)
	}
	if code, out, errs := keyCLI(t, db, with(map[string]string{"KOERS_KEY_FILE": kf}), "person", "list", "quetz"); code != 0 || !strings.Contains(out, name) {
		t.Fatalf("person search with the key file: %d %q %s", code, out, errs)
	}
	if code, _, errs := keyCLI(t, db, with(map[string]string{"KOERS_PASSPHRASE": "not the passphrase at all"}), "key", "unlock"); code != 2 {
		t.Fatalf("key unlock with a wrong passphrase: %d %s", code, errs)
	}
	code, out, errs = keyCLI(t, db, pass, "key", "status", "--json")
	var ks struct {
		Encrypted, Unlocked bool
		KeyID               string `json:"key_id"`
		Wraps               []struct{ Kind string }
	}
	if err := json.Unmarshal([]byte(out), &ks); code != 0 || err != nil || !ks.Encrypted || !ks.Unlocked || ks.KeyID == "" || len(ks.Wraps) != 3 {
		t.Fatalf("key status: %d %q %s", code, out, errs)
	}
	code, out, errs = keyCLI(t, db, pass, "key", "rotate")
	if code != 0 || !recoveryRe.MatchString(out) || recoveryRe.FindString(out) == recovery {
		t.Fatalf("key rotate: %d %q %s", code, out, errs)
	}
	recovery = recoveryRe.FindString(out)
	newPass := with(map[string]string{"KOERS_RECOVERY_KEY": recovery, "KOERS_NEW_PASSPHRASE": "another long passphrase"})
	if code, _, errs := keyCLI(t, db, newPass, "key", "recover"); code != 0 {
		t.Fatalf("key recover: %d %s", code, errs)
	}
	if code, out, errs := keyCLI(t, db, with(map[string]string{"KOERS_PASSPHRASE": "another long passphrase"}), "session", "list", "--person", id, "--notes"); code != 0 || !strings.Contains(out, note) {
		t.Fatalf("notes with the new passphrase: %d %q %s", code, out, errs)
	}

	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM people WHERE name LIKE '%Quetzal%')
		+ (SELECT count(*) FROM session_notes WHERE body LIKE '%divorce%') + (SELECT count(*) FROM people WHERE name LIKE 'kv1:%')`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows holding the name or note in clear, plus the sealed name: %d (want only the sealed name) %v", n, err)
	}
}
