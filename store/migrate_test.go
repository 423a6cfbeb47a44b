package store

import (
	"errors"
	"testing"
	"testing/fstest"
)

// TestMigrationNumbers: numbers may skip (one handed to a branch not
// merged yet), never repeat; a database past a number never runs it.
func TestMigrationNumbers(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0001_a.sql": {Data: []byte("a")}, "m/0002_b.sql": {Data: []byte("b")}, "m/0005_e.sql": {Data: []byte("e")},
	}
	ms, err := ReadMigrations(fsys, "m")
	if err != nil || len(ms) != 3 || LatestOf(ms) != 5 {
		t.Fatalf("%+v %v", ms, err)
	}
	for _, c := range []struct{ cur, target, want int }{{0, 0, 3}, {2, 0, 1}, {1, 2, 1}, {5, 0, 0}, {2, 4, 0}} {
		got, err := PendingMigrations(ms, c.cur, c.target)
		if err != nil || len(got) != c.want {
			t.Errorf("pending from %d to %d: %d %v, want %d", c.cur, c.target, len(got), err, c.want)
		}
	}
	if _, err := PendingMigrations(ms, 6, 0); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("a newer database: %v", err)
	}
	fsys["m/0002_again.sql"] = &fstest.MapFile{Data: []byte("x")}
	if _, err := ReadMigrations(fsys, "m"); err == nil {
		t.Error("a repeated number was read")
	}
}
