package app

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/postgres"
)

// ErrNotNetwork refuses a register sync on an SQLite database, whose
// register is its own.
var ErrNotNetwork = errors.New("register sync needs a PostgreSQL database")

// RegisterMark is where the local register index stands.
type RegisterMark = store.RegisterMark

// RegisterSync is what SyncRegister did: the generation the local index
// is at, how many offers changed (added or changed) and were withdrawn
// since the last sync, and the active offers it now holds.
type RegisterSync struct {
	Generation int64     `json:"generation"`
	Changed    int       `json:"changed"`
	Withdrawn  int       `json:"withdrawn"`
	Active     int       `json:"active"`
	UpToDate   bool      `json:"up_to_date"` // nothing to bring over
	SyncedAt   time.Time `json:"synced_at"`
	Cache      string    `json:"cache"` // the local index file
}

// SyncProgress is how far a register sync is: Done of Total offers.
type SyncProgress struct{ Done, Total int }

// Network reports whether the database is PostgreSQL, whose register the
// process searches in a local index that SyncRegister brings up to date.
func (a *App) Network() bool { return a.network }

// RegisterMark is the local index's mark: the generation it holds and
// when it last heard from PostgreSQL (zero on SQLite and before the first
// sync).
func (a *App) RegisterMark(ctx context.Context) (RegisterMark, error) {
	if !a.Network() {
		return RegisterMark{}, nil
	}
	return a.st.RegisterMark(ctx)
}

// SyncRegister brings the local register index up to date from the
// network's register on PostgreSQL: only the offers added, changed or
// withdrawn after the generation it holds (all of them the first time,
// or when the database's register was recreated), in one transaction of
// the index with its new mark. progress, if set, is told how far it is.
// Searching the index goes on meanwhile (SQLite's WAL).
func (a *App) SyncRegister(ctx context.Context, progress func(SyncProgress)) (RegisterSync, error) {
	if !a.Network() {
		return RegisterSync{}, invalid("db", "register.sync.sqlite", ErrNotNetwork)
	}
	out := RegisterSync{Cache: a.st.Path()}
	if a.offline != nil {
		return out, a.people.(offlinePeople).fail()
	}
	mark, err := a.st.RegisterMark(ctx)
	if err != nil {
		return out, err
	}
	head, err := a.pg.RegisterHead(ctx)
	if err != nil {
		return out, err
	}
	since := mark.Generation
	if head.Epoch != mark.Epoch || head.Generation < mark.Generation {
		since = 0 // another register (recreated at this URL): bring over all of it
	}
	now := a.now().UTC()
	if head.Generation == since && since == mark.Generation && head.Epoch == mark.Epoch {
		if head.Generation > 0 || mark.Generation > 0 {
			if err := a.st.MarkRegister(ctx, RegisterMark{Epoch: head.Epoch, Generation: head.Generation, SyncedAt: now}); err != nil {
				return out, err
			}
		}
		out.Generation, out.UpToDate, out.SyncedAt = head.Generation, true, now
		out.Active, err = a.activeOffers(ctx)
		return out, err
	}
	var total int
	changes, seen := a.registerChanges(ctx, since, func(h postgres.RegisterHead, n int) { head, total = h, n })
	withdrawn := 0
	counted := func(yield func(catalog.Offer, error) bool) {
		for o, err := range changes {
			if err == nil && o.Status == catalog.StatusWithdrawn {
				withdrawn++
			}
			if !yield(o, err) {
				return
			}
		}
	}
	var tell func(int)
	if progress != nil {
		tell = func(n int) { progress(SyncProgress{Done: n, Total: total}) }
	}
	n, err := a.st.ApplyRegister(ctx, counted, func() RegisterMark {
		return RegisterMark{Epoch: head.Epoch, Generation: head.Generation, SyncedAt: now}
	}, tell)
	if err != nil {
		return out, err
	}
	if err := seen(); err != nil {
		return out, err
	}
	out.Generation, out.SyncedAt = head.Generation, now
	out.Withdrawn = withdrawn
	out.Changed = n.Added + n.Changed + n.Unchanged - withdrawn
	out.Active, err = a.activeOffers(ctx)
	return out, err
}

func (a *App) activeOffers(ctx context.Context) (int, error) {
	st, err := a.st.RegisterStats(ctx)
	return st.OffersActive, err
}

// registerChanges streams PostgreSQL's changes after since as an
// iterator, read on its own goroutine (the server's rows arrive while the
// index writes the previous ones). begin is told the snapshot's head and
// count before the first offer; done, after the iterator is consumed,
// is the read's error.
func (a *App) registerChanges(ctx context.Context, since int64, begin func(postgres.RegisterHead, int)) (iter.Seq2[catalog.Offer, error], func() error) {
	var readErr error
	seq := func(yield func(catalog.Offer, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := make(chan catalog.Offer, 512)
		errc := make(chan error, 1)
		go func() {
			defer close(ch)
			errc <- a.pg.RegisterChanges(ctx, since, func(h postgres.RegisterHead, n int) error {
				begin(h, n)
				return nil
			}, func(o catalog.Offer) error {
				select {
				case ch <- o:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		}()
		stopped := false
		for o := range ch {
			if !stopped && !yield(o, nil) {
				stopped = true
				cancel()
			}
		}
		if err := <-errc; err != nil && !stopped {
			readErr = err
			yield(catalog.Offer{}, err)
		}
	}
	return seq, func() error { return readErr }
}

// RegisterAge is the local index's "as of": when it last heard from
// PostgreSQL (zero: never).
func (a *App) RegisterAge(ctx context.Context) (time.Time, error) {
	m, err := a.RegisterMark(ctx)
	return m.SyncedAt, err
}

// ErrESCOLocal refuses an ESCO download in an import to PostgreSQL: the
// taxonomy lives in each process's local index (the snapshot that ships
// with koers), not in the network's register.
var ErrESCOLocal = errors.New("ESCO is not imported into PostgreSQL")

// importNetwork imports register files into the network's register on
// PostgreSQL: the files are read, validated and keyed exactly as an
// SQLite import does, into a throwaway SQLite register (all or nothing,
// with the same report of problems by file, line and field), which is
// then written to PostgreSQL as one new register generation
// (postgres.PushRegister: added, changed, withdrawn). The local index is
// then brought up to date (SyncRegister). A dry run stops after the
// validation.
func (a *App) importNetwork(ctx context.Context, paths []string, opt ImportOptions) (ImportReport, error) {
	dir, err := os.MkdirTemp("", "koers-import-")
	if err != nil {
		return ImportReport{}, fmt.Errorf("import: %w", err)
	}
	defer os.RemoveAll(dir)
	stage, err := store.Open(ctx, filepath.Join(dir, "stage.db"), store.Options{Actor: a.actor, Now: a.now})
	if err != nil {
		return ImportReport{}, fmt.Errorf("import: %w", err)
	}
	defer stage.Close()
	rep, err := stage.Import(ctx, paths, opt)
	if err != nil {
		return rep, err
	}
	if rep.ESCO != nil {
		return rep, invalid("path", "register.import.esco_local", ErrESCOLocal)
	}
	if opt.DryRun {
		return rep, nil
	}
	push, err := a.pg.PushRegister(ctx, stage.EachOffer(ctx, ""), opt.Full)
	if err != nil {
		return rep, err
	}
	rep.Offers = push.OfferCounts
	rep.Sources = push.Sources
	if _, err := a.SyncRegister(ctx, nil); err != nil {
		return rep, fmt.Errorf("import done (generation %d); bringing the local index up to date: %w", push.Generation, err)
	}
	return rep, nil
}
