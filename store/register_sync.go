package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/koers-project/koers/catalog"
)

// RegisterMark is where a local index of an upstream register (the
// network's, on PostgreSQL) stands: the upstream's identity (Epoch), the
// last generation brought over, and when the index last heard from the
// upstream. The zero mark is an index never synced.
type RegisterMark struct {
	Epoch      string    `json:"epoch,omitempty"`
	Generation int64     `json:"generation"`
	SyncedAt   time.Time `json:"synced_at"`
}

// Meta keys of the mark; they sit beside this file's own register
// generation ('register.generation'), which counts local changes.
const (
	markEpoch      = "register.upstream.epoch"
	markGeneration = "register.upstream.generation"
	markSyncedAt   = "register.upstream.synced_at"
)

// RegisterMark reads the mark of this file's register index.
func (s *Store) RegisterMark(ctx context.Context) (RegisterMark, error) {
	var m RegisterMark
	rows, err := s.db.QueryContext(ctx, `SELECT key, value FROM meta WHERE key IN (?, ?, ?)`, markEpoch, markGeneration, markSyncedAt)
	if err != nil {
		return m, fmt.Errorf("register mark: %w", mapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return m, err
		}
		switch k {
		case markEpoch:
			m.Epoch = v
		case markGeneration:
			if m.Generation, err = strconv.ParseInt(v, 10, 64); err != nil {
				return m, fmt.Errorf("register mark: meta %s = %q: %w", k, v, err)
			}
		case markSyncedAt:
			m.SyncedAt = readStamp(v)
		}
	}
	return m, rows.Err()
}

// ApplyRegister brings this file's register up to mark (read once the
// changes are consumed: the upstream's snapshot names it): changes are the
// upstream offers added, changed or withdrawn since this file's mark
// (withdrawn ones as tombstones: Status withdrawn), grouped by source, each
// with the upstream's id. They are written through the importer (the same
// search index, terms and planner facts as an import), all in one
// transaction with the new mark: an interrupted sync leaves the file at its
// old mark, and the next one brings the same changes again (writing an
// unchanged offer is a no-op). progress, if set, is told the number of
// offers applied so far.
func (s *Store) ApplyRegister(ctx context.Context, changes iter.Seq2[catalog.Offer, error], mark func() RegisterMark, progress func(n int)) (OfferCounts, error) {
	// Staged like an import (import_stage.go): readers keep the old
	// generation until the final transaction swaps the changes in with
	// the new mark.
	st, err := s.beginStage(ctx, nil)
	if err != nil {
		return OfferCounts{}, err
	}
	var total OfferCounts
	w, err := newOfferWriter(ctx, st, nil, s.Actor(), s.stamp())
	if err == nil {
		err = func() error {
			next, stop := iter.Pull2(changes)
			defer stop()
			head, err, ok := next()
			done := 0
			for ok {
				if err != nil {
					return err
				}
				source := head.Source
				var runErr error
				first := head
				run := func(yield func(catalog.Offer, error) bool) {
					if !yield(first, nil) {
						return
					}
					for {
						head, err, ok = next()
						if !ok {
							return
						}
						if err != nil {
							runErr = err
							return
						}
						if head.Source != source {
							return
						}
						if !yield(head, nil) {
							ok = false
							return
						}
					}
				}
				base := done
				opt := OfferImportOptions{ProgressEvery: 5000}
				if progress != nil {
					opt.Progress = func(n int) { progress(base + n) }
				}
				n, err := s.importOffers(ctx, w, source, run, opt)
				if err != nil {
					return fmt.Errorf("register sync, source %s: %w", source, err)
				}
				if runErr != nil {
					return fmt.Errorf("register sync: %w", runErr)
				}
				total.Added += n.Added
				total.Changed += n.Changed
				total.Unchanged += n.Unchanged
				done += n.Added + n.Changed + n.Unchanged
			}
			return nil
		}()
		if err == nil {
			err = w.commit(ctx, true)
		}
		if err == nil {
			err = st.finish(ctx, func(tx *sql.Tx) error {
				if err := w.finishImport(tx); err != nil {
					return err
				}
				return s.writeMark(ctx, tx, mark())
			})
		}
		w.close()
		if err == nil {
			return total, nil
		}
	}
	if aerr := st.abort(ctx); aerr != nil {
		return OfferCounts{}, errors.Join(err, aerr)
	}
	return OfferCounts{}, err
}

// MarkRegister records mark without changes (the upstream had none: the
// index is as of now).
func (s *Store) MarkRegister(ctx context.Context, mark RegisterMark) error {
	return s.Tx(ctx, func(tx *sql.Tx) error { return s.writeMark(ctx, tx, mark) })
}

func (s *Store) writeMark(ctx context.Context, tx *sql.Tx, m RegisterMark) error {
	if m.Epoch == "" && m.Generation == 0 {
		return errors.New("register mark: no upstream epoch")
	}
	for k, v := range map[string]string{markEpoch: m.Epoch, markGeneration: strconv.FormatInt(m.Generation, 10), markSyncedAt: m.SyncedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00")} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			k, v, s.stamp(), s.actor); err != nil {
			return fmt.Errorf("register mark: %w", mapErr(err))
		}
	}
	return nil
}
