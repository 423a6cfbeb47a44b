package app

import (
	"context"
	"time"

	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/postgres"
)

// peopleStore is the people side of a store — people, ledger, sessions,
// credentials, export, erase, audit — as both engines offer it: the SQLite
// store and the PostgreSQL store (store/postgres) have these methods with
// these signatures and errors.
type peopleStore interface {
	Close() error
	People(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error)
	Person(ctx context.Context, id string) (sessions.Person, error)
	CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error)
	UpdatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error)
	Schemes(ctx context.Context) ([]sessions.Scheme, error)
	Scheme(ctx context.Context, code string) (sessions.Scheme, error)
	PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error)
	Entries(ctx context.Context, personID, scheme string) ([]sessions.Entry, error)
	Balances(ctx context.Context, personID string) ([]sessions.Balance, error)
	Credentials(ctx context.Context, personID string) ([]sessions.Credential, error)
	AddCredential(ctx context.Context, c sessions.Credential) (sessions.Credential, error)
	AddCredentials(ctx context.Context, cs []sessions.Credential) ([]sessions.Credential, error)
	AddSession(ctx context.Context, g sessions.Session) (sessions.Session, error)
	Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error)
	OpenActions(ctx context.Context, personID string) ([]sessions.Action, error)
	SetActionStatus(ctx context.Context, actionID, status string) error
	NextAppointment(ctx context.Context, personID string) (time.Time, error)
	SaveDraft(ctx context.Context, personID, kind, body string) error
	Draft(ctx context.Context, personID, kind string) (string, time.Time, error)
	DiscardDraft(ctx context.Context, personID, kind string) error
	Audit(ctx context.Context, personID, action, detail string) error
	AuditLog(ctx context.Context, personID string) ([]store.AuditEntry, error)
	ExportPerson(ctx context.Context, id string) (store.PersonFile, error)
	ErasePerson(ctx context.Context, id string) error

	TransferPerson(ctx context.Context, id, to string) error
	MovePerson(ctx context.Context, id, centre string) error
	AddCentre(ctx context.Context, c sessions.Centre) (sessions.Centre, error)
	Centres(ctx context.Context) ([]sessions.Centre, error)
	SetThreshold(ctx context.Context, centre, scheme string, amount int64) error
	Threshold(ctx context.Context, centre, scheme string) (int64, bool, error)
	RequestEntry(ctx context.Context, r sessions.LedgerRequest) (sessions.LedgerRequest, error)
	LedgerRequest(ctx context.Context, id string) (sessions.LedgerRequest, error)
	LedgerRequests(ctx context.Context, personID string, pendingOnly bool) ([]sessions.LedgerRequest, error)
	DecideRequest(ctx context.Context, id string, approve bool, reason string) (sessions.LedgerRequest, error)
	AuditReason(ctx context.Context, personID, action, detail, reason string) error
	AuditBy(ctx context.Context, actor string) ([]store.AuditEntry, error)
	Owners(ctx context.Context) (map[string]sessions.Owner, error)
	ActionPerson(ctx context.Context, actionID string) (string, error)
	AuditViews(ctx context.Context, ids []string, detail string) error
}

// OpenPeople opens db for the people-side use-cases only (people, ledger,
// guidance sessions, credentials, person export and erase): on SQLite it is
// Open; on PostgreSQL (a postgres:// URL) it opens the PostgreSQL store,
// migrating it, and the App it returns has no register — its register and
// plan use-cases must not be called (the CLI's people and account commands
// call none).
func OpenPeople(ctx context.Context, db string, opt Options) (*App, error) {
	if !IsPostgres(db) {
		return Open(ctx, db, opt)
	}
	pg, err := postgres.Open(ctx, db, store.Options{Actor: opt.Actor, Now: opt.Now, ReadOnly: opt.ReadOnly})
	if err != nil {
		return nil, err
	}
	cat := opt.Catalog
	if cat == nil {
		if cat, err = locale.New(); err != nil {
			pg.Close()
			return nil, err
		}
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	hub := newHub()
	return &App{people: pg, db: DisplayDB(db), cat: cat, now: now, actor: opt.Actor, hub: hub, origin: hub.origins.Add(1)}, nil
}
