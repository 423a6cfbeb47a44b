package main

import "github.com/spf13/cobra"

// Scaffolding: replaced by the issue that builds these commands.
func newPersonCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "person", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}

func newAccountCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "account", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}

func newSessionCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "session", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}
