package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// requestErase is `koers person erase ID --request --reason TEXT`.
func requestErase(ctx context.Context, a *invocation, id, reason string, yes, asJSON bool) error {
	if yes {
		return usageErr("--request: %s", a.tr().T("erase.err.request_and_yes"))
	}
	if strings.TrimSpace(reason) == "" {
		return usageErr("--reason: %s", a.tr().T("erase.err.reason_required"))
	}
	return withPeople(ctx, a, func(st *app.App) error {
		r, err := st.RequestErase(ctx, id, reason)
		if err != nil {
			return err
		}
		if asJSON {
			return printJSON(a.stdout, r)
		}
		fmt.Fprintln(a.stdout, a.tr().T("erase.requested", "ID", r.ID, "Person", id))
		return nil
	})
}

// newPersonEraseRequestsCmd is `koers person erase-requests`: the queue of
// open erasure requests the caller may decide.
func newPersonEraseRequestsCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "erase-requests [--json]",
		Short: "The open erasure requests you may decide (a supervisor's centre; every one on a laptop)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withPeople(ctx, a, func(st *app.App) error {
				list, err := st.EraseQueue(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, list)
				}
				tr, pr := a.tr(), a.printer()
				if len(list) == 0 {
					fmt.Fprintln(a.stdout, tr.T("erase.queue_empty"))
					return nil
				}
				for _, r := range list {
					status := tr.T("erase.status.pending")
					if r.Decision != nil {
						status = tr.T("erase.status.unfinished")
					}
					fmt.Fprintf(a.stdout, "%s  %s  %s (%s)  %s  %s\n", r.ID, pr.Date(catalog.DateOf(r.CreatedAt.Local())), r.Name, r.PersonID, r.CreatedBy, status)
					fmt.Fprintf(a.stdout, "    %s\n", tr.T("erase.reason_line", "Reason", r.Reason))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the requests as JSON")
	return cmd
}

// newPersonEraseApproveCmd is `koers person erase-approve REQUEST-ID --yes`.
func newPersonEraseApproveCmd(a *invocation) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "erase-approve REQUEST-ID --yes",
		Short: "Approve an erasure request: the person is erased for good (as koers person erase)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !yes {
				return usageErr("--yes: %s", a.tr().T("people.err.erase_confirm"))
			}
			ctx := cmd.Context()
			return withPeople(ctx, a, func(st *app.App) error {
				r, err := st.DecideErase(ctx, args[0], true, "")
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, a.tr().T("erase.approved", "ID", r.ID, "Person", r.PersonID))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the erasure")
	return cmd
}

// newPersonEraseDeclineCmd is `koers person erase-decline REQUEST-ID --reason TEXT`.
func newPersonEraseDeclineCmd(a *invocation) *cobra.Command {
	var reason string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "erase-decline REQUEST-ID --reason TEXT",
		Short: "Decline an erasure request with the reason (it stays on the person's file)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usageErr("--reason: %s", a.tr().T("erase.err.reason_required"))
			}
			ctx := cmd.Context()
			return withPeople(ctx, a, func(st *app.App) error {
				r, err := st.DecideErase(ctx, args[0], false, reason)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, r)
				}
				fmt.Fprintln(a.stdout, a.tr().T("erase.declined", "ID", r.ID))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the request is declined (shown on the person's file)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the decided request as JSON")
	return cmd
}

// eraseRequestLines are a file's erasure requests as `person show` prints them.
func eraseRequestLines(a *invocation, list []sessions.EraseRequest) []string {
	tr, pr := a.tr(), a.printer()
	var out []string
	for _, r := range list {
		line := tr.T("erase.file_line", "Who", r.CreatedBy, "When", pr.Date(catalog.DateOf(r.CreatedAt.Local())), "Reason", r.Reason)
		switch d := r.Decision; {
		case d == nil:
			line += " — " + tr.T("erase.status.pending")
		case d.Decision == sessions.EraseDeclined:
			line += " — " + tr.T("erase.status.declined", "Who", d.DecidedBy, "Reason", d.Reason)
		default:
			line += " — " + tr.T("erase.status.unfinished")
		}
		out = append(out, line)
	}
	return out
}
