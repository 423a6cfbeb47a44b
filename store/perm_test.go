package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilesPrivateWhateverTheUmask: the folder koers creates is 0700 and
// the database, -wal and -shm files 0600 under a permissive and a
// restrictive umask; an older database's 0644 files are tightened.
func TestFilesPrivateWhateverTheUmask(t *testing.T) {
	for _, umask := range []int{0o000, 0o022, 0o277} {
		t.Run(fmt.Sprintf("umask %03o", umask), func(t *testing.T) {
			old := syscall.Umask(umask)
			defer syscall.Umask(old)
			dir := filepath.Join(t.TempDir(), "data", "koers")
			db := filepath.Join(dir, "koers.db")
			st, err := Open(context.Background(), db, Options{Actor: "t"})
			if err != nil {
				t.Fatal(err)
			}
			newPerson(t, st, "Ann Peeters")
			checkModes(t, dir, db)
			st.Close()
		})
	}
	t.Run("older database tightened", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "old.db")
		st, err := Open(context.Background(), db, Options{Actor: "t"})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		for _, p := range []string{db, db + "-wal", db + "-shm"} {
			if _, err := os.Stat(p); err == nil {
				if err := os.Chmod(p, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		st, err = Open(context.Background(), db, Options{Actor: "t"})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		checkModes(t, "", db)
	})
}

func checkModes(t *testing.T, dir, db string) {
	t.Helper()
	if dir != "" {
		for d := dir; d != filepath.Dir(filepath.Dir(dir)); d = filepath.Dir(d) {
			if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
				t.Errorf("folder %s: %v %v, want 0700", d, fi.Mode().Perm(), err)
			}
		}
	}
	seen := 0
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		seen++
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	if seen < 2 {
		t.Errorf("only %d database files to check", seen)
	}
}
