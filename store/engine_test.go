package store_test

import (
	"context"
	"path/filepath"
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
		st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "koers.db"), opt)
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
			As:    func(actor string) storetest.Engine { return st.As(actor) },
			Files: func() []string { return []string{st.Path(), st.Path() + "-wal"} },
		}
	})
}
