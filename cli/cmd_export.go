package cli

import "github.com/spf13/cobra"

// newExportCmd groups the exports: the register and a person's learning plan.
func newExportCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export the register or a person's learning plan",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newExportRegisterCmd(a), newExportPlanCmd(a))
	return cmd
}
