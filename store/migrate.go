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
// order, and refuses a bad or repeated number. A number may be missing: the
// numbers are handed out to branches in parallel, and one merged before an
// earlier one leaves a gap until that one is merged (a database at a
// version past a gap never runs the gap's migration later, so a release
// must not have one).
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
		if m.Version < 1 || i > 0 && m.Version == ms[i-1].Version {
			return nil, fmt.Errorf("migration %s: number %04d is not a new number from 0001", m.Name, m.Version)
		}
	}
	return ms, nil
}

// LatestOf is the version of the last of ms (0 for none).
func LatestOf(ms []Migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// PendingMigrations are the migrations of ms a database at schema cur
// still needs to reach target (0 or beyond the last: the latest). A
// database newer than ms is ErrNewerSchema.
func PendingMigrations(ms []Migration, cur, target int) ([]Migration, error) {
	last := LatestOf(ms)
	if target == 0 || target > last {
		target = last
	}
	if cur > last {
		return nil, fmt.Errorf("%w (schema %d, this koers knows up to %d)", ErrNewerSchema, cur, last)
	}
	var out []Migration
	for _, m := range ms {
		if m.Version > cur && m.Version <= target {
			out = append(out, m)
		}
	}
	return out, nil
}
