package tui

import (
	"testing"
	"time"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/store"
)

// appOver is the application over a test's store, as the CLI wires it.
func appOver(t testing.TB, st *store.Store, now func() time.Time) *app.App {
	t.Helper()
	a, err := app.New(st, app.Options{Actor: "counsellor", Now: now, Catalog: locale.Must()})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
