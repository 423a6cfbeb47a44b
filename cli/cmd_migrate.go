package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/postgres"
)

// isPostgresURL reports whether --db names a PostgreSQL database
// (postgres:// or postgresql://) rather than an SQLite file.
func isPostgresURL(db string) bool { return postgres.IsURL(db) }

// postgresNotYet is the refusal of a command that does not run on
// PostgreSQL yet (only migrate and doctor do); it keeps such a URL from
// being taken for a file path.
func postgresNotYet(a *invocation) error {
	return &exitError{code: exitUsage, err: errors.New(a.tr().T("db.postgres.only", "DB", postgres.Redact(a.dbPath)))}
}

// dbName is --db as it may be printed: a URL without its password.
func dbName(db string) string {
	if isPostgresURL(db) {
		return postgres.Redact(db)
	}
	return db
}

type migrateOut struct {
	DB      string `json:"db"`
	Engine  string `json:"engine"`
	From    int    `json:"from"`
	Version int    `json:"version"`
	Latest  int    `json:"latest"`
}

func newMigrateCmd(a *invocation) *cobra.Command {
	var (
		asJSON bool
		to     int
	)
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the database schema (an SQLite file or a postgres:// URL)",
		Long: "Create or upgrade the schema of --db to this koers's version, step by step; nothing else is written.\n" +
			"On PostgreSQL, run it as the role that owns the schema (README, PostgreSQL); several processes may run it at once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to < 0 {
				return usageErr("--to: %d is not a schema version", to)
			}
			out, err := migrate(cmd.Context(), a, to)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, out)
			}
			tr := a.tr()
			if out.From == out.Version {
				fmt.Fprintln(a.stdout, tr.T("db.migrate.current", "DB", out.DB, "Version", out.Version))
			} else {
				fmt.Fprintln(a.stdout, tr.T("db.migrate.done", "DB", out.DB, "Version", out.Version, "From", out.From))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&to, "to", 0, "stop at this schema version (0: the latest)")
	return cmd
}

func migrate(ctx context.Context, a *invocation, to int) (migrateOut, error) {
	out := migrateOut{DB: dbName(a.dbPath)}
	opt := store.Options{Actor: a.counsellor, Now: a.now, TargetVersion: to}
	if isPostgresURL(a.dbPath) {
		out.Engine, out.Latest = "postgres", postgres.LatestVersion()
		st, err := postgres.Open(ctx, a.dbPath, store.Options{Actor: a.counsellor, Now: a.now, ReadOnly: true})
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
	if _, err := os.Stat(a.dbPath); err == nil {
		ro, err := store.Open(ctx, a.dbPath, store.Options{ReadOnly: true})
		if err != nil {
			return out, err
		}
		out.From, err = ro.Version(ctx)
		ro.Close()
		if err != nil {
			return out, err
		}
	}
	st, err := store.Open(ctx, a.dbPath, opt)
	if err != nil {
		return out, err
	}
	defer st.Close()
	out.Version, err = st.Version(ctx)
	return out, err
}
