// Package postgres is koers's PostgreSQL store for the people side: people,
// consents, learning accounts and their ledger, guidance sessions and
// drafts, plans, earned credentials and the audit log. It offers the same
// methods, with the same signatures, sentinel errors (store.ErrNotFound,
// store.ErrInsufficient, …) and semantics as the people side of
// *store.Store, so callers can hold either behind one interface; the suite
// in store/storetest runs against both. The register and its search index
// stay in each process's local SQLite.
//
// It talks to PostgreSQL through pgx's own pool (pgxpool), not
// database/sql: the SQL differs from SQLite's anyway, so database/sql's
// common interface would buy nothing, while pgx gives typed errors with
// SQLSTATE codes (what the retry and the sentinels are decided on),
// native uuid, date, timestamptz and jsonb, and no extra layer per call.
//
// The rules are PostgreSQL's to enforce as well as Go's: triggers keep the
// ledger, notes and audit log append-only and the running totals true,
// CHECK constraints keep every account at or above zero, a row lock on the
// account serialises the posts to it, and idempotency keys are unique per
// account. A unit of work retries, transparently, on serialization
// failures, deadlocks and a lost connection; a connection lost during
// COMMIT is resolved by asking the server what became of the transaction.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/koers-project/koers/store"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrUnknownOutcome is returned when the connection was lost during COMMIT
// and the server could not tell, within the retry time, whether the
// transaction committed.
var ErrUnknownOutcome = errors.New("the database connection was lost while committing; the outcome is unknown")

// IsURL reports whether db names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than an SQLite file.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Store is an open PostgreSQL koers database.
type Store struct {
	pool  *pgxpool.Pool
	actor string
	now   func() time.Time
	// retryFor bounds how long a unit of work keeps retrying (a server
	// restart takes a few seconds).
	retryFor time.Duration
	// session and centre are stamped on audit rows (Acting); view marks a
	// copy made by Acting, whose Close leaves the shared pool open.
	session, centre string
	view            bool
	// keys is the state of encryption at rest (vault.go), shared by views.
	keys *store.Keyring
	// display is the database's URL without its password, for messages.
	display string
}

// querier is what both the pool and a transaction offer, so reads compose
// inside a unit of work.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// defaultMaxConns is the pool size when the URL does not set
// pool_max_conns: a centre's koers serve runs tens of sessions, and 20
// concurrent writers on one account must each get a connection.
const defaultMaxConns = 24

// Open connects to the database at url (postgres://…) and, unless
// opt.ReadOnly, migrates it to the latest schema under an advisory lock
// (several processes may start at once). A database a newer koers wrote is
// refused with store.ErrNewerSchema.
func Open(ctx context.Context, dbURL string, opt store.Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redact(dbURL), err)
	}
	if u, err := url.Parse(dbURL); err == nil && !u.Query().Has("pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", Redact(dbURL), err)
	}
	s := &Store{pool: pool, actor: opt.Actor, now: opt.Now, retryFor: 30 * time.Second, display: Redact(dbURL)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.actor == "" {
		s.actor = "unknown"
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", Redact(dbURL), err)
	}
	if err := s.migrate(ctx, opt.TargetVersion, opt.ReadOnly); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", Redact(dbURL), err)
	}
	if err := s.loadKeyring(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open %s: %w", Redact(dbURL), err)
	}
	return s, nil
}

// Redact is the URL without its password, for messages.
func Redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Close closes every connection of the pool (a view made by As leaves
// the pool to its parent).
func (s *Store) Close() error {
	if s.view {
		return nil
	}
	s.pool.Close()
	return nil
}

// As is the same database acting as actor: koers serve opens PostgreSQL
// once and gives each SSH session a view stamped with its account.
func (s *Store) As(actor string) *Store {
	v := *s
	v.actor, v.view = actor, true
	return &v
}

// Actor is who acts on this store.
func (s *Store) Actor() string { return s.actor }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Pool exposes the connection pool for the package's own tests, doctor and benchmarks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// stamp is the time written in created/updated columns: UTC, to the
// millisecond, as SQLite's store writes it, so both engines give back
// equal times.
func (s *Store) stamp() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

func migrations() ([]store.Migration, error) { return store.ReadMigrations(migrationFS, "migrations") }

// MigrationNames lists the embedded migrations in order (the tests compare
// them with SQLite's).
func MigrationNames() []string {
	ms, _ := migrations()
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// LatestVersion is the schema version this build writes.
func LatestVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return store.LatestOf(ms)
}

const schemaTable = `CREATE TABLE IF NOT EXISTS koers_schema (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now(),
	applied_by text NOT NULL DEFAULT current_user
)`

// migrateLock is the advisory lock key migrations hold ("koers" in ASCII).
const migrateLock = 0x6b6f657273

// Migrate applies the migrations up to target (0: the latest), each in its
// own transaction under an advisory lock.
func (s *Store) Migrate(ctx context.Context, target int) error {
	if err := s.migrate(ctx, target, false); err != nil {
		return err
	}
	return s.loadKeyring(ctx)
}

func (s *Store) migrate(ctx context.Context, target int, readOnly bool) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	cur, err := s.Version(ctx)
	if err != nil {
		return err
	}
	todo, err := store.PendingMigrations(ms, cur, target)
	if err != nil || readOnly {
		return err
	}
	for _, m := range todo {
		err := s.tx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, schemaTable); err != nil {
				return err
			}
			// Read the version again under the lock: another process may
			// have applied this migration meanwhile.
			var now int
			if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM koers_schema`).Scan(&now); err != nil {
				return err
			}
			if now >= m.Version {
				return nil
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO koers_schema (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Version is the schema version of the database (0 for an empty one).
func (s *Store) Version(ctx context.Context) (int, error) {
	var present bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('koers_schema') IS NOT NULL`).Scan(&present); err != nil || !present {
		return 0, mapErr(err)
	}
	var v int
	err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM koers_schema`).Scan(&v)
	return v, mapErr(err)
}

// NewID is a new UUIDv7 id, as store.NewID.
func NewID() string { return store.NewID() }

// isID reports whether s can be an id here (ids are uuid columns): an id
// of another shape names nothing, and is answered as SQLite would, never
// sent to the server as a malformed uuid.
func isID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil
}

func personNotFound(id string) error {
	return fmt.Errorf("person %s: %w", id, store.ErrNotFound)
}

// mapErr turns server errors into the store's sentinels.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrInsufficient) || errors.Is(err, store.ErrReadOnlyRow) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w", store.ErrNotFound)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return fmt.Errorf("%w: %v", store.ErrConflict, err)
		case pe.Code == "KO001":
			return fmt.Errorf("%w: %v", store.ErrReadOnlyRow, err)
		case pe.Code == "KO002", pe.Code == "23514" && strings.HasPrefix(pe.ConstraintName, "insufficient_"):
			return fmt.Errorf("%w: %v", store.ErrInsufficient, err)
		}
	}
	return err
}
