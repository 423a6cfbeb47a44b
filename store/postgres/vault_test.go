package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/vault"
)

// TestKeyChangeNeedsTheOwner: `key init` as the day-to-day role (which
// does not own the tables, and may not update the append-only ones) is
// refused before anything is written, saying who may run it; the owner
// then turns encryption on, and the day-to-day role works with the key.
func TestKeyChangeNeedsTheOwner(t *testing.T) {
	ctx := context.Background()
	srv := h.Server(t)
	owner, url := openURL(t, store.Options{Actor: "owner"})
	p, err := owner.CreatePerson(ctx, sessions.Person{Name: "Ann Peeters"})
	if err != nil {
		t.Fatal(err)
	}
	db := url[strings.LastIndex(url, "/")+1 : strings.Index(url, "?")]
	role := "app_" + db
	for _, q := range []string{
		`CREATE ROLE ` + role + ` LOGIN`,
		`GRANT USAGE ON SCHEMA public TO ` + role,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + role,
		`REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries, session_notes, audit_log FROM ` + role,
	} {
		if err := srv.Exec(ctx, db, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		_ = srv.Exec(context.Background(), db, `DROP OWNED BY `+role)
		_ = srv.Exec(context.Background(), "postgres", `DROP ROLE IF EXISTS `+role)
	})
	app, err := Open(ctx, strings.Replace(url, "postgres@", role+"@", 1), store.Options{Actor: "app"})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	setup := store.KeySetup{Passphrase: []byte("correct horse battery staple"), Params: vault.Params{Time: 1, Memory: 8 * 1024, Threads: 1}}
	if _, err := app.InitKey(ctx, setup); err == nil || !strings.Contains(err.Error(), "owner") {
		t.Fatalf("key init as %s: %v, want refused for the owner", role, err)
	}
	var wraps int
	var name string
	if err := owner.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM vault_wraps), name FROM people WHERE id=$1`, p.ID).Scan(&wraps, &name); err != nil {
		t.Fatal(err)
	}
	if wraps != 0 || name != "Ann Peeters" || app.Encrypted() {
		t.Fatalf("after a refused key init: %d wraps, name %q", wraps, name)
	}
	if _, err := owner.InitKey(ctx, setup); err != nil {
		t.Fatal(err)
	}
	again, err := Open(ctx, strings.Replace(url, "postgres@", role+"@", 1), store.Options{Actor: "app"})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if err := again.Unlock(ctx, vault.Secret{Passphrase: setup.Passphrase}); err != nil {
		t.Fatal(err)
	}
	if _, err := again.AddSession(ctx, sessions.Session{PersonID: p.ID, At: again.Now().Add(-1e9), Attended: true, Notes: []string{"sealed by the app role"}}); err != nil {
		t.Fatal(err)
	}
	if list, err := again.People(ctx, "peet", 0); err != nil || len(list) != 1 || list[0].Name != "Ann Peeters" {
		t.Fatalf("search as %s: %+v %v", role, list, err)
	}
}
