package main

import "github.com/spf13/cobra"

// Scaffolding: replaced by the issue that builds these commands.
func newImportCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "import", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}

func newExportRegisterCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "register", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}

func newOccupationCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "occupation", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}

func newSkillCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "skill", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}
