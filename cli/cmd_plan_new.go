package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
)

// newPlanNewCmd starts another plan for a person: a person may weigh
// several pathways (plan list shows them, --plan picks one).
func newPlanNewCmd(a *invocation) *cobra.Command {
	var f planFlags
	var name string
	cmd := &cobra.Command{
		Use:   "new --person ID [--name NAME]",
		Short: "Start another plan for the person (the first plan is the agreed one; list shows them all, --plan picks one)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				p, err := st.NewPlan(ctx, f.person, name)
				if err != nil {
					return err
				}
				if !f.json {
					fmt.Fprintln(a.stderr, a.tr().T("plan.switch.created", "Name", p.Name, "ID", p.ID))
				}
				return a.report(ctx, st, p, f.json)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&name, "name", "", "the plan's name (default \"Plan N\")")
	return cmd
}
