// Package app holds koers's use-cases, shared by every face: the CLI, the
// TUI and the SSH server. Each method is one use-case: it validates its
// input once, runs its read-then-write work in one transaction of the
// store, and returns typed errors (see Error) that each face maps to its
// own words and exit statuses. Faces never re-validate and never reach the
// store themselves.
package app

import (
	"context"
	"fmt"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// Options configure an App.
type Options struct {
	// Actor is who acts (the counsellor, or the authenticated account in
	// server mode); it is stamped on every change and audit row.
	Actor string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Catalog holds the people-facing messages; nil loads the embedded one.
	Catalog *locale.Catalog
	// SeedSample loads the embedded sample register into a database that
	// has never held an offer (the demo database of a first run).
	SeedSample bool
	// SeedESCO loads the ESCO snapshot that ships with the binary into a
	// database that holds no ESCO yet, so that pathways work on first run.
	SeedESCO bool
	// Seeding, when set, is told before a seed that takes a moment starts
	// ("esco"), so that a face can say why the first open waits.
	Seeding func(what string)
	// ReadOnly opens the database without migrating or writing.
	ReadOnly bool
}

// App is an open koers: its store, clock, actor and message catalogue.
type App struct {
	st *store.Store // nil when opened on PostgreSQL (OpenPeople)
	// people is the people side: st itself, or the PostgreSQL store.
	people peopleStore
	db     string
	cat    *locale.Catalog
	now    func() time.Time
	actor  string
	// esco loads the ESCO snapshot on first use (nil: never).
	esco *escoLoader
	// caller is the authenticated account of a server session (nil: the
	// local user, who may do everything); glass the break-glass reasons it
	// gave (team.go).
	caller *sessions.Counsellor
	glass  *glass
	// hub tells the sessions of this process about each other's changes;
	// every view (As) shares it and has its own origin.
	hub    *Hub
	origin uint64
	// session is the server's id of the session this view serves
	// (InSession, AsCaller): on audit rows and in the change log.
	session string
}

// Open opens (creating and migrating) the database at path and returns the
// application over it; with opt.SeedSample an empty register gets the
// embedded sample register.
func Open(ctx context.Context, path string, opt Options) (*App, error) {
	if IsPostgres(path) {
		return nil, postgresNotYet(path)
	}
	st, err := store.Open(ctx, path, store.Options{Actor: opt.Actor, Now: opt.Now, ReadOnly: opt.ReadOnly})
	if err != nil {
		return nil, err
	}
	a, err := New(st, opt)
	if err != nil {
		st.Close()
		return nil, err
	}
	if opt.SeedESCO && !opt.ReadOnly {
		// Loaded on first use (ensureESCO), not here: most commands never
		// touch the taxonomy, and the load takes seconds of CPU.
		a.esco = &escoLoader{told: opt.Seeding}
	}
	if opt.SeedSample && !opt.ReadOnly {
		if _, err := a.SeedSample(ctx, false); err != nil {
			st.Close()
			return nil, fmt.Errorf("seed sample register: %w", err)
		}
	}
	return a, nil
}

// New wraps an open store (the SSH server shares one store between the
// applications of its sessions, each with its own actor).
func New(st *store.Store, opt Options) (*App, error) {
	cat := opt.Catalog
	if cat == nil {
		var err error
		if cat, err = locale.New(); err != nil {
			return nil, err
		}
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	hub := newHub()
	return &App{st: st, people: st, db: st.Path(), cat: cat, now: now, actor: opt.Actor, hub: hub, origin: hub.origins.Add(1)}, nil
}

// Close closes the store.
func (a *App) Close() error { return a.people.Close() }

// Path is the database's location (a URL without its password on PostgreSQL).
func (a *App) Path() string { return a.db }

// Actor is who acts through this application.
func (a *App) Actor() string { return a.actor }

// Now is the application's clock.
func (a *App) Now() time.Time { return a.now() }

// Today is the civil date of the clock, in the local zone.
func (a *App) Today() catalog.Date { return catalog.DateOf(a.now()) }

// Catalog is the message catalogue.
func (a *App) Catalog() *locale.Catalog { return a.cat }

// Printer is the people-facing vocabulary in lang, with the units of the
// schemes this database defines.
func (a *App) Printer(ctx context.Context, lang string) (*present.Printer, error) {
	schemes, err := a.people.Schemes(ctx)
	if err != nil {
		return nil, err
	}
	return present.New(a.cat.For(lang), schemes), nil
}
