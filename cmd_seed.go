package main

import (
	"context"

	"github.com/koers-project/koers/store"
)

// Scaffolding: the sample-register work (issue 2) replaces this file.
func seedSample(ctx context.Context, st *store.Store) error { return nil }
