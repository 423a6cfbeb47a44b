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

type doctorOut struct {
	DB     string           `json:"db"`
	Engine string           `json:"engine"`
	OK     bool             `json:"ok"`
	Checks []postgres.Check `json:"checks"`
}

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
			out := doctor(cmd.Context(), a)
			failed := 0
			for _, c := range out.Checks {
				if !c.OK {
					failed++
				}
			}
			out.OK = failed == 0
			tr := a.tr()
			if asJSON {
				if err := printJSON(a.stdout, out); err != nil {
					return err
				}
			} else {
				for _, c := range out.Checks {
					mark := tr.T("db.doctor.ok")
					if !c.OK {
						mark = tr.T("db.doctor.problem")
					}
					fmt.Fprintf(a.stdout, "%-8s %-12s %s\n", mark, c.Name, c.Detail)
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

func doctor(ctx context.Context, a *invocation) doctorOut {
	out := doctorOut{DB: dbName(a.dbPath)}
	if isPostgresURL(a.dbPath) {
		out.Engine, out.Checks = "postgres", postgres.Doctor(ctx, a.dbPath, a.now)
		return out
	}
	out.Engine = "sqlite"
	if _, err := os.Stat(a.dbPath); err != nil {
		out.Checks = []postgres.Check{{Name: "connection", Detail: err.Error()}}
		return out
	}
	st, err := store.Open(ctx, a.dbPath, store.Options{ReadOnly: true})
	if err != nil {
		out.Checks = []postgres.Check{{Name: "connection", Detail: err.Error()}}
		return out
	}
	defer st.Close()
	out.Checks = append(out.Checks, postgres.Check{Name: "connection", OK: true, Detail: a.dbPath})
	v, err := st.Version(ctx)
	c := postgres.Check{Name: "schema", OK: err == nil && v == store.LatestVersion()}
	if err != nil {
		c.Detail = err.Error()
	} else {
		c.Detail = a.tr().T("db.sqlite.version", "Path", a.dbPath, "Version", v, "Latest", store.LatestVersion())
	}
	out.Checks = append(out.Checks, c)
	return out
}
