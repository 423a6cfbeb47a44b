package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// balanceJSON is one scheme's position in `koers account show --json`.
type balanceJSON struct {
	Scheme     string     `json:"scheme"`
	Unit       string     `json:"unit"`
	Currency   string     `json:"currency,omitempty"`
	Balance    float64    `json:"balance"`
	Reserved   float64    `json:"reserved"`
	Available  float64    `json:"available"`
	AsOf       *time.Time `json:"as_of"`
	Indicative bool       `json:"indicative"`
}

func toBalanceJSON(b sessions.Balance) balanceJSON {
	j := balanceJSON{Scheme: b.Scheme, Unit: string(b.Unit), Balance: b.Unit.Major(b.Balance),
		Reserved: b.Unit.Major(b.Reserved), Available: b.Unit.Major(b.Available), Indicative: true}
	if b.Unit == sessions.UnitEUR {
		j.Currency = "EUR"
	}
	if !b.AsOf.IsZero() {
		t := b.AsOf.UTC()
		j.AsOf = &t
	}
	return j
}

// entryJSON is one ledger entry with its amount in the scheme's unit.
type entryJSON struct {
	sessions.Entry
	Unit     string  `json:"unit"`
	Currency string  `json:"currency,omitempty"`
	Value    float64 `json:"amount"`
	Balance  float64 `json:"balance"`
	Reserved float64 `json:"reserved"`
}

func toEntryJSON(e sessions.Entry, u sessions.Unit) entryJSON {
	j := entryJSON{Entry: e, Unit: string(u), Value: u.Major(e.Amount), Balance: u.Major(e.BalanceAfter), Reserved: u.Major(e.ReservedAfter)}
	if u == sessions.UnitEUR {
		j.Currency = "EUR"
	}
	return j
}

func newAccountCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "account",
		Short: "Learning accounts: post ledger entries, show balances per scheme",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newAccountPostCmd(a), newAccountShowCmd(a), newAccountLedgerCmd(a))
	return cmd
}

func newAccountPostCmd(a *invocation) *cobra.Command {
	var person, scheme, kind, amount, key, reason, funder, ref, corrects string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "post --person ID --scheme CODE --kind KIND --amount AMOUNT [--key KEY] [--reason TEXT]",
		Short: "Append an entry to a person's learning account (re-posting the same key is a no-op)",
		Long: "Append an entry to a person's learning account. KIND is accrual, top-up, reserve, spend, release,\n" +
			"expire or correct. AMOUNT is in the scheme's unit: 500.00 (EUR, at most two decimals), 7.5 (hours),\n" +
			"2 (whole days); it is always positive, the kind gives the direction. A correction names the entry it\n" +
			"reverses with --corrects and takes its amount. Going below zero is refused with exit status 3.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			k := sessions.Kind(kind)
			if !k.Valid() {
				return usageErr("--kind: %s", a.tr().T("people.err.kind", "Kind", kind))
			}
			return withPeople(ctx, a, func(st *app.App) error {
				got, sc, err := st.Post(ctx, app.PostRequest{PersonID: person, Scheme: scheme, Kind: k, Amount: amount,
					Key: key, Reason: reason, Funder: funder, Ref: ref, Corrects: corrects})
				var held *app.HeldError
				if errors.As(err, &held) {
					// Not a failure: the entry waits for a supervisor.
					r := held.Request
					if asJSON {
						return printJSON(a.stdout, requestJSON{LedgerRequest: r, Status: r.Status(), Unit: string(sc.Unit)})
					}
					fmt.Fprintln(a.stdout, a.tr().T("team.held", "ID", r.ID, "Amount", a.printer().UnitAmount(sc.Unit, r.Amount),
						"Threshold", a.printer().UnitAmount(sc.Unit, r.Threshold), "Centre", r.Centre))
					return nil
				}
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, toEntryJSON(got, sc.Unit))
				}
				msg := "people.posted"
				if got.Replayed {
					msg = "people.replayed"
				}
				fmt.Fprintln(a.stdout, a.tr().T(msg, "Kind", string(got.Kind), "Amount", a.printer().UnitAmount(sc.Unit, got.Amount),
					"Scheme", sc.Code, "Available", a.printer().UnitAmount(sc.Unit, got.BalanceAfter-got.ReservedAfter), "ID", got.ID))
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&person, "person", "", "person id")
	fl.StringVar(&scheme, "scheme", "", "scheme code: ila, leave, voucher, …")
	fl.StringVar(&kind, "kind", "", "accrual, top-up, reserve, spend, release, expire or correct")
	fl.StringVar(&amount, "amount", "", "amount in the scheme's unit")
	fl.StringVar(&key, "key", "", "idempotency key (default: a new one)")
	fl.StringVar(&reason, "reason", "", "why (e.g. \"most in need: low-qualified\")")
	fl.StringVar(&funder, "funder", "", "who pays a top-up")
	fl.StringVar(&ref, "ref", "", "what a reservation is for; release and spend draw on it")
	fl.StringVar(&corrects, "corrects", "", "entry id a correction reverses")
	fl.BoolVar(&asJSON, "json", false, "print the entry as JSON")
	return cmd
}

func newAccountShowCmd(a *invocation) *cobra.Command {
	var person string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show --person ID",
		Short: "Balance, reserved and available per scheme, with the as-of time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withPeoplePerson(ctx, a, "--person", person, func(st *app.App, _ sessions.Person) error {
				bs, err := st.Balances(ctx, person)
				if err != nil {
					return err
				}
				if err := st.Audit(ctx, person, "view", "balances"); err != nil {
					return err
				}
				if asJSON {
					out := make([]balanceJSON, len(bs))
					for i, b := range bs {
						out[i] = toBalanceJSON(b)
					}
					return printJSON(a.stdout, out)
				}
				for _, b := range bs {
					fmt.Fprintf(a.stdout, "%-8s %s\n", b.Scheme, balanceText(a, b))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "person id")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print an array of balances as JSON")
	return cmd
}

func newAccountLedgerCmd(a *invocation) *cobra.Command {
	var person, scheme string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ledger --person ID [--scheme CODE]",
		Short: "Every ledger entry of a person's accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withPeoplePerson(ctx, a, "--person", person, func(st *app.App, _ sessions.Person) error {
				schemes, err := st.Schemes(ctx)
				if err != nil {
					return err
				}
				if _, ok := sessions.FindScheme(schemes, scheme); scheme != "" && !ok {
					return usageErr("--scheme: %s", a.tr().T("people.err.scheme", "Scheme", scheme))
				}
				es, err := st.Entries(ctx, person, scheme)
				if err != nil {
					return err
				}
				if err := st.Audit(ctx, person, "view", "ledger"); err != nil {
					return err
				}
				out := make([]entryJSON, len(es))
				for i, e := range es {
					sc, _ := sessions.FindScheme(schemes, e.Scheme)
					out[i] = toEntryJSON(e, sc.Unit)
				}
				reqs, err := st.LedgerRequests(ctx, person)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, out)
				}
				for _, e := range out {
					u := sessions.Unit(e.Unit)
					fmt.Fprintf(a.stdout, "%s %-8s %3d %-8s %12s  = %s  %s\n", e.CreatedAt.Local().Format("2006-01-02"), e.Scheme, e.Seq,
						e.Kind, a.printer().UnitAmount(u, e.Amount), a.printer().UnitAmount(u, e.BalanceAfter-e.ReservedAfter), e.Key)
				}
				// Held entries are shown, not counted.
				for _, r := range reqs {
					if scheme != "" && r.Scheme != scheme {
						continue
					}
					status := r.Status()
					if status == sessions.RequestPending {
						status = a.tr().T("team.pending")
					}
					fmt.Fprintf(a.stdout, "%s %-8s   - %-8s %12s  (%s)  %s\n", r.CreatedAt.Local().Format("2006-01-02"), r.Scheme, r.Kind,
						a.printer().Amount(r.Scheme, r.Amount), status, r.Key)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "person id")
	cmd.Flags().StringVar(&scheme, "scheme", "", "only this scheme")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print an array of entries as JSON")
	return cmd
}

// balanceText is one scheme's position for people, with its as-of time.
func balanceText(a *invocation, b sessions.Balance) string {
	tr := a.tr()
	if b.AsOf.IsZero() {
		return tr.T("people.never")
	}
	return tr.T("people.balance_line", "Balance", a.printer().UnitAmount(b.Unit, b.Balance), "Reserved", a.printer().UnitAmount(b.Unit, b.Reserved),
		"Available", a.printer().UnitAmount(b.Unit, b.Available), "AsOf", b.AsOf.Local().Format("2006-01-02 15:04"))
}
