package main

import (
	"github.com/spf13/cobra"
)

func newCredentialImportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import ID FILE",
		Short: "Put an earned credential (ELM/EDC JSON-LD or Open Badges 3.0) on the person's file; its skills join theirs",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotBuilt
		},
	}
	return cmd
}
