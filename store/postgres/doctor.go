package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Check is one finding of Doctor.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// MaxSkew is the largest clock difference between koers and the server
// that Doctor accepts: stamps are written from koers's clock and compared
// with the server's now() nowhere, but an as-of date or an audit line a
// few seconds off confuses people reading them side by side.
const MaxSkew = 2 * time.Second

// appendOnly are the tables whose triggers refuse changes.
var appendOnly = []string{"ledger_entries", "session_notes", "audit_log"}

// Doctor checks what koers needs of the database at dbURL, without
// changing it: a connection, the schema version, that the role is not a
// superuser and holds the privileges koers uses, that the append-only
// triggers are enabled, and the clock skew between this machine and the
// server. now is this machine's clock.
func Doctor(ctx context.Context, dbURL string, now func() time.Time) []Check {
	var out []Check
	add := func(name string, ok bool, format string, args ...any) {
		out = append(out, Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		add("connection", false, "%s: %v", Redact(dbURL), err)
		return out
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var version, user, db string
	var super bool
	if err := conn.QueryRow(ctx, `SELECT current_setting('server_version'), current_user, current_database(),
		(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)`).Scan(&version, &user, &db, &super); err != nil {
		add("connection", false, "%v", err)
		return out
	}
	add("connection", true, "PostgreSQL %s, database %s as %s", version, db, user)
	out = append(out, schemaCheck(ctx, conn))
	if super {
		add("role", false, "%s is a superuser: give koers an ordinary role (README, PostgreSQL)", user)
	} else {
		add("role", true, "%s is not a superuser", user)
	}
	out = append(out, privilegeCheck(ctx, conn), triggerCheck(ctx, conn), skewCheck(ctx, conn, now))
	return out
}

func schemaCheck(ctx context.Context, conn *pgx.Conn) Check {
	c := Check{Name: "schema"}
	var present bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('koers_schema') IS NOT NULL`).Scan(&present); err != nil {
		c.Detail = err.Error()
		return c
	}
	v := 0
	if present {
		if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM koers_schema`).Scan(&v); err != nil {
			c.Detail = err.Error()
			return c
		}
	}
	switch latest := LatestVersion(); {
	case v == latest:
		c.OK, c.Detail = true, fmt.Sprintf("version %d, as this koers writes", v)
	case v < latest:
		c.Detail = fmt.Sprintf("version %d, this koers writes %d: run koers migrate", v, latest)
	default:
		c.Detail = fmt.Sprintf("version %d was written by a newer koers (this one knows up to %d)", v, latest)
	}
	return c
}

// privilegeCheck: koers reads and appends everywhere, and updates and
// deletes in the tables that are not append-only (an erase deletes the
// person; the cascade runs with the table owner's rights).
func privilegeCheck(ctx context.Context, conn *pgx.Conn) Check {
	c := Check{Name: "privileges"}
	rows, err := conn.Query(ctx, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	if len(tables) == 0 {
		c.Detail = "no koers tables: run koers migrate"
		return c
	}
	var missing []string
	for _, t := range tables {
		need := "SELECT,INSERT,UPDATE,DELETE"
		switch {
		case t == "koers_schema":
			need = "SELECT" // koers migrate writes it, as the owner
		case slices.Contains(appendOnly, t):
			need = "SELECT,INSERT"
		}
		for _, p := range strings.Split(need, ",") {
			var ok bool
			if err := conn.QueryRow(ctx, `SELECT has_table_privilege(current_user, $1, $2)`, t, p).Scan(&ok); err != nil {
				c.Detail = err.Error()
				return c
			}
			if !ok {
				missing = append(missing, p+" on "+t)
			}
		}
	}
	if len(missing) > 0 {
		c.Detail = "missing " + strings.Join(missing, ", ")
		return c
	}
	c.OK, c.Detail = true, fmt.Sprintf("read and write on %d tables", len(tables))
	return c
}

func triggerCheck(ctx context.Context, conn *pgx.Conn) Check {
	c := Check{Name: "append-only"}
	var n int
	err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
		WHERE r.relname = ANY($1) AND r.relnamespace = current_schema()::regnamespace
		AND NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgfoid = 'koers_append_only'::regproc`, appendOnly).Scan(&n)
	if err != nil {
		c.Detail = err.Error()
		return c
	}
	// Each table has a row trigger (UPDATE, DELETE) and a TRUNCATE trigger.
	if want := 2 * len(appendOnly); n != want {
		c.Detail = fmt.Sprintf("%d of %d append-only triggers enabled on %s", n, want, strings.Join(appendOnly, ", "))
		return c
	}
	c.OK, c.Detail = true, "enabled on "+strings.Join(appendOnly, ", ")
	return c
}

// skewCheck compares the server's clock with the midpoint of a round trip.
func skewCheck(ctx context.Context, conn *pgx.Conn, now func() time.Time) Check {
	c := Check{Name: "clock"}
	t0 := now()
	var server time.Time
	if err := conn.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&server); err != nil {
		c.Detail = err.Error()
		return c
	}
	t1 := now()
	rtt := t1.Sub(t0)
	skew := server.Sub(t0.Add(rtt / 2))
	c.Detail = fmt.Sprintf("server is %s off this machine (round trip %s)", skew.Round(time.Millisecond), rtt.Round(10*time.Microsecond))
	c.OK = skew.Abs() <= MaxSkew
	if !c.OK {
		c.Detail += fmt.Sprintf("; more than %s: set both clocks by NTP", MaxSkew)
	}
	return c
}
