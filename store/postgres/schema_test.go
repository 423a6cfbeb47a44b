package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/store"
)

// logicalTable is what both engines must agree on for a shared table:
// columns in order, the primary key, unique keys and foreign keys. Types
// differ on purpose (uuid, timestamptz, date, jsonb, boolean against
// SQLite's TEXT and INTEGER) and are not compared.
type logicalTable struct {
	Columns     []string
	PrimaryKey  []string
	Unique      []string // "a,b", sorted
	ForeignKeys []string // "col -> table(col) on delete cascade", sorted
}

// peopleTables are the tables of the people side, which live in both engines.
var peopleTables = []string{"meta", "people", "person_skills", "consents", "schemes", "accounts", "ledger_entries",
	"credentials", "guidance_sessions", "session_notes", "goals", "actions", "drafts", "audit_log",
	"plans", "plan_steps", "plan_funding", "step_outcomes", "employment_outcomes", "vault_wraps", "person_tokens",
	"centres", "centre_thresholds", "ledger_requests", "ledger_decisions", "counsellors", "counsellor_keys",
	"erase_requests", "erase_decisions"}

// registerTables are PostgreSQL's alone: the network's register and its
// generations (each process's SQLite holds its local index of it instead).
var registerTables = []string{"register_generations", "register_offers"}

// syncServerTables are the server's side of koers sync (0023): the laptop's
// side has its own tables (sync_outbox and the rest), so these are not compared.
var syncServerTables = []string{"person_changes", "sync_applied", "sync_checkout_people", "sync_checkouts"}

// TestMigrationVersionsInStep checks both engines have one list of
// versions: PostgreSQL has a migration (maybe a no-op) of every number
// SQLite has, under the same name.
func TestMigrationVersionsInStep(t *testing.T) {
	entries, err := os.ReadDir("../migrations")
	if err != nil {
		t.Fatal(err)
	}
	var sqlite []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			sqlite = append(sqlite, e.Name())
		}
	}
	if d := cmp.Diff(sqlite, MigrationNames()); d != "" {
		t.Errorf("migrations (-sqlite +postgres):\n%s", d)
	}
	if LatestVersion() != store.LatestVersion() {
		t.Errorf("latest version: postgres %d, sqlite %d", LatestVersion(), store.LatestVersion())
	}
}

// TestSchemaMatchesSQLite applies both engines' migrations from zero and
// compares the logical schema of the shared tables.
func TestSchemaMatchesSQLite(t *testing.T) {
	ctx := context.Background()
	lite, err := store.Open(ctx, filepath.Join(t.TempDir(), "koers.db"), store.Options{Actor: "schema"})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := Open(ctx, h.DB(t, ""), store.Options{Actor: "schema"})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if v, err := pg.Version(ctx); err != nil || v != LatestVersion() {
		t.Fatalf("postgres from zero: version %d, %v", v, err)
	}
	pgTables, err := pgTableNames(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(slices.Sorted(slices.Values(slices.Concat(peopleTables, registerTables, syncServerTables))), pgTables); d != "" {
		t.Errorf("postgres tables (-want +got):\n%s", d)
	}
	for _, name := range peopleTables {
		want, err := sqliteTable(ctx, lite.DB(), name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := pgTable(ctx, pg, name)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("table %s (-sqlite +postgres):\n%s", name, d)
		}
	}
}

func sqliteTable(ctx context.Context, db *sql.DB, name string) (logicalTable, error) {
	var lt logicalTable
	rows, err := db.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, name)
	if err != nil {
		return lt, err
	}
	pk := map[int]string{}
	for rows.Next() {
		var col string
		var n int
		if err := rows.Scan(&col, &n); err != nil {
			return lt, err
		}
		lt.Columns = append(lt.Columns, col)
		if n > 0 {
			pk[n] = col
		}
	}
	rows.Close()
	for i := 1; i <= len(pk); i++ {
		lt.PrimaryKey = append(lt.PrimaryKey, pk[i])
	}
	rows, err = db.QueryContext(ctx, `SELECT l.name, group_concat(i.name, ',') FROM pragma_index_list(?) l, pragma_index_info(l.name) i
		WHERE l."unique" AND l.origin <> 'pk' GROUP BY l.name`, name)
	if err != nil {
		return lt, err
	}
	for rows.Next() {
		var idx, cols string
		if err := rows.Scan(&idx, &cols); err != nil {
			return lt, err
		}
		lt.Unique = append(lt.Unique, cols)
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?)`, name)
	if err != nil {
		return lt, err
	}
	for rows.Next() {
		var from, table, to, del string
		if err := rows.Scan(&from, &table, &to, &del); err != nil {
			return lt, err
		}
		lt.ForeignKeys = append(lt.ForeignKeys, fmt.Sprintf("%s -> %s(%s) on delete %s", from, table, to, strings.ToLower(del)))
	}
	rows.Close()
	slices.Sort(lt.Unique)
	slices.Sort(lt.ForeignKeys)
	return lt, rows.Err()
}

func pgTableNames(ctx context.Context, pg *Store) ([]string, error) {
	rows, err := pg.pool.Query(ctx, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name <> 'koers_schema' ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func pgTable(ctx context.Context, pg *Store, name string) (logicalTable, error) {
	var lt logicalTable
	rows, err := pg.pool.Query(ctx, `SELECT column_name::text FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, name)
	if err != nil {
		return lt, err
	}
	if lt.Columns, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return lt, err
	}
	// Key columns in key order, per constraint or unique index.
	keyCols := `(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(%s) WITH ORDINALITY k(attnum, ord)
		JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.attnum)`
	var pk *string
	if err := pg.pool.QueryRow(ctx, `SELECT `+fmt.Sprintf(keyCols, "c.conkey", "c.conrelid")+` FROM pg_constraint c
		WHERE c.conrelid = $1::regclass AND c.contype = 'p'`, name).Scan(&pk); err != nil && err != pgx.ErrNoRows {
		return lt, err
	}
	if pk != nil {
		lt.PrimaryKey = strings.Split(*pk, ",")
	}
	rows, err = pg.pool.Query(ctx, `SELECT `+fmt.Sprintf(keyCols, "i.indkey::int2[]", "i.indrelid")+` FROM pg_index i
		WHERE i.indrelid = $1::regclass AND i.indisunique AND NOT i.indisprimary ORDER BY 1`, name)
	if err != nil {
		return lt, err
	}
	if lt.Unique, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return lt, err
	}
	rows, err = pg.pool.Query(ctx, `SELECT `+fmt.Sprintf(keyCols, "c.conkey", "c.conrelid")+`, c.confrelid::regclass::text,
		`+fmt.Sprintf(keyCols, "c.confkey", "c.confrelid")+`, CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'a' THEN 'no action'
		WHEN 'r' THEN 'restrict' WHEN 'n' THEN 'set null' ELSE 'set default' END
		FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype = 'f'`, name)
	if err != nil {
		return lt, err
	}
	var from, table, to, del string
	_, err = pgx.ForEachRow(rows, []any{&from, &table, &to, &del}, func() error {
		lt.ForeignKeys = append(lt.ForeignKeys, fmt.Sprintf("%s -> %s(%s) on delete %s", from, table, to, del))
		return nil
	})
	slices.Sort(lt.Unique)
	slices.Sort(lt.ForeignKeys)
	return lt, err
}

// TestConcurrentMigrateAndNewerSchema opens an empty database from four
// processes' worth of stores at once (the advisory lock makes each
// migration run once), then refuses a schema a newer koers wrote.
func TestConcurrentMigrateAndNewerSchema(t *testing.T) {
	ctx := context.Background()
	url := h.DB(t, "")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			st, err := Open(ctx, url, store.Options{Actor: "racer"})
			if err == nil {
				st.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
	st, err := Open(ctx, url, store.Options{Actor: "check"})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.pool.QueryRow(ctx, `SELECT count(*) FROM koers_schema`).Scan(&n); err != nil || n != len(MigrationNames()) {
		t.Fatalf("koers_schema rows %d (%v), want one per migration", n, err)
	}
	if _, err := st.pool.Exec(ctx, `INSERT INTO koers_schema (version, name) VALUES ($1, 'from the future')`, LatestVersion()+1); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := Open(ctx, url, store.Options{Actor: "old koers"}); !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("newer schema: %v, want ErrNewerSchema", err)
	}
}
