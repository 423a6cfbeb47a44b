package postgres

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/pgtest"
	"github.com/koers-project/koers/store/storetest"
)

// h is the test binary's PostgreSQL server (pgtest.Main starts and stops it).
var h pgtest.Harness

// template is a database migrated once to the latest schema; each test
// gets a copy of it.
const template = "koers_template"

func TestMain(m *testing.M) {
	os.Exit(pgtest.Main(m, &h, func(ctx context.Context, s *pgtest.Server) error {
		if err := s.Exec(ctx, "postgres", "CREATE DATABASE "+template); err != nil {
			return err
		}
		st, err := Open(ctx, s.URL(template), store.Options{Actor: "template"})
		if err != nil {
			return err
		}
		return st.Close()
	}))
}

// The PostgreSQL store offers the people side the suite asks of every engine.
var _ storetest.Engine = (*Store)(nil)

// openTest opens a store on a fresh copy of the migrated template.
func openTest(t *testing.T, opt store.Options) *Store {
	t.Helper()
	st, err := Open(context.Background(), h.DB(t, template), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func target(st *Store) storetest.Target {
	return storetest.Target{
		Engine: st,
		UpdatePlan: func(ctx context.Context, planID string, fn func(p *sessions.Plan) error) (sessions.Plan, error) {
			return st.UpdatePlan(ctx, planID, func(_ *PlanTx, p *sessions.Plan) error { return fn(p) })
		},
		Exec: func(ctx context.Context, sql string) error {
			_, err := st.pool.Exec(ctx, sql)
			return mapErr(err)
		},
		Acting: func(actor, session, centre string) storetest.Engine { return st.Acting(actor, session, centre) },
		Count: func(ctx context.Context, sql string) (int, error) {
			var n int
			err := st.pool.QueryRow(ctx, sql).Scan(&n)
			return n, err
		},
	}
}

// TestEngine runs the engine suite on a real PostgreSQL server.
func TestEngine(t *testing.T) {
	h.Server(t)
	storetest.Run(t, "postgres", func(t *testing.T, opt store.Options) storetest.Target {
		t.Helper()
		return target(openTest(t, opt))
	})
}

// newTestPerson creates a person with a ledger entry and a session note,
// and returns the id.
func newTestPerson(t *testing.T, st *Store) string {
	t.Helper()
	ctx := context.Background()
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Test Person"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100, Key: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddSession(ctx, sessions.Session{PersonID: p.ID, At: st.Now().Add(-time.Hour), Attended: true, Notes: []string{"n"}}); err != nil {
		t.Fatal(err)
	}
	return p.ID
}
