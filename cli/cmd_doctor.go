package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
)

func newDoctorCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the database: connection, schema version, privileges, clock skew",
		Long: "Check what koers needs of --db without changing it. On PostgreSQL: the connection, the schema version,\n" +
			"that the role is not a superuser and holds the privileges koers uses, that the append-only triggers are\n" +
			"enabled, and the clock skew between this machine and the server. Exits 1 when a check finds a problem.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h := app.Doctor(cmd.Context(), a.dbPath, a.now)
			tr := a.tr()
			if asJSON {
				if err := printJSON(a.stdout, h); err != nil {
					return err
				}
			} else {
				for _, c := range h.Checks {
					mark := tr.T("db.doctor.ok")
					if !c.OK {
						mark = tr.T("db.doctor.problem")
					}
					fmt.Fprintf(a.stdout, "%-8s %-12s %s\n", mark, c.Name, c.Detail)
				}
			}
			failed := 0
			for _, c := range h.Checks {
				if !c.OK {
					failed++
				}
			}
			if failed > 0 {
				return &exitError{code: exitFailure, err: errors.New(tr.T("db.doctor.failed", "N", failed))}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
