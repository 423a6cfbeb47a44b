package pgtest

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

var h Harness

func TestMain(m *testing.M) { os.Exit(Main(m, &h, nil)) }

// TestServerRestartKeepsData writes, restarts the server and reads back:
// the harness's restart is what the store's fault tests rely on.
func TestServerRestartKeepsData(t *testing.T) {
	ctx := context.Background()
	url := h.DB(t, "")
	s := h.Server(t)
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `CREATE TABLE x (v int); INSERT INTO x VALUES (42)`); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	if err := s.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	c, err = pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var v int
	if err := c.QueryRow(ctx, `SELECT v FROM x`).Scan(&v); err != nil || v != 42 {
		t.Fatalf("after restart: %d, %v", v, err)
	}
	var addr string
	if err := c.QueryRow(ctx, `SELECT current_setting('listen_addresses') || ' ' || current_setting('unix_socket_directories') || '|' || current_setting('fsync')`).Scan(&addr); err != nil {
		t.Fatal(err)
	}
	if addr != "127.0.0.1 |off" {
		t.Errorf("settings %q, want loopback only, no socket, fsync off", addr)
	}
}

func TestMajor(t *testing.T) {
	for in, want := range map[string]int{"postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n": 15, "postgres (PostgreSQL) 16.2": 16, "": 0} {
		if got := major(in); got != want {
			t.Errorf("major(%q) = %d, want %d", in, got, want)
		}
	}
}

// recorder is a testing.TB that records a skip or a failure and stops, as
// the testing package does, without failing the test that uses it.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func serverOf(h *Harness) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Server(r)
	}()
	<-done
	return r
}

// TestWithoutPostgres: a developer without PostgreSQL gets a skip that
// says why; CI (KOERS_REQUIRE_PG=1) gets a failure instead.
func TestWithoutPostgres(t *testing.T) {
	missing := &Harness{err: ErrNoPostgres}
	t.Setenv("KOERS_REQUIRE_PG", "")
	if r := serverOf(missing); r.skipped != "PostgreSQL 15 not found (pg_config); CI runs these" || r.failed != "" {
		t.Errorf("without KOERS_REQUIRE_PG: skipped %q, failed %q", r.skipped, r.failed)
	}
	t.Setenv("KOERS_REQUIRE_PG", "1")
	if r := serverOf(missing); r.skipped != "" || !strings.Contains(r.failed, "not found") {
		t.Errorf("with KOERS_REQUIRE_PG=1: skipped %q, failed %q", r.skipped, r.failed)
	}
}
