// Package store is koers's SQLite persistence (modernc.org/sqlite, pure Go):
// numbered embedded migrations, the FTS5 search index, transactions, and the
// mapping between SQL rows and the catalog and sessions domain values. It is
// the only package that knows SQL.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/koers-project/koers/sessions"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Sentinel errors callers check with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	// ErrInsufficient is the ledger rule's sentinel (one for every layer).
	ErrInsufficient = sessions.ErrInsufficient
	ErrNotSQLite    = errors.New("not a koers database (not an SQLite file)")
	ErrNewerSchema  = errors.New("database was written by a newer koers")
	ErrReadOnlyRow  = errors.New("append-only record cannot be changed")
)

// Options configure a store.
type Options struct {
	// Actor is who acts (the counsellor); it is stamped on every change.
	Actor string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TargetVersion stops migrations at that version (tests of upgrades); 0 means latest.
	TargetVersion int
	// ReadOnly opens the file without migrating or writing.
	ReadOnly bool
}

// Store is an open koers database.
type Store struct {
	db    *sql.DB
	path  string
	actor string
	now   func() time.Time
	reg   *register // register search state (search_index.go)
	keys  *keyring  // encryption at rest (vault.go), shared with views
	view  bool      // made by As: Close leaves the shared database open
	// stageEvery and stagePause are the store's own tests' hold on an
	// import (import_stage.go): batch length (0: stageBatch) and a call
	// after each batch commits.
	stageEvery time.Duration
	stagePause func()
	// session and centre are stamped on audit rows: the server session the
	// actor works in and the centre they act from (Acting).
	session, centre string
}

func migrations() ([]Migration, error) { return ReadMigrations(migrationFS, "migrations") }

// goSteps are the migrations that also need Go (data SQL cannot compute),
// by name without number, so that renumbering a migration keeps its step.
// A step runs in the migration's transaction, after its SQL.
var goSteps = map[string]func(context.Context, *sql.Tx) error{
	"offer_title_index": backfillTitles,
}

// migrationKey is a migration file's name without its number and ".sql".
func migrationKey(name string) string {
	_, rest, _ := strings.Cut(name, "_")
	return strings.TrimSuffix(rest, ".sql")
}

// LatestVersion is the schema version this build writes.
func LatestVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return LatestOf(ms)
}

// DSN is the modernc connection string for path: WAL, an explicit busy
// timeout (the driver's default is 0), foreign keys, full fsync (the ledger
// and notes must survive a crash), immediate write transactions. The page
// cache is 8 MB a connection: at 1M offers 16 MB cost the TUI 24 MB more
// peak RSS (212 against 188 MB) for about 1 ms of keystroke p95 (42.4
// against 43.6 ms, single runs, within noise), and 4 MB made the p95 half
// as slow again (62 ms).
func DSN(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(15000)", "foreign_keys(1)", "synchronous(FULL)", "temp_store(MEMORY)", "cache_size(-8000)"} {
		q.Add("_pragma", p)
	}
	if !readOnly {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Set("mode", "ro")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and migrates it to
// the latest schema. A file that is not SQLite or that a newer koers wrote is
// refused and left untouched.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	if !opt.ReadOnly {
		if err := prepareFiles(path); err != nil {
			return nil, err
		}
	}
	// Each store has its own driver so that the register's SQL functions
	// can reach this store's in-memory search state (search_index.go).
	reg := newRegister()
	drv := &sqlite.Driver{}
	if err := reg.sqlFuncs(drv); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Two processes opening a brand-new file at once race to create it and
	// switch it to WAL; SQLite answers the loser SQLITE_BUSY without waiting,
	// so the loser retries for a while.
	var s *Store
	var err error
	for attempt := 0; ; attempt++ {
		s, err = open(ctx, path, opt, reg, drv)
		if err == nil || !isBusy(err) || attempt >= 50 || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(20+attempt*10) * time.Millisecond)
	}
	return s, err
}

func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func open(ctx context.Context, path string, opt Options, reg *register, drv *sqlite.Driver) (*Store, error) {
	if !opt.ReadOnly {
		if err := createFile(ctx, path, drv); err != nil {
			return nil, err
		}
	}
	db := sql.OpenDB(connector{dsn: DSN(path, opt.ReadOnly), drv: drv})
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, path: path, actor: opt.Actor, now: opt.Now, reg: reg, keys: &keyring{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.actor == "" {
		s.actor = "unknown"
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, mapErr(err))
	}
	if err := s.migrate(ctx, opt.TargetVersion, opt.ReadOnly); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := s.loadKeyring(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !opt.ReadOnly {
		if err := tightenFiles(path); err != nil { // the -wal and -shm files exist now
			db.Close()
			return nil, err
		}
	}
	if !opt.ReadOnly && (opt.TargetVersion == 0 || opt.TargetVersion >= eraseMarkerVersion) {
		if err := s.resumeErasures(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}
	return s, nil
}

// filePageSize is the page size of new database files: 8 KB pages hold
// offer rows (~1.1 KB) with a fifth less slack than 4 KB pages (measured:
// 1.37 GB of offer rows at 1M offers with 4 KB pages).
const filePageSize = 8192

// createFile gives a new (absent or empty) file its page size before WAL
// mode fixes it: the DSN's pragmas run in lexicographic order, so
// journal_mode would come before page_size.
func createFile(ctx context.Context, path string, drv *sqlite.Driver) error {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return nil
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + fmt.Sprintf("?_pragma=busy_timeout(15000)&_pragma=page_size(%d)", filePageSize)
	db := sql.OpenDB(connector{dsn: dsn, drv: drv})
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS koers_new (x); DROP TABLE IF EXISTS koers_new"); err != nil {
		return fmt.Errorf("create %s: %w", path, mapErr(err))
	}
	return nil
}

// connector opens connections of one store's driver.
type connector struct {
	dsn string
	drv *sqlite.Driver
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.drv.Open(c.dsn)
}

func (c connector) Driver() driver.Driver { return c.drv }

// checkFile refuses an existing non-empty file that is not SQLite, before
// the driver may touch it.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if st.IsDir() {
		return fmt.Errorf("open %s: is a folder, not a database file", path)
	}
	if st.Size() == 0 {
		return nil
	}
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("open %s: %w", path, ErrNotSQLite)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context, target int, readOnly bool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var cur int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return mapErr(err)
	}
	todo, err := PendingMigrations(ms, cur, target)
	if err != nil || readOnly {
		return err
	}
	for _, m := range todo {
		err := s.Tx(ctx, func(tx *sql.Tx) error {
			// Read the version again under the write lock: another process
			// opening the same new file may have applied this migration.
			var now int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&now); err != nil {
				return err
			}
			if now >= m.Version {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if step := goSteps[migrationKey(m.Name)]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("migration %s: %w", m.Name, err)
				}
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Version is the schema version of the open database.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, mapErr(err)
}

// Close stops a background index load, then closes the database,
// checkpointing the WAL.
func (s *Store) Close() error {
	if s.view {
		return nil
	}
	s.reg.stopBackground()
	s.checkpoint()
	return s.db.Close()
}

// checkpoint copies the WAL into the database file and empties it, if
// that can be done at once: never waiting for another process's write lock
// or its readers (busy_timeout 0), and not at all while an import runs.
// A TRUNCATE checkpoint holds the write lock while it copies and then
// waits for every reader: with the busy timeout of 15 s, every command
// that closed beside an import waited 15 s for the lock here (issue 14
// item 5). What is left is copied by a later checkpoint (SQLite's own,
// every 1,000 pages, copies without the write lock).
func (s *Store) checkpoint() {
	ctx := context.Background()
	if importHeld(s.path) {
		_, _ = s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		return
	}
	c, err := s.db.Conn(ctx)
	if err != nil {
		return
	}
	defer c.Close()
	_, _ = c.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
	if _, err := c.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err == nil {
		_, _ = c.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Actor is who acts on this store.
func (s *Store) Actor() string { return s.actor }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// DB exposes the handle for the store's own tests and benchmarks.
func (s *Store) DB() *sql.DB { return s.db }

// NewID is a new UUIDv7 text id.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Tx runs fn in one immediate transaction, committing if fn returns nil and
// rolling back otherwise. Read-then-write work goes through here.
//
// Beginning waits for the write lock up to the busy timeout (15 s: an
// import's batches hold it for a fraction of a second each), and tries
// twice more if it still gets SQLITE_BUSY, so that "database is locked"
// does not reach a person for a short write.
func (s *Store) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	defer s.writeTurn(ctx)() // (import_turns.go)
	tx, err := s.db.BeginTx(ctx, nil)
	for attempt := 0; err != nil && isBusy(err) && attempt < 2 && ctx.Err() == nil; attempt++ {
		tx, err = s.db.BeginTx(ctx, nil)
	}
	if err != nil {
		return mapErr(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

// stamp is the time written in created/updated columns (RFC 3339, UTC, ms).
func (s *Store) stamp() string {
	return s.now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// mapErr turns driver errors into the package's sentinels.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w", ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%w: %v", ErrNotSQLite, err)
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", ErrConflict, err)
		}
		msg := se.Error()
		switch {
		case strings.Contains(msg, "append-only"):
			return fmt.Errorf("%w: %v", ErrReadOnlyRow, err)
		case strings.Contains(msg, "insufficient"):
			return fmt.Errorf("%w: %v", ErrInsufficient, err)
		}
	}
	return err
}
