package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
)

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
			out, err := app.Migrate(cmd.Context(), a.dbPath, to, app.Options{Actor: a.counsellor, Now: a.now})
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
