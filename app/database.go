package app

import (
	"context"
	"errors"
	"os"
	"strconv"
	"time"

	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/postgres"
)

// ErrPostgresNotYet refuses a use-case that does not run on PostgreSQL
// yet: there, only Migrate and Doctor do for now.
var ErrPostgresNotYet = errors.New("on PostgreSQL only migrate and doctor run for now")

// IsPostgres reports whether db (--db, KOERS_DB) names a PostgreSQL
// database (postgres:// or postgresql://) rather than an SQLite file.
func IsPostgres(db string) bool { return postgres.IsURL(db) }

// DisplayDB is db as it may be shown: a URL without its password.
func DisplayDB(db string) string {
	if IsPostgres(db) {
		return postgres.Redact(db)
	}
	return db
}

// postgresNotYet is the refusal Open gives a PostgreSQL URL, so that no
// face takes it for a file name.
func postgresNotYet(db string) error {
	return invalid("db", "db.postgres.only", ErrPostgresNotYet, "DB", DisplayDB(db))
}

// Migration is what Migrate did.
type Migration struct {
	DB      string `json:"db"`
	Engine  string `json:"engine"` // sqlite or postgres
	From    int    `json:"from"`
	Version int    `json:"version"`
	Latest  int    `json:"latest"`
}

// Migrate creates or upgrades the schema of db (an SQLite file or a
// PostgreSQL URL) up to version to (0: the latest), writing nothing else.
func Migrate(ctx context.Context, db string, to int, opt Options) (Migration, error) {
	out := Migration{DB: DisplayDB(db)}
	if IsPostgres(db) {
		out.Engine, out.Latest = "postgres", postgres.LatestVersion()
		st, err := postgres.Open(ctx, db, store.Options{Actor: opt.Actor, Now: opt.Now, ReadOnly: true})
		if err != nil {
			return out, err
		}
		defer st.Close()
		if out.From, err = st.Version(ctx); err != nil {
			return out, err
		}
		if err := st.Migrate(ctx, to); err != nil {
			return out, err
		}
		out.Version, err = st.Version(ctx)
		return out, err
	}
	out.Engine, out.Latest = "sqlite", store.LatestVersion()
	if _, err := os.Stat(db); err == nil {
		ro, err := store.Open(ctx, db, store.Options{ReadOnly: true})
		if err != nil {
			return out, err
		}
		out.From, err = ro.Version(ctx)
		ro.Close()
		if err != nil {
			return out, err
		}
	}
	st, err := store.Open(ctx, db, store.Options{Actor: opt.Actor, Now: opt.Now, TargetVersion: to})
	if err != nil {
		return out, err
	}
	defer st.Close()
	out.Version, err = st.Version(ctx)
	return out, err
}

// Check is one finding of Doctor.
type Check = postgres.Check

// Health is what Doctor found.
type Health struct {
	DB     string  `json:"db"`
	Engine string  `json:"engine"`
	OK     bool    `json:"ok"`
	Checks []Check `json:"checks"`
}

// Doctor checks db without changing it. On PostgreSQL: connection, schema
// version, not a superuser, privileges, append-only triggers, clock skew
// (postgres.Doctor); on SQLite: the file opens and its schema version.
func Doctor(ctx context.Context, db string, now func() time.Time) Health {
	h := Health{DB: DisplayDB(db)}
	if now == nil {
		now = time.Now
	}
	if IsPostgres(db) {
		h.Engine, h.Checks = "postgres", postgres.Doctor(ctx, db, now)
	} else {
		h.Engine, h.Checks = "sqlite", sqliteDoctor(ctx, db)
	}
	h.OK = true
	for _, c := range h.Checks {
		h.OK = h.OK && c.OK
	}
	return h
}

func sqliteDoctor(ctx context.Context, db string) []Check {
	if _, err := os.Stat(db); err != nil {
		return []Check{{Name: "connection", Detail: err.Error()}}
	}
	st, err := store.Open(ctx, db, store.Options{ReadOnly: true})
	if err != nil {
		return []Check{{Name: "connection", Detail: err.Error()}}
	}
	defer st.Close()
	out := []Check{{Name: "connection", OK: true, Detail: "SQLite file " + db}}
	v, err := st.Version(ctx)
	c := Check{Name: "schema", OK: err == nil && v == store.LatestVersion()}
	switch {
	case err != nil:
		c.Detail = err.Error()
	case c.OK:
		c.Detail = versionText(v, "as this koers writes")
	default:
		c.Detail = versionText(v, "this koers writes "+strconv.Itoa(store.LatestVersion())+": run koers migrate")
	}
	out = append(out, c)
	// Encryption at rest is a fact to know, not a fault: a file in clear
	// may be the demo database.
	enc := Check{Name: "encryption", OK: true, Detail: "personal data in clear (koers key init encrypts it)"}
	if st.Encrypted() {
		enc.Detail = "personal data encrypted (unlock with KOERS_PASSPHRASE, --key-file or the prompt)"
	}
	return append(out, enc)
}

func versionText(v int, rest string) string { return "version " + strconv.Itoa(v) + ", " + rest }
