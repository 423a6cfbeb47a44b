package store

import (
	"context"
	"database/sql"
	"fmt"
)

// markErase commits the marker of an erase about to start (its own
// transaction, before anything is deleted): from then on the erase is
// finished by whoever opens the database next, if this process dies.
func (s *Store) markErase(ctx context.Context, conn *sql.Conn, id string) error {
	if _, err := conn.ExecContext(ctx, `INSERT OR IGNORE INTO erase_pending (person_id, requested_at, requested_by) VALUES (?, ?, ?)`,
		id, s.stamp(), s.actor); err != nil {
		return fmt.Errorf("erase: mark: %w", mapErr(err))
	}
	return nil
}

// unmarkErase removes the marker once the file is scrubbed, and truncates
// the WAL again so that not even the marker's id stays in it.
func (s *Store) unmarkErase(ctx context.Context, conn *sql.Conn, id string) error {
	if _, err := conn.ExecContext(ctx, `DELETE FROM erase_pending WHERE person_id=?`, id); err != nil {
		return fmt.Errorf("erase: unmark: %w", mapErr(err))
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("erase: truncate wal: %w", mapErr(err))
	}
	return nil
}

// resumeErasures finishes every erase a killed process left marked: it
// runs when the database is opened, after the migrations and before the
// store is handed to anyone.
func (s *Store) resumeErasures(ctx context.Context) error {
	ids, err := queryStrings(ctx, s.db, `SELECT person_id FROM erase_pending ORDER BY requested_at`)
	if err != nil {
		return fmt.Errorf("read pending erasures: %w", mapErr(err))
	}
	for _, id := range ids {
		if err := s.ErasePerson(ctx, id); err != nil {
			return fmt.Errorf("finish the erase of person %s that was interrupted: %w", id, err)
		}
	}
	return nil
}

// eraseMarkerVersion is the schema version that has erase_pending.
const eraseMarkerVersion = 12
