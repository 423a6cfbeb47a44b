package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/adrg/xdg"

	"github.com/koers-project/koers/catalog"
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

	Plans(ctx context.Context, personID string) ([]sessions.Plan, error)
	Plan(ctx context.Context, planID string) (sessions.Plan, error)
	CreatePlan(ctx context.Context, p sessions.Plan) (sessions.Plan, error)
	CurrentPlan(ctx context.Context, personID string, create bool) (sessions.Plan, error)
	SetStepStatus(ctx context.Context, planID, stepID string, status sessions.StepStatus) (sessions.Plan, error)
	ReserveStep(ctx context.Context, planID, stepID string) (sessions.Plan, error)
	ReleaseStep(ctx context.Context, planID, stepID string) (sessions.Plan, error)
	MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error)
	AddStep(ctx context.Context, planID string, steps ...sessions.Step) (sessions.Plan, error)

	AddCounsellor(ctx context.Context, a sessions.Counsellor, key sessions.CounsellorKey) (sessions.Counsellor, error)
	AddCounsellorKey(ctx context.Context, name string, k sessions.CounsellorKey) error
	RemoveCounsellorKey(ctx context.Context, name, fingerprint string) error
	DisableCounsellor(ctx context.Context, name string) error
	Counsellors(ctx context.Context) ([]sessions.Counsellor, error)
	Counsellor(ctx context.Context, name string) (sessions.Counsellor, error)
	CounsellorByKey(ctx context.Context, fingerprint string) (sessions.Counsellor, error)

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

	RecordStepOutcome(ctx context.Context, o sessions.StepOutcome) (sessions.StepOutcome, error)
	StepOutcomes(ctx context.Context, personID string) ([]sessions.StepOutcome, error)
	RecordEmployment(ctx context.Context, e sessions.EmploymentOutcome, channel sessions.Channel) (sessions.EmploymentOutcome, error)
	EmploymentOutcomes(ctx context.Context, personID string) ([]sessions.EmploymentOutcome, error)
	FollowUpsDue(ctx context.Context, until catalog.Date) ([]store.FollowUp, error)
	DefineScheme(ctx context.Context, sc sessions.Scheme) error

	RequestErase(ctx context.Context, personID, reason string) (sessions.EraseRequest, error)
	EraseRequest(ctx context.Context, id string) (sessions.EraseRequest, error)
	EraseRequests(ctx context.Context, personID string, openOnly bool) ([]sessions.EraseRequest, error)
	DecideErase(ctx context.Context, id string, approve bool, reason string) (sessions.EraseRequest, error)
}

// planTx is what a plan's unit of work reads inside its transaction, on
// either engine (store.PlanTx, postgres.PlanTx).
type planTx interface {
	Balances(ctx context.Context, personID string) ([]sessions.Balance, error)
	Schemes(ctx context.Context) ([]sessions.Scheme, error)
}

// updatePlan runs fn on the plan in one unit of work of the engine that
// holds plans; what fn leaves in the plan is written, nothing if it fails.
func (a *App) updatePlan(ctx context.Context, planID string, fn func(tx planTx, p *sessions.Plan) error) (sessions.Plan, error) {
	if a.offline != nil {
		return sessions.Plan{}, a.people.(offlinePeople).fail()
	}
	if a.pg != nil {
		return a.people.(*postgres.Store).UpdatePlan(ctx, planID, func(tx *postgres.PlanTx, p *sessions.Plan) error { return fn(tx, p) })
	}
	return a.st.UpdatePlan(ctx, planID, func(tx *store.PlanTx, p *sessions.Plan) error { return fn(tx, p) })
}

// offerIn reads a register offer for a plan's unit of work: inside the
// transaction on SQLite (register and plans share the file); on
// PostgreSQL from the local register index, which a plan's transaction
// on the server cannot see.
func (a *App) offerIn(ctx context.Context, tx planTx, id string) (catalog.Offer, error) {
	if r, ok := tx.(interface {
		Offer(ctx context.Context, id string) (catalog.Offer, error)
	}); ok {
		return r.Offer(ctx, id)
	}
	return a.st.Offer(ctx, id)
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
	return &App{people: pg, pg: pg, db: DisplayDB(db), cat: cat, now: now, actor: opt.Actor, hub: hub, origin: hub.origins.Add(1)}, nil
}

// openNetwork opens a PostgreSQL database whole: the people side there,
// and the local SQLite index of its register (opt.RegisterCache, else
// RegisterCachePath), which RegisterSync brings up to date.
func openNetwork(ctx context.Context, db string, opt Options) (*App, error) {
	path := opt.RegisterCache
	if path == "" {
		path = RegisterCachePath(db)
	}
	a, err := OpenPeople(ctx, db, opt)
	if err != nil {
		return openOffline(ctx, db, path, opt, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		a.Close()
		return nil, fmt.Errorf("register index %s: %w", path, err)
	}
	st, err := store.Open(ctx, path, store.Options{Actor: opt.Actor, Now: opt.Now})
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("register index %s: %w", path, err)
	}
	a.st, a.network = st, true
	return a, nil
}

// openOffline opens the local register index alone when PostgreSQL could
// not be reached (cause) and the index has been synced before: search
// goes on, and every people-side use-case answers ErrOffline. Any other
// failure (a wrong password, a newer schema) is returned as it is.
func openOffline(ctx context.Context, db, path string, opt Options, cause error) (*App, error) {
	if !postgres.Unreachable(cause) {
		return nil, cause
	}
	if _, err := os.Stat(path); err != nil {
		return nil, cause
	}
	st, err := store.Open(ctx, path, store.Options{Actor: opt.Actor, Now: opt.Now})
	if err != nil {
		return nil, cause
	}
	if m, err := st.RegisterMark(ctx); err != nil || m.SyncedAt.IsZero() {
		st.Close()
		return nil, cause
	}
	cat := opt.Catalog
	if cat == nil {
		if cat, err = locale.New(); err != nil {
			st.Close()
			return nil, err
		}
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	hub := newHub()
	return &App{st: st, people: offlinePeople{err: cause, db: DisplayDB(db)}, network: true, offline: cause, db: DisplayDB(db), cat: cat, now: now, actor: opt.Actor,
		hub: hub, origin: hub.origins.Add(1)}, nil
}

// Offline is why PostgreSQL could not be reached when this App opened on
// its local register index alone (nil when it was reached).
func (a *App) Offline() error { return a.offline }

// RegisterCachePath is where a process keeps its local index of the
// register of the PostgreSQL database db: $XDG_CACHE_HOME/koers/
// register-<hash>.db, one file per server, port and database (not per
// user or password), so that every koers on a machine that works with one
// database shares one index.
func RegisterCachePath(db string) string {
	key := DisplayDB(db)
	if u, err := url.Parse(db); err == nil {
		key = u.Hostname() + ":" + u.Port() + "/" + strings.TrimPrefix(u.Path, "/")
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(xdg.CacheHome, "koers", "register-"+hex.EncodeToString(sum[:8])+".db")
}
