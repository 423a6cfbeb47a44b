package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/store"
)

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

func seedSample(ctx context.Context, st *store.Store) error { return nil }
