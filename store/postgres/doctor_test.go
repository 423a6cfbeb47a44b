package postgres

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/koers-project/koers/store"
)

func findings(cs []Check) map[string]Check {
	out := map[string]Check{}
	for _, c := range cs {
		out[c.Name] = c
	}
	return out
}

// TestDoctor runs the checks as the least-privileged role the README
// describes (an owner role migrates, an application role without
// superuser, UPDATE or DELETE on append-only tables runs koers), then as
// the superuser, on an empty database, and with a skewed clock.
func TestDoctor(t *testing.T) {
	ctx := context.Background()
	srv := h.Server(t)
	dbURL := h.DB(t, "")
	u, _ := url.Parse(dbURL)
	db := u.Path[1:]
	empty := findings(Doctor(ctx, dbURL, time.Now))
	if c := empty["schema"]; c.OK || c.Detail == "" {
		t.Errorf("empty database: %+v", c)
	}
	if c := empty["role"]; c.OK {
		t.Errorf("superuser accepted: %+v", c)
	}
	role := fmt.Sprintf("koers_app_%s", db)
	for _, sql := range []string{
		fmt.Sprintf(`CREATE ROLE %s LOGIN`, role),
		fmt.Sprintf(`GRANT CONNECT ON DATABASE %s TO %s`, db, role),
	} {
		if err := srv.Exec(ctx, "postgres", sql); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = srv.Exec(context.Background(), "postgres", "DROP ROLE IF EXISTS "+role) })
	st, err := Open(ctx, dbURL, store.Options{Actor: "migrate"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, sql := range []string{
		fmt.Sprintf(`GRANT USAGE ON SCHEMA public TO %s`, role),
		fmt.Sprintf(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %s`, role),
		fmt.Sprintf(`REVOKE UPDATE, DELETE ON ledger_entries, session_notes, audit_log FROM %s`, role),
		fmt.Sprintf(`REVOKE INSERT, UPDATE, DELETE ON koers_schema FROM %s`, role),
	} {
		if err := srv.Exec(ctx, db, sql); err != nil {
			t.Fatal(err)
		}
	}
	u.User = url.User(role)
	appURL := u.String()
	got := findings(Doctor(ctx, appURL, time.Now))
	for _, name := range []string{"connection", "schema", "role", "privileges", "append-only", "clock"} {
		if c, ok := got[name]; !ok || !c.OK {
			t.Errorf("%s: %+v", name, c)
		}
	}
	// The application role runs the people side, erase included, without
	// UPDATE or DELETE on the append-only tables.
	app, err := Open(ctx, appURL, store.Options{Actor: "app"})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := app.Migrate(ctx, 0); err != nil {
		t.Fatalf("migrate at the latest version is a no-op: %v", err)
	}
	p := newTestPerson(t, app)
	if err := app.ErasePerson(ctx, p); err != nil {
		t.Fatalf("erase as the application role: %v", err)
	}
	if err := srv.Exec(ctx, db, fmt.Sprintf(`REVOKE INSERT ON people FROM %s`, role)); err != nil {
		t.Fatal(err)
	}
	if c := findings(Doctor(ctx, appURL, time.Now))["privileges"]; c.OK {
		t.Errorf("missing INSERT on people not found: %+v", c)
	}
	skewed := func() time.Time { return time.Now().Add(-time.Minute) }
	if c := findings(Doctor(ctx, appURL, skewed))["clock"]; c.OK {
		t.Errorf("a minute of skew accepted: %+v", c)
	}
	if c := findings(Doctor(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", time.Now))["connection"]; c.OK {
		t.Errorf("no server, yet connected: %+v", c)
	}
}
