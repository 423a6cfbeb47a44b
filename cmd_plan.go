package main

import "github.com/spf13/cobra"

// Scaffolding: replaced by the issue that builds these commands.
func newPlanCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "plan", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}
