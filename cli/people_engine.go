package cli

import (
	"context"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// withPeople is withStore for the people and account commands, which also
// run on PostgreSQL (--db postgres://…): person, account, session and
// credential import.
func withPeople(ctx context.Context, a *invocation, fn func(st *app.App) error) error {
	st, err := a.openPeople(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if pr, err := st.Printer(ctx, a.lang); err == nil {
		a.pr = pr
	}
	return peopleErr(a, fn(st))
}

// withPeoplePerson is withPerson for the people and account commands, on
// either engine.
func withPeoplePerson(ctx context.Context, a *invocation, from, id string, fn func(st *app.App, p sessions.Person) error) error {
	return withPeople(ctx, a, func(st *app.App) error {
		p, err := mustPerson(ctx, a, st, from, id)
		if err != nil {
			return err
		}
		return fn(st, p)
	})
}
