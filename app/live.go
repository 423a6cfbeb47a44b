package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// What part of a person's file a Change touched.
const (
	ChangedProfile     = "profile"
	ChangedLedger      = "ledger"
	ChangedPlan        = "plan"
	ChangedGuidance    = "guidance"
	ChangedCredentials = "credentials"
	ChangedErased      = "erased"
)

// Change is one committed change of a person's file, told to the other
// sessions of the same process that have the person open (koers serve runs
// every counsellor's session over one App). It names the person, the part
// of the file and the account; never the data.
type Change struct {
	// PersonID is the person changed; "" when the use-case does not know
	// whose file it changed (an action by its id): every watcher is told.
	PersonID string
	What     string
	By       string
	// Session is the server's id of the session that made it ("" outside
	// koers serve), for the log.
	Session string
	// origin is the App view that made the change: its own watchers are
	// not told (the screen that saved reloads by itself).
	origin uint64
}

// Hub hands the changes the use-cases commit to the sessions watching.
// Publishing never blocks: a watcher that has not read its pending change
// yet misses the next ones, which it loses nothing by, because a watcher
// reloads the whole file on any change.
type Hub struct {
	mu        sync.Mutex
	watches   map[*Watch]struct{}
	observers []func(Change)
	origins   atomic.Uint64
}

func newHub() *Hub { return &Hub{watches: map[*Watch]struct{}{}} }

// Watch is one session's subscription to a person's changes.
type Watch struct {
	hub      *Hub
	personID string
	origin   uint64
	c        chan Change
	once     sync.Once
}

// C delivers the changes of the watched person made by others; it is
// closed by Close.
func (w *Watch) C() <-chan Change { return w.c }

// PersonID is the person watched.
func (w *Watch) PersonID() string { return w.personID }

// Close ends the watch (more than once is fine).
func (w *Watch) Close() {
	w.once.Do(func() {
		w.hub.mu.Lock()
		delete(w.hub.watches, w)
		w.hub.mu.Unlock()
		close(w.c)
	})
}

// Watch subscribes to the changes of personID's file made through any
// other App view over the same database in this process (the sessions of
// other counsellors). The caller must Close it.
func (a *App) Watch(personID string) *Watch {
	w := &Watch{hub: a.hub, personID: personID, origin: a.origin, c: make(chan Change, 1)}
	a.hub.mu.Lock()
	a.hub.watches[w] = struct{}{}
	a.hub.mu.Unlock()
	return w
}

// InSession is the view a with the server's id of the session it serves,
// which the changes it makes carry (for the log).
func (a *App) InSession(id string) *App {
	b := *a
	b.session = id
	return &b
}

// OnChange calls fn after every change any view commits (koers serve logs
// them: session, account and action, never whose file). fn must not block.
func (a *App) OnChange(fn func(Change)) {
	a.hub.mu.Lock()
	a.hub.observers = append(a.hub.observers, fn)
	a.hub.mu.Unlock()
}

// publish tells the watchers of personID, after a commit, what changed.
func (a *App) publish(personID, what string) {
	ch := Change{PersonID: personID, What: what, By: a.actor, Session: a.session, origin: a.origin}
	a.hub.mu.Lock()
	observers := a.hub.observers
	defer func() {
		a.hub.mu.Unlock()
		for _, fn := range observers {
			fn(ch)
		}
	}()
	for w := range a.hub.watches {
		if w.origin == ch.origin || (personID != "" && w.personID != personID) {
			continue
		}
		select {
		case w.c <- ch:
		default: // one is pending already: the reload it causes sees this one too
		}
	}
}

// published runs a plan use-case and, when it saved, tells the plan's
// watchers; a refusal because the plan changed since it was shown becomes
// a Refused *Error.
func (a *App) published(p sessions.Plan, err error) (sessions.Plan, error) {
	if err != nil {
		return p, changedErr(err)
	}
	a.publish(p.PersonID, ChangedPlan)
	return p, nil
}

// changedErr maps a save on an older version to a Refused *Error whose
// arguments say what, who and when; other errors pass unchanged.
func changedErr(err error) error {
	var ce *sessions.ChangedError
	if !errors.As(err, &ce) {
		return err
	}
	return refused("unchanged-since-read", "", ce, "What", ce.What, "By", ce.By, "At", ce.At)
}

// ExpectVersion is ctx with the version of a plan an edit was made on (the
// version the screen showed): the plan use-cases through ctx are refused
// with an "unchanged-since-read" Refused *Error when the plan has been
// saved since.
func ExpectVersion(ctx context.Context, planID string, version int64) context.Context {
	return store.ExpectVersion(ctx, planID, version)
}
