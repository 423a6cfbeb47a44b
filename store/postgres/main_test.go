package postgres

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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
	st, _ := openURL(t, opt)
	return st
}

// openURL is openTest that also gives the database's URL.
func openURL(t *testing.T, opt store.Options) (*Store, string) {
	t.Helper()
	url := h.DB(t, template)
	st, err := Open(context.Background(), url, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, url
}

// rawRows is every row of every table of the database as text, in a fixed
// order, and pg_dump's plain output of it when pg_dump is installed: what
// a dump, a replica or a reader of the tables sees.
func rawRows(ctx context.Context, st *Store, url string, dump bool) ([]byte, error) {
	rows, err := st.pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY tablename`)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, tb := range tables {
		rows, err := st.pool.Query(ctx, `SELECT t::text FROM `+pgx.Identifier{tb}.Sanitize()+` t ORDER BY 1`)
		if err != nil {
			return nil, err
		}
		vals, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&out, "%s\n%s\n", tb, strings.Join(vals, "\n"))
	}
	bin, err := pgtest.BinDir()
	if err != nil || !dump {
		return out.Bytes(), nil // no pg_dump here: the rows alone
	}
	plain, err := exec.CommandContext(ctx, filepath.Join(bin, "pg_dump"), "--no-owner", "--dbname="+url).Output()
	if err != nil {
		return nil, fmt.Errorf("pg_dump: %w", err)
	}
	out.Write(plain)
	return out.Bytes(), nil
}

func target(st *Store, url string, opt store.Options) storetest.Target {
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
		As:   func(actor string) storetest.Engine { return st.As(actor) },
		Keys: st,
		Reopen: func(t *testing.T) (storetest.Engine, storetest.Keyed) {
			again, err := Open(context.Background(), url, opt)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { again.Close() })
			return again, again
		},
		Text: func(ctx context.Context, sql string) (string, error) {
			var v string
			err := st.pool.QueryRow(ctx, sql).Scan(&v)
			return v, err
		},
		Raw:  func(ctx context.Context) ([]byte, error) { return rawRows(ctx, st, url, true) },
		Rows: func(ctx context.Context) ([]byte, error) { return rawRows(ctx, st, url, false) },
	}
}

// TestEngine runs the engine suite on a real PostgreSQL server.
func TestEngine(t *testing.T) {
	h.Server(t)
	storetest.Run(t, "postgres", func(t *testing.T, opt store.Options) storetest.Target {
		t.Helper()
		st, url := openURL(t, opt)
		return target(st, url, opt)
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
