package cli

import (
	"context"

	"github.com/koers-project/koers/app"
)

// withPeople is withStore for the people and account commands, which also
// run on PostgreSQL (--db postgres://…): person, account, session and
// credential import.
func withPeople(ctx context.Context, a *invocation, fn func(st *app.App) error) error {
	st, err := app.OpenPeople(ctx, a.dbPath, app.Options{Actor: a.counsellor, Now: a.now, Catalog: a.cat, SeedSample: true})
	if err != nil {
		return err
	}
	defer st.Close()
	if pr, err := st.Printer(ctx, a.lang); err == nil {
		a.pr = pr
	}
	return peopleErr(a, fn(st))
}
