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
	"github.com/koers-project/koers/store/postgres"
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
	// RegisterCache is where a PostgreSQL database's local index of the
	// register lives ("": RegisterCachePath's default under XDG cache).
	RegisterCache string
}

// App is an open koers: its store, clock, actor and message catalogue.
type App struct {
	// st holds the register and ESCO: the SQLite database itself, or on
	// PostgreSQL the process's local index of the network's register
	// (nil when opened by OpenPeople on PostgreSQL).
	st *store.Store
	// people is the people side: st itself, or the PostgreSQL store.
	people peopleStore
	// pg is the PostgreSQL store when the database is one (nil on SQLite,
	// and while PostgreSQL cannot be reached: see offline).
	pg *postgres.Store
	// network is set on a PostgreSQL database opened whole (Open): st is
	// then the local register index, never the people's record.
	network bool
	// offline is why PostgreSQL could not be reached when the App opened
	// on its local register index alone (people is offlinePeople).
	offline error
	db      string
	cat     *locale.Catalog
	now     func() time.Time
	actor   string
	// view is set on an App made by As, whose Close leaves the stores open.
	view bool
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
	var a *App
	if IsPostgres(path) {
		var err error
		if a, err = openNetwork(ctx, path, opt); err != nil {
			return nil, err
		}
	} else {
		st, err := store.Open(ctx, path, store.Options{Actor: opt.Actor, Now: opt.Now, ReadOnly: opt.ReadOnly})
		if err != nil {
			return nil, err
		}
		if a, err = New(st, opt); err != nil {
			st.Close()
			return nil, err
		}
	}
	if opt.SeedESCO && !opt.ReadOnly {
		// Loaded on first use (ensureESCO), not here: most commands never
		// touch the taxonomy, and the load takes seconds of CPU.
		a.esco = &escoLoader{told: opt.Seeding}
	}
	if opt.SeedSample && !opt.ReadOnly && !a.network && a.pg == nil {
		if _, err := a.SeedSample(ctx, false); err != nil {
			a.Close()
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

// Close closes the store (on PostgreSQL, also the local register index).
func (a *App) Close() error {
	if a.view {
		return a.people.Close() // a no-op on either engine's view
	}
	err := a.people.Close()
	if a.network {
		if e := a.st.Close(); err == nil {
			err = e
		}
	}
	return err
}

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
