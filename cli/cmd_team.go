package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// newPersonTransferCmd hands a person to another responsible counsellor.
func newPersonTransferCmd(a *invocation) *cobra.Command {
	var to string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "transfer ID --to NAME",
		Short: "Make another counsellor responsible for a person (their caseload); audited",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(to) == "" {
				return usageErr("--to: %s", a.tr().T("people.err.required"))
			}
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				p, err := st.TransferPerson(cmd.Context(), args[0], to)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, map[string]string{"id": p.ID, "counsellor": p.Counsellor, "centre": p.Centre})
				}
				fmt.Fprintln(a.stdout, a.tr().T("team.transferred", "ID", p.ID, "To", p.Counsellor))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "account name of the new responsible counsellor")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the person's id, counsellor and centre as JSON")
	return cmd
}

// newPersonMoveCmd moves a person's file to another centre.
func newPersonMoveCmd(a *invocation) *cobra.Command {
	var centre string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "move ID --centre CODE",
		Short: "Move a person's file to another centre (it follows the person); audited",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(centre) == "" {
				return usageErr("--centre: %s", a.tr().T("people.err.required"))
			}
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				p, err := st.MovePerson(cmd.Context(), args[0], centre)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, map[string]string{"id": p.ID, "counsellor": p.Counsellor, "centre": p.Centre})
				}
				fmt.Fprintln(a.stdout, a.tr().T("team.moved", "ID", p.ID, "Centre", p.Centre))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&centre, "centre", "", "code of the centre (koers centre list)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the person's id, counsellor and centre as JSON")
	return cmd
}

func newCentreCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "centre",
		Short: "Centres: people, accounts and audit rows belong to one; each sets its approval thresholds",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCentreAddCmd(a), newCentreListCmd(a), newCentreSetCmd(a))
	return cmd
}

func newCentreAddCmd(a *invocation) *cobra.Command {
	var name string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add CODE [--name NAME]",
		Short: "Add a centre (CODE: letters, digits, '.', '-', '_')",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				c, err := st.AddCentre(cmd.Context(), sessions.Centre{Code: args[0], Name: strings.TrimSpace(name)})
				if errors.Is(err, app.ErrConflict) {
					return usageErr("CODE: centre %s exists already", args[0])
				}
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, c)
				}
				fmt.Fprintln(a.stdout, a.tr().T("team.centre_added", "Code", c.Code))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the centre's name")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the centre as JSON")
	return cmd
}

func newCentreListCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Every centre with its approval thresholds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				list, err := st.Centres(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, list)
				}
				schemes, err := st.Schemes(cmd.Context())
				if err != nil {
					return err
				}
				for _, c := range list {
					var th []string
					for _, sc := range schemes {
						if v, ok := c.Thresholds[sc.Code]; ok {
							th = append(th, sc.Code+"="+a.printer().UnitAmount(sc.Unit, v))
						}
					}
					fmt.Fprintf(a.stdout, "%s\t%s\t%s\n", c.Code, c.Name, strings.Join(th, " "))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print an array of centres as JSON")
	return cmd
}

func newCentreSetCmd(a *invocation) *cobra.Command {
	var thresholds []string
	cmd := &cobra.Command{
		Use:   "set CODE --approval-threshold SCHEME=AMOUNT...",
		Short: "Set the amount above which a counsellor's top-up or correction waits for a supervisor",
		Long: "set CODE --approval-threshold ila=500.00 makes a counsellor's top-up or correction above 500.00 in\n" +
			"scheme ila, for a person of centre CODE, wait for a supervisor's approval (koers ledger approve).\n" +
			"AMOUNT is in the scheme's unit; repeat the flag for several schemes.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(thresholds) == 0 {
				return usageErr("--approval-threshold: %s", a.tr().T("team.err.threshold"))
			}
			type pair struct{ scheme, amount string }
			var pairs []pair
			for _, t := range thresholds {
				s, v, ok := strings.Cut(t, "=")
				if !ok || strings.TrimSpace(s) == "" || strings.TrimSpace(v) == "" {
					return usageErr("--approval-threshold %q: %s", t, a.tr().T("team.err.threshold"))
				}
				pairs = append(pairs, pair{strings.TrimSpace(s), strings.TrimSpace(v)})
			}
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				for _, p := range pairs {
					sc, v, err := st.SetThreshold(cmd.Context(), args[0], p.scheme, p.amount)
					if err != nil {
						return err
					}
					fmt.Fprintln(a.stdout, a.tr().T("team.threshold_set", "Code", args[0], "Scheme", sc.Code, "Amount", a.printer().UnitAmount(sc.Unit, v)))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringArrayVar(&thresholds, "approval-threshold", nil, "SCHEME=AMOUNT, e.g. ila=500.00 (repeatable)")
	return cmd
}

func newLedgerCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Ledger entries held for a supervisor's approval: list, approve, reject",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newLedgerPendingCmd(a), newLedgerDecideCmd(a, true), newLedgerDecideCmd(a, false))
	return cmd
}

// requestJSON is a held entry with its amount in the scheme's unit.
type requestJSON struct {
	sessions.LedgerRequest
	Status string `json:"status"`
	Unit   string `json:"unit"`
}

func (a *invocation) printRequests(list []sessions.LedgerRequest, asJSON bool) error {
	out := make([]requestJSON, len(list))
	for i, r := range list {
		out[i] = requestJSON{LedgerRequest: r, Status: r.Status(), Unit: string(a.printer().Unit(r.Scheme))}
	}
	if asJSON {
		return printJSON(a.stdout, out)
	}
	for _, r := range out {
		line := fmt.Sprintf("%s  %s  %-8s %-8s %12s  %s  %s", r.ID, r.CreatedAt.Local().Format("2006-01-02"), r.Scheme, r.Kind,
			a.printer().Amount(r.Scheme, r.Amount), r.CreatedBy, r.Status)
		if r.Decision != nil {
			line += "  " + r.Decision.DecidedBy
			if r.Decision.Reason != "" {
				line += ": " + r.Decision.Reason
			}
		}
		fmt.Fprintln(a.stdout, line)
	}
	return nil
}

func newLedgerPendingCmd(a *invocation) *cobra.Command {
	var person string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "pending [--person ID]",
		Short: "Entries waiting for approval that you may decide (with --person: all of that person's, decided or not)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withPeople(ctx, a, func(st *app.App) error {
				var list []sessions.LedgerRequest
				var err error
				if person != "" {
					if _, err := st.MustPerson(ctx, "--person", person); err != nil {
						return err
					}
					if list, err = st.LedgerRequests(ctx, person); err != nil {
						return err
					}
					if err := st.Audit(ctx, person, "view", "ledger requests"); err != nil {
						return err
					}
				} else {
					if list, err = st.PendingRequests(ctx); err != nil {
						return err
					}
					for _, r := range list {
						if err := st.Audit(ctx, r.PersonID, "view", "ledger pending"); err != nil {
							return err
						}
					}
				}
				return a.printRequests(list, asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "person id")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print an array of requests as JSON")
	return cmd
}

func newLedgerDecideCmd(a *invocation, approve bool) *cobra.Command {
	var reason string
	var asJSON bool
	use, short := "approve ENTRY", "Approve a held entry: it is posted to the ledger (a supervisor, never on their own request)"
	if !approve {
		use, short = "reject ENTRY --reason TEXT", "Reject a held entry; it stays visible with the reason"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				r, err := st.DecideRequest(cmd.Context(), args[0], approve, reason)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, requestJSON{LedgerRequest: r, Status: r.Status(), Unit: string(a.printer().Unit(r.Scheme))})
				}
				if approve {
					fmt.Fprintln(a.stdout, a.tr().T("team.approved", "ID", r.ID, "Entry", r.Decision.EntryID))
				} else {
					fmt.Fprintln(a.stdout, a.tr().T("team.rejected", "ID", r.ID))
				}
				return nil
			})
		},
	}
	if !approve {
		cmd.Flags().StringVar(&reason, "reason", "", "why the entry is rejected (kept with it)")
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the request with its decision as JSON")
	return cmd
}

func newAuditCmd(a *invocation) *cobra.Command {
	var person, counsellor, sinceDay string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "audit --person ID | --counsellor NAME [--since DATE]",
		Short: "Who looked at, changed or exported a person's file, or what an account did (supervisors, auditors)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (person == "") == (counsellor == "") {
				return usageErr("--person or --counsellor: give one")
			}
			var from time.Time
			if sinceDay != "" {
				var err error
				if from, err = time.ParseInLocation("2006-01-02", sinceDay, time.Local); err != nil {
					return usageErr("--since %q: a date as YYYY-MM-DD", sinceDay)
				}
			}
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				rows, err := st.AuditTrail(cmd.Context(), app.AuditQuery{PersonID: person, Counsellor: counsellor, Since: from})
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, rows)
				}
				for _, e := range rows {
					line := fmt.Sprintf("%s  %-12s %-8s %-10s %s  %s", e.At.Local().Format("2006-01-02 15:04:05"), e.Actor, e.Centre, e.Action, e.PersonID, e.Detail)
					if e.Session != "" {
						line += "  [" + e.Session + "]"
					}
					if e.Reason != "" {
						line += "  " + a.tr().T("team.reason_field") + ": " + e.Reason
					}
					fmt.Fprintln(a.stdout, line)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "the person's id")
	cmd.Flags().StringVar(&counsellor, "counsellor", "", "an account name")
	cmd.Flags().StringVar(&sinceDay, "since", "", "only rows from this day on (YYYY-MM-DD, local time)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print an array of audit rows as JSON")
	return cmd
}
