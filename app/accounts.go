package app

import (
	"context"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// As is the application over the same open database acting as actor: the
// SSH server opens the database once and gives each session its own, so
// the register's in-memory index is shared and every change is stamped
// with the session's account. Closing it leaves the database open.
// On PostgreSQL (no SQLite store) the people side keeps its own actor:
// koers serve refuses that database until the people store can act as
// each session's account.
func (a *App) As(actor string) *App {
	b := *a // every field carries over; only the actor and its views change
	b.actor = actor
	b.origin = a.hub.origins.Add(1) // its own changes are not told back to it
	if a.st != nil {
		v := a.st.As(actor)
		b.st, b.people = v, v
	}
	return &b
}

// SchemaVersion is the open database's schema version and the one this
// build writes (koers serve --check).
func (a *App) SchemaVersion(ctx context.Context) (have, want int, err error) {
	have, err = a.st.Version(ctx)
	return have, store.LatestVersion(), err
}

// AddCounsellor creates a counsellor account with its first key (a name or
// key already in use is ErrConflict).
func (a *App) AddCounsellor(ctx context.Context, c sessions.Counsellor, k sessions.CounsellorKey) (sessions.Counsellor, error) {
	for _, code := range c.Centres {
		if err := a.knownCentre(ctx, "centre", code); err != nil {
			return c, err
		}
	}
	return a.st.AddCounsellor(ctx, c, k)
}

// AddCounsellorKey adds a key to an account.
func (a *App) AddCounsellorKey(ctx context.Context, name string, k sessions.CounsellorKey) error {
	return a.st.AddCounsellorKey(ctx, name, k)
}

// RemoveCounsellorKey removes a key (by fingerprint) from an account.
func (a *App) RemoveCounsellorKey(ctx context.Context, name, fingerprint string) error {
	return a.st.RemoveCounsellorKey(ctx, name, fingerprint)
}

// DisableCounsellor disables an account; a server ends its sessions.
func (a *App) DisableCounsellor(ctx context.Context, name string) error {
	return a.st.DisableCounsellor(ctx, name)
}

// Counsellors lists every account with its keys.
func (a *App) Counsellors(ctx context.Context) ([]sessions.Counsellor, error) {
	return a.st.Counsellors(ctx)
}

// CounsellorByKey finds the account holding the key with fingerprint
// (ErrNotFound if none), disabled or not.
func (a *App) CounsellorByKey(ctx context.Context, fingerprint string) (sessions.Counsellor, error) {
	return a.st.CounsellorByKey(ctx, fingerprint)
}
