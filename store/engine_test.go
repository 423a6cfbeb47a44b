package store_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/storetest"
)

// The SQLite store offers the people side the suite asks of every engine.
var _ storetest.Engine = (*store.Store)(nil)

// TestEngine runs the engine suite on SQLite, on real files.
func TestEngine(t *testing.T) {
	storetest.Run(t, "sqlite", func(t *testing.T, opt store.Options) storetest.Target {
		t.Helper()
		dir := t.TempDir()
		path := filepath.Join(dir, "koers.db")
		st, err := store.Open(context.Background(), path, opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return storetest.Target{
			Engine: st,
			UpdatePlan: func(ctx context.Context, planID string, fn func(p *sessions.Plan) error) (sessions.Plan, error) {
				return st.UpdatePlan(ctx, planID, func(_ *store.PlanTx, p *sessions.Plan) error { return fn(p) })
			},
			Exec: func(ctx context.Context, sql string) error {
				_, err := st.DB().ExecContext(ctx, sql)
				return store.MapErr(err)
			},
			Acting: func(actor, session, centre string) storetest.Engine { return st.Acting(actor, session, centre) },
			Count: func(ctx context.Context, sql string) (int, error) {
				var n int
				err := st.DB().QueryRowContext(ctx, sql).Scan(&n)
				return n, err
			},
			As:   func(actor string) storetest.Engine { return st.As(actor) },
			Keys: st,
			Reopen: func(t *testing.T) (storetest.Engine, storetest.Keyed) {
				again, err := store.Open(context.Background(), path, opt)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { again.Close() })
				return again, again
			},
			Text: func(ctx context.Context, sql string) (string, error) {
				var v string
				err := st.DB().QueryRowContext(ctx, sql).Scan(&v)
				return v, err
			},
			Raw: func(context.Context) ([]byte, error) {
				// The database and its -wal and -shm, as a thief copies them.
				var all []byte
				for _, suffix := range []string{"", "-wal", "-shm"} {
					b, err := os.ReadFile(path + suffix)
					if err != nil && !errors.Is(err, fs.ErrNotExist) {
						return nil, err
					}
					all = append(all, b...)
				}
				return all, nil
			},
			Rows: func(ctx context.Context) ([]byte, error) { return liteRows(ctx, st) },
		}
	})
}

// liteRows is every row of every table of st as text, tables by name and
// rows in their text order.
func liteRows(ctx context.Context, st *store.Store) ([]byte, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, n)
	}
	rows.Close()
	var out []string
	for _, tb := range tables {
		rows, err := st.DB().QueryContext(ctx, `SELECT * FROM "`+tb+`"`)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			lines = append(lines, fmt.Sprintf("%v", vals))
		}
		rows.Close()
		sort.Strings(lines)
		out = append(out, tb)
		out = append(out, lines...)
	}
	return []byte(strings.Join(out, "\n")), nil
}
