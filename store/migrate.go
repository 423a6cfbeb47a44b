package store

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema migration file, NNNN_name.sql; both engines
// read theirs (same numbers and names) through ReadMigrations.
type Migration struct {
	Version int
	Name    string // the file name
	SQL     string
}

// ReadMigrations reads the *.sql migrations in dir of fsys in number
// order, and refuses a bad or missing number.
func ReadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad number", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %04d", m.Name, i+1)
		}
	}
	return ms, nil
}

// PendingMigrations are the migrations of ms a database at schema cur
// still needs to reach target (0 or beyond the last: the latest). A
// database newer than ms is ErrNewerSchema.
func PendingMigrations(ms []Migration, cur, target int) ([]Migration, error) {
	if target == 0 || target > len(ms) {
		target = len(ms)
	}
	if cur > len(ms) {
		return nil, fmt.Errorf("%w (schema %d, this koers knows up to %d)", ErrNewerSchema, cur, len(ms))
	}
	if cur >= target {
		return nil, nil
	}
	return ms[cur:target], nil
}
