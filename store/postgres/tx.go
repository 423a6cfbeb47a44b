package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// tx runs fn as one unit of work: a READ COMMITTED transaction (the
// account row lock, not the isolation level, orders ledger posts),
// committed when fn returns nil. It is run again, from the start, when it
// failed in a way a new attempt can cure: a serialization failure, a
// deadlock, a lost connection or a server that is restarting. So fn may run
// more than once and must keep its effects inside tx (results it hands out
// are assigned afresh by each attempt). When the connection is lost during
// COMMIT, the server is asked whether the transaction committed
// (pg_xact_status), so an acknowledged write is never written twice and a
// write is never reported done that was not.
func (s *Store) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	start := time.Now()
	wait := 5 * time.Millisecond
	for {
		err := s.attempt(ctx, fn)
		if err == nil {
			return nil
		}
		if !retryable(err) || ctx.Err() != nil || time.Since(start) > s.retryFor {
			return mapErr(err)
		}
		if err := sleep(ctx, wait); err != nil {
			return mapErr(err)
		}
		wait = min(wait*2, 500*time.Millisecond)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (s *Store) attempt(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	// The transaction's id, so that a COMMIT whose answer is lost can be
	// looked up afterwards; asking assigns it now rather than at the first
	// write (every unit of work here writes).
	var xid string
	if err := tx.QueryRow(ctx, `SELECT pg_current_xact_id()::text`).Scan(&xid); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	err = tx.Commit(ctx)
	if err == nil || !connLost(err) {
		return err
	}
	committed, serr := s.xactStatus(ctx, xid)
	switch {
	case serr != nil:
		return fmt.Errorf("%w: %w", ErrUnknownOutcome, serr)
	case committed:
		return nil
	}
	return err // aborted: retryable, it never happened
}

// errInProgress marks a transaction the server still reports running.
var errInProgress = errors.New("transaction still in progress")

// xactStatus asks, on a fresh connection, whether transaction xid
// committed. A backend cut off mid-COMMIT may still be finishing it, so
// "in progress" is asked again until it settles (or retryFor passes).
func (s *Store) xactStatus(ctx context.Context, xid string) (bool, error) {
	start := time.Now()
	wait := 5 * time.Millisecond
	for {
		var status *string
		err := s.pool.QueryRow(ctx, `SELECT pg_xact_status($1::xid8)`, xid).Scan(&status)
		switch {
		case err == nil && status == nil:
			return false, fmt.Errorf("transaction %s is too old to look up", xid)
		case err == nil && *status == "committed":
			return true, nil
		case err == nil && *status == "aborted":
			return false, nil
		case err == nil:
			err = errInProgress
		case !retryable(err):
			return false, err
		}
		if time.Since(start) > s.retryFor {
			return false, err
		}
		if err := sleep(ctx, wait); err != nil {
			return false, err
		}
		wait = min(wait*2, 500*time.Millisecond)
	}
}

// retryable reports whether a new attempt of the whole unit of work may
// succeed where this one failed.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "40001", // serialization_failure
			"40P01", // deadlock_detected
			"57P01", // admin_shutdown: the server is stopping (a restart)
			"57P02", // crash_shutdown
			"57P03": // cannot_connect_now: the server is starting
			return true
		}
		return pe.Code[:2] == "08" // connection exceptions
	}
	return connLost(err)
}

// Unreachable reports whether err says the server could not be reached
// (refused, reset, timed out, or lost), as opposed to a refusal by a
// server that answered (a wrong password, a missing database).
func Unreachable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code[:2] == "08" || pe.Code == "57P03"
	}
	return connLost(err)
}

// connLost reports whether err says the connection (not the statement) failed.
func connLost(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case pgconn.SafeToRetry(err), errors.As(err, &ce), errors.As(err, &ne):
		return true
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, net.ErrClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE):
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return false
}
