package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
)

// newRegisterCmd is `koers register`: the local index of a PostgreSQL
// database's register (issue 16).
func newRegisterCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register",
		Short: "The local index of a PostgreSQL database's register",
		Args:  cobra.NoArgs,
	}
	var asJSON bool
	sync := &cobra.Command{
		Use:   "sync [--json]",
		Short: "Bring the local register index up to date from PostgreSQL (changed and withdrawn offers only)",
		Long: "With --db postgres://…, the register's source of truth is in PostgreSQL and every koers searches a local\n" +
			"SQLite index of it (--register-cache, default under $XDG_CACHE_HOME/koers). This brings over what changed\n" +
			"since the generation the index holds, in one transaction; the TUI does the same in the background.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !app.IsPostgres(a.dbPath) {
				return usageErr("%s", a.tr().T("register.sync.sqlite"))
			}
			return withStore(cmd.Context(), a, func(st *app.App) error {
				last := a.now()
				out, err := st.SyncRegister(cmd.Context(), func(p app.SyncProgress) {
					// every 2 s on stderr: a long first sync shows it is alive
					if now := a.now(); now.Sub(last) >= 2*time.Second && !asJSON {
						last = now
						fmt.Fprintln(a.stderr, a.tr().T("register.sync.progress", "Done", p.Done, "Total", p.Total))
					}
				})
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, out)
				}
				tr := a.tr()
				if out.UpToDate {
					fmt.Fprintln(a.stdout, tr.T("register.sync.current", "Generation", out.Generation, "Active", out.Active))
				} else {
					fmt.Fprintln(a.stdout, tr.T("register.sync.done", "Generation", out.Generation, "Changed", out.Changed, "Withdrawn", out.Withdrawn, "Active", out.Active))
				}
				return nil
			})
		},
	}
	sync.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(sync)
	return cmd
}
