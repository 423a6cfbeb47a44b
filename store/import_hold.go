package store

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// ImportHold is one write transaction an import ran: what it did and how
// long it held the database's write lock (from BEGIN IMMEDIATE returning
// to COMMIT returning).
type ImportHold struct {
	Kind string // "recover", "batch", "final", "merge", "clean"
	Held time.Duration
}

// importHoldHook, if set, is told of every write transaction an import
// runs (SetImportHoldHook).
var importHoldHook atomic.Pointer[func(ImportHold)]

// SetImportHoldHook makes fn (nil: nothing) hear of every write
// transaction any import of this process runs, with how long it held the
// write lock: the measure of how long an import can keep other writers
// waiting (issue 14 item 5). Tests and benchmarks set it.
func SetImportHoldHook(fn func(ImportHold)) {
	if fn == nil {
		importHoldHook.Store(nil)
		return
	}
	importHoldHook.Store(&fn)
}

// held reports one import write transaction that took the lock at since.
func held(kind string, since time.Time) {
	if fn := importHoldHook.Load(); fn != nil {
		(*fn)(ImportHold{Kind: kind, Held: time.Since(since)})
	}
}

// importTx is Tx for an import's own short transactions, measured; each
// lets the writers waiting for the lock go first (import_turns.go).
func (s *Store) importTx(ctx context.Context, kind string, fn func(tx *sql.Tx) error) error {
	if t, err := openTurnsIfAny(s.path); err == nil {
		t.yield(ctx)
		t.wait.Close()
	}
	var since time.Time
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		since = time.Now()
		return fn(tx)
	})
	if !since.IsZero() {
		held(kind, since)
	}
	return err
}
