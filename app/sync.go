package app

// koers sync: a laptop works offline on people checked out from the
// centre's PostgreSQL and syncs back (README, "Off the network and back").
// The use-cases here run over two stores: the laptop's SQLite (this App)
// and the server (a postgres.Store opened for the command).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/postgres"
)

// SyncSelection is who a checkout takes: people by id, the caller's
// caseload (the people whose counsellor is the actor), or both.
type SyncSelection struct {
	People   []string
	Caseload bool
	// Appointments, when set, adds the people with an appointment that
	// day (in the local time zone) set by the actor or on their caseload.
	Appointments catalog.Date
	// Days is how many days from Appointments the appointments are taken
	// from (1 when 0; 7 for "my appointments this week").
	Days int
}

// SyncStatus is the honest state of a laptop's checkout.
type SyncStatus struct {
	CheckedOut   bool                    `json:"checked_out"`
	Server       string                  `json:"server,omitempty"`
	CheckoutID   string                  `json:"checkout_id,omitempty"`
	CheckedOutAt *time.Time              `json:"checked_out_at,omitempty"`
	SyncedAt     *time.Time              `json:"synced_at,omitempty"`
	Waiting      int                     `json:"waiting"`
	Conflicts    int                     `json:"conflicts"`
	Refused      int                     `json:"refused"`
	People       []store.SyncPersonState `json:"people"`
	ConflictList []store.SyncConflictRow `json:"conflict_list"`
	RefusalList  []store.SyncRefusal     `json:"refusal_list"`
}

// SyncReport is what one sync (or check-in) did.
type SyncReport struct {
	Pushed    int        `json:"pushed"`
	Applied   int        `json:"applied"`
	Refused   int        `json:"refused"`
	Conflicts int        `json:"conflicts"`
	Pulled    int        `json:"pulled"`
	Status    SyncStatus `json:"status"`
	// CheckedIn is set by a check-in that removed the copies.
	CheckedIn bool `json:"checked_in,omitempty"`
}

// laptop is the SQLite store a sync works on: the database must be a file.
func (a *App) laptop() (*store.Store, error) {
	if a.pg != nil || a.network || a.st == nil {
		return nil, invalid("db", "sync.not-laptop", errors.New("koers sync works on a laptop's SQLite file (--db PATH), not on PostgreSQL"))
	}
	return a.st, nil
}

// ErrSyncEncrypted refuses a sync on an encrypted laptop file: the copies
// travel in clear between the engines, so a sealed file would receive
// names in clear, or send sealed values to the server.
var ErrSyncEncrypted = errors.New("koers sync does not work on an encrypted database yet")

// writableLaptop is laptop, refused when its personal data is sealed.
func (a *App) writableLaptop() (*store.Store, error) {
	lt, err := a.laptop()
	if err != nil {
		return nil, err
	}
	if lt.Encrypted() {
		return nil, &Error{Kind: Refused, Rule: "clear-laptop", Field: "db", Msg: "sync.encrypted", Err: ErrSyncEncrypted}
	}
	return lt, nil
}

// server opens the centre's PostgreSQL for one command.
func (a *App) server(ctx context.Context, from string) (*postgres.Store, error) {
	if !IsPostgres(from) {
		return nil, invalid("--from", "sync.from", fmt.Errorf("--from: %q is not a postgres:// URL", DisplayDB(from)))
	}
	pg, err := postgres.Open(ctx, from, store.Options{Actor: a.actor, Now: a.now})
	if err != nil {
		return nil, &Error{Kind: Internal, Field: "--from", Msg: "sync.unreachable", Args: []any{"DB", DisplayDB(from)}, Err: errors.Join(ErrOffline, err)}
	}
	if pg.Encrypted() {
		// Its rows hold sealed values: copied as they are, they would
		// reach the laptop sealed, and the laptop's would reach it in clear.
		pg.Close()
		return nil, &Error{Kind: Refused, Rule: "clear-server", Field: "--from", Msg: "sync.encrypted-server", Args: []any{"DB", DisplayDB(from)}, Err: ErrSyncEncrypted}
	}
	return pg, nil
}

// SyncCheckout copies the selected people's files from the server at
// from into this laptop's database, with the register index, and records
// the checkout on both sides. A laptop holds one server's checkout; a
// second checkout from the same server adds people to it.
func (a *App) SyncCheckout(ctx context.Context, from string, sel SyncSelection) (SyncStatus, error) {
	lt, err := a.writableLaptop()
	if err != nil {
		return SyncStatus{}, err
	}
	ids := slices.Clone(sel.People)
	for i, id := range ids {
		ids[i] = strings.TrimSpace(id)
	}
	if len(ids) == 0 && !sel.Caseload && sel.Appointments.IsZero() {
		return SyncStatus{}, invalid("--person", "sync.nobody", errors.New("say whom to check out: --person ID, --caseload or --appointments DATE"))
	}
	pg, err := a.server(ctx, from)
	if err != nil {
		return SyncStatus{}, err
	}
	defer pg.Close()
	if sel.Caseload {
		owners, err := pg.Owners(ctx)
		if err != nil {
			return SyncStatus{}, err
		}
		for id, o := range owners {
			if o.Counsellor == a.actor {
				ids = append(ids, id)
			}
		}
	}
	if !sel.Appointments.IsZero() {
		d := sel.Appointments.Time()
		from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.Local)
		seen, err := pg.Appointments(ctx, a.actor, from, from.AddDate(0, 0, max(sel.Days, 1)))
		if err != nil {
			return SyncStatus{}, err
		}
		ids = append(ids, seen...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return SyncStatus{}, invalid("--caseload", "sync.empty-caseload", fmt.Errorf("no one is on %s's caseload", a.actor), "Counsellor", a.actor)
	}
	state, err := lt.SyncState(ctx)
	switch {
	case errors.Is(err, store.ErrNoCheckout):
		state = store.SyncState{CheckoutID: store.NewID(), Server: DisplayDB(from), CheckedOutAt: a.now().UTC()}
	case err != nil:
		return SyncStatus{}, err
	case state.Server != DisplayDB(from):
		return SyncStatus{}, &Error{Kind: Refused, Rule: "one-checkout", Field: "--from", Msg: "sync.other-server", Args: []any{"DB", state.Server}, Err: store.ErrOtherCheckout}
	}
	cursor, files, err := pg.SyncCheckout(ctx, state.CheckoutID, ids)
	if errors.Is(err, store.ErrNotFound) {
		return SyncStatus{}, invalid("--person", "sync.no-person", err)
	}
	if err != nil {
		return SyncStatus{}, err
	}
	if state.Cursor == "" {
		state.Cursor = cursor
	}
	if err := lt.SyncCheckout(ctx, state, files); err != nil {
		return SyncStatus{}, err
	}
	if err := a.pullRegister(ctx, pg); err != nil {
		return SyncStatus{}, err
	}
	return a.SyncStatus(ctx)
}

// pullRegister brings the laptop's register index up to the server's
// register, by generation (as koers register sync does on a network).
func (a *App) pullRegister(ctx context.Context, pg *postgres.Store) error {
	v := *a
	v.pg, v.network, v.offline, v.view = pg, true, nil, true
	_, err := v.SyncRegister(ctx, nil)
	return err
}

// SyncStatus says what the laptop holds: when it was checked out and
// synced, the changes waiting, the open conflicts and refused entries.
func (a *App) SyncStatus(ctx context.Context) (SyncStatus, error) {
	lt, err := a.laptop()
	if err != nil {
		return SyncStatus{}, err
	}
	out := SyncStatus{People: []store.SyncPersonState{}, ConflictList: []store.SyncConflictRow{}, RefusalList: []store.SyncRefusal{}}
	st, err := lt.SyncState(ctx)
	if errors.Is(err, store.ErrNoCheckout) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.CheckedOut, out.Server, out.CheckoutID = true, st.Server, st.CheckoutID
	out.CheckedOutAt, out.SyncedAt = &st.CheckedOutAt, &st.SyncedAt
	if out.Waiting, out.Conflicts, err = lt.SyncCounts(ctx); err != nil {
		return out, err
	}
	if out.People, err = lt.SyncPeopleState(ctx); err != nil {
		return out, err
	}
	if out.ConflictList, err = lt.SyncConflicts(ctx, false); err != nil {
		return out, err
	}
	if out.RefusalList, err = lt.SyncRefusals(ctx); err != nil {
		return out, err
	}
	out.People = emptyIfNil(out.People)
	out.ConflictList = emptyIfNil(out.ConflictList)
	out.RefusalList = emptyIfNil(out.RefusalList)
	out.Refused = len(out.RefusalList)
	return out, nil
}

func emptyIfNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Sync pushes every change made offline (each applied once, by its id)
// and then pulls what changed on the server for the checked-out people.
// from "" is the server the checkout came from (its password from
// PGPASSWORD or ~/.pgpass: the laptop keeps none). Interrupted at any
// point, the next Sync ends in the same state.
func (a *App) Sync(ctx context.Context, from string) (SyncReport, error) {
	lt, err := a.writableLaptop()
	if err != nil {
		return SyncReport{}, err
	}
	st, err := lt.SyncState(ctx)
	if err != nil {
		return SyncReport{}, a.noCheckout(err)
	}
	if from == "" {
		from = st.Server
	} else if DisplayDB(from) != st.Server {
		return SyncReport{}, &Error{Kind: Refused, Rule: "one-checkout", Field: "--from", Msg: "sync.other-server", Args: []any{"DB", st.Server}, Err: store.ErrOtherCheckout}
	}
	pg, err := a.server(ctx, from)
	if err != nil {
		return SyncReport{}, err
	}
	defer pg.Close()
	rep, err := a.push(ctx, lt, pg, st)
	if err != nil {
		return rep, err
	}
	ids, err := lt.SyncPeople(ctx)
	if err != nil {
		return rep, err
	}
	cursor, files, err := pg.SyncPull(ctx, ids, st.Cursor)
	if err != nil {
		return rep, err
	}
	if rep.Pulled, err = lt.SyncLoad(ctx, cursor, files, a.now().UTC()); err != nil {
		return rep, err
	}
	if err := a.pullRegister(ctx, pg); err != nil {
		return rep, err
	}
	rep.Status, err = a.SyncStatus(ctx)
	return rep, err
}

func (a *App) noCheckout(err error) error {
	if errors.Is(err, store.ErrNoCheckout) {
		return &Error{Kind: Refused, Rule: "checked-out", Msg: "sync.none", Err: err}
	}
	return err
}

// syncBatch is how many changes one push transaction carries.
const syncBatch = 200

// push seals the outbox and sends each change in order, recording each
// answer as it comes.
func (a *App) push(ctx context.Context, lt *store.Store, pg *postgres.Store, st store.SyncState) (SyncReport, error) {
	var rep SyncReport
	changes, err := lt.SyncSeal(ctx)
	if err != nil {
		return rep, err
	}
	// In batches: each is one transaction on the server and one on the
	// laptop. Killed between the two, the next push sends the batch again
	// and gets the first answers back.
	for len(changes) > 0 {
		n := min(len(changes), syncBatch)
		batch := changes[:n]
		changes = changes[n:]
		acks, err := pg.SyncApplyBatch(ctx, st.CheckoutID, batch)
		if err != nil {
			return rep, err
		}
		if err := lt.SyncAcknowledgeBatch(ctx, batch, acks); err != nil {
			return rep, err
		}
		for _, ack := range acks {
			rep.Pushed++
			switch ack.Outcome {
			case store.SyncApplied:
				rep.Applied++
			case store.SyncRefused:
				rep.Refused++
			case store.SyncConflict:
				rep.Conflicts++
			}
		}
	}
	return rep, nil
}

// SyncResolve records the counsellor's choice on a conflict ("mine": the
// laptop's version goes to the server at the next sync, over the server's
// version only; "theirs": the server's stays). The choice is audited.
func (a *App) SyncResolve(ctx context.Context, id, choice string) (store.SyncConflictRow, error) {
	lt, err := a.laptop()
	if err != nil {
		return store.SyncConflictRow{}, err
	}
	if choice != "mine" && choice != "theirs" {
		return store.SyncConflictRow{}, invalid("--keep", "sync.keep", fmt.Errorf("--keep: %q is neither mine nor theirs", choice))
	}
	c, err := lt.SyncResolve(ctx, strings.TrimSpace(id), choice)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c, invalid("conflict", "sync.no-conflict", err, "ID", id)
	case errors.Is(err, store.ErrSyncResolved):
		return c, &Error{Kind: Refused, Rule: "resolved", Msg: "sync.resolved", Args: []any{"ID", id}, Err: err}
	}
	return c, err
}

// ErrCheckinBlocked is a check-in that would lose work: a conflict not
// resolved, or a change the server does not hold.
var ErrCheckinBlocked = errors.New("check-in would lose work")

// SyncCheckin syncs, verifies that the server holds every change this
// laptop made, and then removes the checked-out people from the laptop
// (as an erase does: nothing of them left in the files), keeping the
// register. Open conflicts refuse it: they must be resolved first.
func (a *App) SyncCheckin(ctx context.Context, from string) (SyncReport, error) {
	lt, err := a.writableLaptop()
	if err != nil {
		return SyncReport{}, err
	}
	st, err := lt.SyncState(ctx)
	if err != nil {
		return SyncReport{}, a.noCheckout(err)
	}
	rep, err := a.Sync(ctx, from)
	if err != nil {
		return rep, err
	}
	if from == "" {
		from = st.Server
	}
	if rep.Status.Conflicts > 0 {
		return rep, &Error{Kind: Refused, Rule: "conflicts-open", Msg: "sync.checkin-conflicts", Args: []any{"N", rep.Status.Conflicts}, Err: ErrCheckinBlocked}
	}
	if rep.Status.Waiting > 0 {
		return rep, &Error{Kind: Refused, Rule: "changes-waiting", Msg: "sync.checkin-waiting", Args: []any{"N", rep.Status.Waiting}, Err: ErrCheckinBlocked}
	}
	pg, err := a.server(ctx, from)
	if err != nil {
		return rep, err
	}
	defer pg.Close()
	ids, err := lt.SyncPushedIDs(ctx)
	if err != nil {
		return rep, err
	}
	missing, err := pg.SyncMissing(ctx, ids)
	if err != nil {
		return rep, err
	}
	if len(missing) > 0 {
		return rep, &Error{Kind: Refused, Rule: "server-holds-all", Msg: "sync.checkin-missing", Args: []any{"N", len(missing)}, Err: ErrCheckinBlocked}
	}
	if err := lt.SyncForget(ctx); err != nil {
		return rep, err
	}
	if err := pg.SyncCheckin(ctx, st.CheckoutID); err != nil {
		return rep, err
	}
	rep.CheckedIn = true
	rep.Status, err = a.SyncStatus(ctx)
	return rep, err
}

// SyncHeader is the sync state a person's header shows on a laptop.
type SyncHeader struct {
	// SyncedAt is when the laptop last heard from the server (the
	// checkout, or the last sync); CopiedAt when this person's copy was taken.
	SyncedAt  time.Time
	CopiedAt  time.Time
	Waiting   int
	Conflicts int
	Refused   int
}

// SyncHeader is the person's sync state; ok is false when the database is
// no laptop or the person is not checked out into it.
func (a *App) SyncHeader(ctx context.Context, personID string) (SyncHeader, bool, error) {
	if a.pg != nil || a.network || a.st == nil {
		return SyncHeader{}, false, nil
	}
	st, err := a.st.SyncState(ctx)
	if errors.Is(err, store.ErrNoCheckout) {
		return SyncHeader{}, false, nil
	}
	if err != nil {
		return SyncHeader{}, false, err
	}
	p, ok, err := a.st.SyncPersonState(ctx, personID)
	if !ok || err != nil {
		return SyncHeader{}, false, err
	}
	return SyncHeader{SyncedAt: st.SyncedAt, CopiedAt: p.CopiedAt, Waiting: p.Waiting, Conflicts: p.Conflicts, Refused: p.Refusals}, true, nil
}

// PersonConflict is one open conflict of a person, as the TUI shows it:
// what it is about (the table and row) and both versions of the row.
type PersonConflict struct {
	ID            string
	Table         string
	RowID         string
	BaseVersion   int64
	ServerVersion int64
	// Local is this laptop's version, Server the server's.
	Local, Server map[string]any
	At            time.Time
}

// SyncPersonConflicts lists a person's open conflicts on this laptop
// (none elsewhere).
func (a *App) SyncPersonConflicts(ctx context.Context, personID string) ([]PersonConflict, error) {
	if a.pg != nil || a.network || a.st == nil {
		return nil, nil
	}
	rows, err := a.st.SyncConflicts(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []PersonConflict
	for _, c := range rows {
		if c.PersonID != personID {
			continue
		}
		out = append(out, PersonConflict{ID: c.ID, Table: c.Table, RowID: c.RowID, BaseVersion: c.BaseVersion,
			ServerVersion: c.ServerVersion, Local: c.Local, Server: c.Server, At: c.At})
	}
	return out, nil
}

// ResolveConflict is SyncResolve for callers that need only whether the
// choice was recorded (the TUI).
func (a *App) ResolveConflict(ctx context.Context, id, choice string) error {
	_, err := a.SyncResolve(ctx, id, choice)
	return err
}

// SyncServer is the server this laptop's checkout came from, as kept
// (without a password); "" when the database is no laptop or holds no
// checkout. SyncCheckout takes it as from (the password from PGPASSWORD
// or ~/.pgpass, as for koers sync).
func (a *App) SyncServer(ctx context.Context) (string, error) {
	if a.pg != nil || a.network || a.st == nil {
		return "", nil
	}
	st, err := a.st.SyncState(ctx)
	if errors.Is(err, store.ErrNoCheckout) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return st.Server, nil
}
