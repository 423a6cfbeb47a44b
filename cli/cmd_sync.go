package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// newSyncCmd is `koers sync`: a laptop's offline copy of people checked
// out from the centre's PostgreSQL (issue 17; README, "Off the network and back").
func newSyncCmd(a *invocation) *cobra.Command {
	var from string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sync [--from URL] [--json]",
		Short: "Push what changed offline on this laptop and pull what changed on the server",
		Long: "On a laptop's --db (an SQLite file holding a checkout): every change made offline is sent once, by its id;\n" +
			"proposed ledger entries are applied under the server's rules (one that would overdraw is refused and shown);\n" +
			"a profile edited on both sides is a conflict kept with both versions (koers sync resolve). Then the files of the\n" +
			"checked-out people that changed on the server are brought over. --from defaults to the checkout's server (its\n" +
			"password from PGPASSWORD or ~/.pgpass: the laptop keeps none).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withLaptop(cmd, a, func(st *app.App) error {
				rep, err := st.Sync(cmd.Context(), from)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, rep)
				}
				printSyncReport(a, rep)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the server (postgres://…; default: the checkout's)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(newSyncCheckoutCmd(a), newSyncStatusCmd(a), newSyncResolveCmd(a), newSyncCheckinCmd(a))
	return cmd
}

// withLaptop runs fn on the laptop's database, which must be an SQLite file.
func withLaptop(cmd *cobra.Command, a *invocation, fn func(st *app.App) error) error {
	if app.IsPostgres(a.dbPath) {
		return usageErr("%s", a.tr().T("sync.not-laptop"))
	}
	return withStore(cmd.Context(), a, fn)
}

func newSyncCheckoutCmd(a *invocation) *cobra.Command {
	var (
		from     string
		people   []string
		caseload bool
		day      string
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "checkout --from URL (--person ID... | --caseload | --appointments DATE) [--json]",
		Short: "Copy people's files (profile, consents, balances, sessions, plans, credentials) and the register to this laptop",
		Long: "Copies the files of the people named (--person, repeatable) or of your caseload (--caseload: the people whose\n" +
			"counsellor is --counsellor) or of your appointments on a day (--appointments YYYY-MM-DD: a next appointment that\n" +
			"day, set by you or for a person on your caseload) from the server into --db, with the register index, and records\n" +
			"the checkout on the server's audit log. Balances on the laptop are as of the checkout; spending offline is\n" +
			"proposed, not final.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return usageErr("%s", a.tr().T("sync.from"))
			}
			sel := app.SyncSelection{People: people, Caseload: caseload}
			if day != "" {
				d, err := catalog.ParseDate(day)
				if err != nil {
					return usageErr("--appointments: %v", err)
				}
				sel.Appointments = d
			}
			return withLaptop(cmd, a, func(st *app.App) error {
				out, err := st.SyncCheckout(cmd.Context(), from, sel)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, out)
				}
				tr := a.tr()
				fmt.Fprintln(a.stdout, tr.T("sync.checkout.done", "N", len(out.People), "DB", present.Terminal(out.Server), "At", stamp(a, out.CheckedOutAt)))
				printSyncStatus(a, out)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the server (postgres://…)")
	cmd.Flags().StringSliceVar(&people, "person", nil, "a person's id (repeatable)")
	cmd.Flags().BoolVar(&caseload, "caseload", false, "every person on your caseload")
	cmd.Flags().StringVar(&day, "appointments", "", "the people you see that day (YYYY-MM-DD)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newSyncStatusCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--json]",
		Short: "Say what this laptop holds: checked out when, synced when, changes waiting, conflicts, refused entries",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withLaptop(cmd, a, func(st *app.App) error {
				out, err := st.SyncStatus(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, out)
				}
				printSyncStatus(a, out)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newSyncResolveCmd(a *invocation) *cobra.Command {
	var keep string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "resolve CONFLICT-ID --keep mine|theirs [--json]",
		Short: "Choose between the laptop's and the server's version of a record edited on both (audited)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withLaptop(cmd, a, func(st *app.App) error {
				c, err := st.SyncResolve(cmd.Context(), args[0], keep)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, c)
				}
				fmt.Fprintln(a.stdout, a.tr().T("sync.resolve.done", "ID", c.ID, "Choice", a.tr().T("sync.keep."+c.Resolved)))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&keep, "keep", "", "mine (the laptop's version) or theirs (the server's)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newSyncCheckinCmd(a *invocation) *cobra.Command {
	var from string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "checkin [--from URL] [--json]",
		Short: "Sync, verify the server holds every change, and remove the checked-out people from this laptop",
		Long: "Pushes and pulls as koers sync, refuses while a conflict is open or a change is not on the server, then erases\n" +
			"the checked-out people from --db as koers people erase does (nothing of them is left in the file, its -wal or\n" +
			"-shm), keeping the register.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withLaptop(cmd, a, func(st *app.App) error {
				rep, err := st.SyncCheckin(cmd.Context(), from)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, rep)
				}
				printSyncReport(a, rep)
				fmt.Fprintln(a.stdout, a.tr().T("sync.checkin.done"))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the server (postgres://…; default: the checkout's)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func stamp(a *invocation, t *time.Time) string {
	if t == nil || t.IsZero() {
		return a.tr().T("sync.never")
	}
	return t.Local().Format("2006-01-02 15:04")
}

func printSyncReport(a *invocation, rep app.SyncReport) {
	fmt.Fprintln(a.stdout, a.tr().T("sync.done", "Applied", rep.Applied, "Refused", rep.Refused, "Conflicts", rep.Conflicts, "Pulled", rep.Pulled))
	if rep.Status.CheckedOut {
		printSyncStatus(a, rep.Status)
	}
}

func printSyncStatus(a *invocation, st app.SyncStatus) {
	tr := a.tr()
	if !st.CheckedOut {
		fmt.Fprintln(a.stdout, tr.T("sync.none"))
		return
	}
	fmt.Fprintln(a.stdout, tr.T("sync.status.head", "DB", present.Terminal(st.Server), "At", stamp(a, st.CheckedOutAt), "Synced", stamp(a, st.SyncedAt),
		"Waiting", st.Waiting, "Conflicts", st.Conflicts, "Refused", st.Refused))
	for _, p := range st.People {
		fmt.Fprintln(a.stdout, "  "+tr.T("sync.status.person", "Name", present.Terminal(p.Name), "ID", p.ID, "Waiting", p.Waiting, "Conflicts", p.Conflicts, "Refused", p.Refusals))
	}
	for _, r := range st.RefusalList {
		amount := fmt.Sprint(r.Amount)
		if a.pr != nil {
			amount = a.pr.Amount(r.Scheme, r.Amount)
		}
		fmt.Fprintln(a.stdout, "  "+tr.T("sync.status.refusal", "Kind", present.Terminal(r.Kind), "Scheme", present.Terminal(r.Scheme), "Amount", amount,
			"Person", r.PersonID, "Reason", present.Terminal(r.Reason)))
	}
	for _, c := range st.ConflictList {
		fmt.Fprintln(a.stdout, "  "+tr.T("sync.status.conflict", "ID", c.ID, "Table", present.Terminal(c.Table), "Person", c.PersonID, "Base", c.BaseVersion, "Server", c.ServerVersion))
	}
}
