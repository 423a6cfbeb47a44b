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
	return withOpen(ctx, a, a.openPeople, fn)
}

// withPeoplePerson is withPerson for the people and account commands, on
// either engine.
func withPeoplePerson(ctx context.Context, a *invocation, from, id string, fn func(st *app.App, p sessions.Person) error) error {
	return withOpenPerson(ctx, a, a.openPeople, from, id, fn)
}
