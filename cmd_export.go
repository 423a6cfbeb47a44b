package main

import (
	"errors"

	"github.com/spf13/cobra"
)

var errNotBuilt = errors.New("not built yet")

func newExportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export the register or a person's learning plan",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newExportRegisterCmd(a), newExportPlanCmd(a))
	return cmd
}
