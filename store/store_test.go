package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// openTemp opens a fresh store on a real SQLite file in t.TempDir.
func openTemp(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "koers.db"), Options{
		Actor: "tester",
		Now:   func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestOpenMigratesToLatest(t *testing.T) {
	st := openTemp(t)
	v, err := st.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v, LatestVersion(); got != want || want < 1 {
		t.Fatalf("version %d, want %d", got, want)
	}
}

// TestMigrateFromEveryVersion opens a database at every earlier schema
// version, reopens it with this build, and checks it reaches the latest
// version intact.
func TestMigrateFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:len(ms)-1] {
		from := m.Version
		path := filepath.Join(t.TempDir(), "old.db")
		old, err := Open(ctx, path, Options{TargetVersion: from})
		if err != nil {
			t.Fatalf("open at %d: %v", from, err)
		}
		if v, _ := old.Version(ctx); v != from {
			t.Fatalf("at %d: version %d", from, v)
		}
		old.Close()
		st, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("upgrade from %d: %v", from, err)
		}
		var ok string
		if err := st.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("upgrade from %d: integrity %q %v", from, ok, err)
		}
		if v, _ := st.Version(ctx); v != LatestVersion() {
			t.Fatalf("upgrade from %d reached %d", from, v)
		}
		st.Close()
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	notDB := filepath.Join(dir, "notes.txt")
	content := []byte("this is not a database, it is a shopping list\n")
	if err := os.WriteFile(notDB, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, notDB, Options{}); !errors.Is(err, ErrNotSQLite) {
		t.Errorf("text file: got %v, want ErrNotSQLite", err)
	}
	if got, _ := os.ReadFile(notDB); !bytes.Equal(got, content) {
		t.Error("text file was changed")
	}

	newer := filepath.Join(dir, "newer.db")
	st, err := Open(ctx, newer, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, "PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	before, _ := os.ReadFile(newer)
	if _, err := Open(ctx, newer, Options{}); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("newer schema: got %v, want ErrNewerSchema", err)
	}
	if after, _ := os.ReadFile(newer); !bytes.Equal(before, after) {
		t.Error("newer-schema file was changed")
	}

	if os.Geteuid() != 0 { // root reads anything
		unreadable := filepath.Join(dir, "locked.db")
		os.WriteFile(unreadable, []byte("x"), 0o000)
		if _, err := Open(ctx, unreadable, Options{}); err == nil {
			t.Error("unreadable file opened")
		}
	}
	if _, err := Open(ctx, dir, Options{}); err == nil {
		t.Error("a folder opened as a database")
	}
}

func TestTxRollsBackOnError(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := st.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta VALUES ('k','v','t','a')"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	var n int
	st.DB().QueryRowContext(ctx, "SELECT count(*) FROM meta WHERE key='k'").Scan(&n)
	if n != 0 {
		t.Fatal("rolled-back row is there")
	}
}

// TestConcurrentFirstOpen opens one new file from several goroutines at once
// (each its own *sql.DB, as two processes would): every open succeeds and the
// schema is applied once.
func TestConcurrentFirstOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			st, err := Open(ctx, path, Options{})
			if err == nil {
				st.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent open: %v", err)
		}
	}
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, _ := st.Version(ctx); v != LatestVersion() {
		t.Fatalf("version %d", v)
	}
}
