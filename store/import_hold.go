package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
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

// importTx is Tx for an import's own short transactions (removing staged
// rows, merging FTS segments), measured; each lets the writers waiting for
// the lock go first (import_turns.go). They commit without an fsync
// (synchronous=NORMAL, as the batches do): what they do is redone by the
// next import if a power cut loses it, and an fsync under the write lock
// took seconds on a busy disk.
func (s *Store) importTx(ctx context.Context, kind string, fn func(tx *sql.Tx) error) error {
	if t, err := openTurnsIfAny(s.path); err == nil {
		t.yield(ctx)
		t.wait.Close()
	}
	c, err := s.db.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer c.Close()
	// (and without SQLite's automatic checkpoint inside COMMIT: the import
	// checkpoints after it, measured apart, as after its batches)
	for _, q := range []string{`PRAGMA synchronous = NORMAL`, `PRAGMA wal_autocheckpoint = 0`} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			return mapErr(err)
		}
	}
	defer func() {
		for _, q := range []string{`PRAGMA synchronous = FULL`, `PRAGMA wal_autocheckpoint = 1000`} {
			if _, err := c.ExecContext(context.WithoutCancel(ctx), q); err != nil {
				_ = c.Raw(func(any) error { return driver.ErrBadConn }) // never reuse it
				return
			}
		}
	}()
	defer s.writeTurn(ctx)()
	tx, err := c.BeginTx(ctx, nil)
	for attempt := 0; err != nil && isBusy(err) && attempt < 2 && ctx.Err() == nil; attempt++ {
		tx, err = c.BeginTx(ctx, nil)
	}
	if err != nil {
		return mapErr(err)
	}
	since := time.Now()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return mapErr(err)
	}
	err = mapErr(tx.Commit())
	held(kind, since)
	t := time.Now()
	_, _ = c.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	held("checkpoint", t)
	return err
}
