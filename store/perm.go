package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Personal data is readable by its owner only (issue 14, item 3): the
// folder koers creates for a database is 0700, and the database file and
// its -wal and -shm files are 0600, whatever the umask. SQLite creates the
// -wal and -shm files with the database file's mode, so creating the
// database file first, 0600, is what makes them private too.
const (
	dirMode  fs.FileMode = 0o700
	fileMode fs.FileMode = 0o600
)

// prepareFiles creates the folders of path that are missing (0700) and the
// database file if it is missing (empty, 0600), and takes group and other
// permissions away from an existing database's files.
func prepareFiles(path string) error {
	dir := filepath.Dir(path)
	var created []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) || d == filepath.Dir(d) {
			break
		}
		created = append(created, d)
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("create folder for %s: %w", path, err)
	}
	for _, d := range created { // the umask may have taken bits away
		if err := os.Chmod(d, dirMode); err != nil {
			return fmt.Errorf("create folder for %s: %w", path, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	switch {
	case err == nil:
		f.Close()
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("create %s: %w", path, err)
	}
	return tightenFiles(path)
}

// tightenFiles makes the database file and its -wal and -shm files 0600
// when they have any other permission (a database made by an older koers).
func tightenFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("open %s: %w", p, err)
		}
		if st.Mode().Perm() != fileMode {
			if err := os.Chmod(p, fileMode); err != nil {
				return fmt.Errorf("make %s private (0600): %w", p, err)
			}
		}
	}
	return nil
}
