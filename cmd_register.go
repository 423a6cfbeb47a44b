package main

import "github.com/spf13/cobra"

// Scaffolding: replaced by the issue that builds these commands.
func newSearchCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "search", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}

func newOfferCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "offer", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}

func newStatsCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "stats", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}

func newGenCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "gen", Hidden: true, RunE: func(*cobra.Command, []string) error { return errNotBuilt }}
}
