package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// An import never holds the database's write lock for long (issue 14 item
// 5: an 84 s import made other commands fail with SQLITE_BUSY). It stages
// its rows in short transactions behind the register generation, then
// makes them the register in one short final transaction:
//
//   - The register generation is meta 'register.generation' (a counter,
//     bumped by every import) and meta 'register.ceiling', the last offer
//     rowid of that generation. Rows above the ceiling are staged: every
//     reader of the register leaves them out (ceilingSQL; the in-memory
//     index of a generation knows only its own rows), so searches see the
//     previous generation until the new one is complete.
//   - New offers are written above the ceiling, with their FTS rows and
//     skills, in batches that commit every stageBatch of writing. A changed
//     offer is written as a new staged row under a placeholder key; the
//     final transaction deletes the old row and gives the new one its key
//     and id (so its rowid changes).
//   - The final transaction swaps the changed offers in, withdraws, counts
//     the sources, writes the vocabulary and the saved index, bumps the
//     generation and raises the ceiling over every staged row.
//   - A failed, dry-run or killed import leaves the register as it was
//     (its rows are above the ceiling); its rows are removed, in short
//     transactions, by itself or by the next import.
//   - One import at a time: an flock on the file DB-import.lock, which the
//     kernel releases however the process ends.
//
// ESCO rows are written in the final transaction (a taxonomy import holds
// the lock for its whole read; it is rare and small beside a register).

// stageBatch is how long one staging transaction writes before it commits
// and lets other writers in (their busy timeout waits for it): a quarter
// of the one second every other write must take at most.
const stageBatch = 250 * time.Millisecond

// ceilingSQL is the register generation's last rowid, for readers: rows
// above it are staged by an import that is running or died. A database no
// import has staged in yet has no ceiling: every row is visible.
const ceilingSQL = `(SELECT coalesce(max(CAST(value AS INTEGER)), 9223372036854775807) FROM meta WHERE key = 'register.ceiling')`

// stagedKeyPrefix marks the source id of a staged copy of a changed offer
// (source ids are trimmed text; none starts with a NUL).
const stagedKeyPrefix = "\x00staged\x00"

// ErrImportRunning is returned when another import holds the lock and the
// context ends before it finishes.
var ErrImportRunning = errors.New("another import is running on this database")

// stage is one import's run of short transactions.
type stage struct {
	s       *Store
	conn    *sql.Conn // the import's own connection (synchronous=NORMAL while staging)
	lock    *os.File
	turns   *turns // taking turns with other writers (import_turns.go)
	ceiling int64
	tx      *sql.Tx
	since   time.Time
	percent func() int // how far the import is, -1 unknown
	// pause, if set, is called after each batch commits (tests hold an
	// import between two batches with it).
	pause func()
	every time.Duration // batch length
}

// ImportState is what the database says about a running import, for a
// status line in any process.
type ImportState struct {
	Running bool
	Percent int // -1: unknown
	Offers  int // offers read so far
}

// importRow is the progress row (meta 'register.import').
type importRow struct {
	Percent int    `json:"percent"`
	Offers  int    `json:"offers"`
	PID     int    `json:"pid"`
	Started string `json:"started"`
}

// ImportStatus reports whether another process runs an import on this
// database and how far it is. An import this process runs itself (the
// taxonomy's first-use load, say) is not reported: what waits for it says so.
func (s *Store) ImportStatus(ctx context.Context) (ImportState, error) {
	if s.reg.importing.Load() > 0 || !importHeld(s.path) {
		return ImportState{}, nil
	}
	v, err := metaValue(ctx, s.db, "register.import")
	if err != nil {
		return ImportState{}, fmt.Errorf("import status: %w", mapErr(err))
	}
	st := ImportState{Running: true, Percent: -1}
	var r importRow
	if v != "" && json.Unmarshal([]byte(v), &r) == nil {
		st.Percent, st.Offers = r.Percent, r.Offers
	}
	return st, nil
}

// beginStage takes the import lock (waiting for another import while ctx
// allows), removes what a killed import staged, and begins the first
// staging transaction.
func (s *Store) beginStage(ctx context.Context, percent func() int) (*stage, error) {
	st := &stage{s: s, percent: percent, pause: s.stagePause, every: s.stageEvery}
	if st.every == 0 {
		st.every = stageBatch
	}
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		f, ok, err := lockImport(s.path)
		if err != nil {
			return nil, err
		}
		if ok {
			st.lock = f
			s.reg.importing.Add(1)
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", ErrImportRunning, ctx.Err())
		case <-time.After(wait):
		}
	}
	t, err := openTurns(s.path)
	if err != nil {
		st.unlock()
		return nil, fmt.Errorf("import lock: %w", err)
	}
	st.turns = t
	if err := st.recover(ctx); err != nil {
		st.unlock()
		return nil, err
	}
	if err := st.open(ctx); err != nil {
		st.unlock()
		return nil, err
	}
	if err := st.begin(ctx); err != nil {
		st.release()
		st.unlock()
		return nil, err
	}
	// One FTS segment a batch, merged a little at each commit (automerge:
	// work in proportion to what the batch wrote). With no merging at all,
	// the segments piled up until FTS5's crisis merge (crisismerge, at most
	// 1,999) merged them all in one batch's commit: 10 s under the lock in
	// the middle of a 200k import beside writers. What is left merges in
	// short steps once the generation is swapped in (mergeFTS).
	for _, q := range ftsConfig(4, 1000, 64<<20) {
		if _, err := st.tx.ExecContext(ctx, q); err != nil {
			_ = st.tx.Rollback()
			st.release()
			st.unlock()
			return nil, fmt.Errorf("import: %w", err)
		}
	}
	return st, nil
}

// recover fixes the ceiling on a database that has none and removes rows
// a killed import staged above it.
func (st *stage) recover(ctx context.Context) error {
	var ceiling sql.NullInt64
	var top int64
	err := st.s.importTx(ctx, "recover", func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'register.ceiling'`).Scan(&ceiling); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(rid), 0) FROM offers`).Scan(&top); err != nil {
			return err
		}
		if !ceiling.Valid {
			ceiling = sql.NullInt64{Int64: top, Valid: true}
			if err := setMeta(ctx, tx, "register.ceiling", strconv.FormatInt(top, 10), st.s.stamp(), st.s.actor); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'register.import'`)
		return err
	})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	st.ceiling = ceiling.Int64
	if top > st.ceiling {
		if err := st.s.dropStaged(ctx, st.ceiling); err != nil {
			return err
		}
		st.s.mergeFTS(ctx) // (the dead import's segments, in short steps)
	}
	return nil
}

// open takes the import's connection. Staged batches commit without an
// fsync (synchronous=NORMAL): a batch lost to a power cut is a staged row
// less, removed anyway; the final transaction is FULL again, and its
// fsync makes the whole WAL before it durable.
func (st *stage) open(ctx context.Context) error {
	c, err := st.s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("import: %w", mapErr(err))
	}
	for _, q := range []string{`PRAGMA synchronous = NORMAL`, `PRAGMA wal_autocheckpoint = 0`} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			c.Close()
			return fmt.Errorf("import: %w", mapErr(err))
		}
	}
	st.conn = c
	return nil
}

// release gives the connection back to the pool as the DSN made it.
func (st *stage) release() {
	if st.conn == nil {
		return
	}
	for _, q := range []string{`PRAGMA synchronous = FULL`, `PRAGMA wal_autocheckpoint = 1000`} {
		if _, err := st.conn.ExecContext(context.Background(), q); err != nil {
			_ = st.conn.Raw(func(any) error { return driver.ErrBadConn }) // never reuse it
			break
		}
	}
	st.conn.Close()
	st.conn = nil
}

// begin begins the next batch once the writers waiting for the lock have
// had their turn, shutting the gate on those that come later.
func (st *stage) begin(ctx context.Context) error {
	st.turns.yield(ctx)
	st.turns.shut(ctx)
	tx, err := st.conn.BeginTx(ctx, nil)
	if err != nil {
		st.turns.open()
		return fmt.Errorf("import: %w", mapErr(err))
	}
	st.tx, st.since = tx, time.Now()
	return nil
}

// due reports whether the current batch has written for long enough.
func (st *stage) due() bool { return time.Since(st.since) >= st.every }

// commit ends the current batch, recording the progress row in it, and
// begins the next; last makes the next the final one, with a full fsync.
func (st *stage) commit(ctx context.Context, offers int, last bool) error {
	if err := st.beat(ctx, offers); err != nil {
		return err
	}
	err := st.tx.Commit()
	st.tx = nil
	held("batch", st.since)
	st.turns.open()
	if err != nil {
		return fmt.Errorf("import: commit batch: %w", mapErr(err))
	}
	st.checkpoint(ctx)
	if st.pause != nil {
		st.pause()
	}
	if last {
		if _, err := st.conn.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
			return fmt.Errorf("import: %w", mapErr(err))
		}
	}
	return st.begin(ctx)
}

// checkpoint copies what the batches wrote from the WAL into the database
// file without taking the write lock (PASSIVE), between two batches. The
// import's connection has no automatic checkpoint: SQLite's runs inside
// COMMIT, so it would count as part of the batch, and this one is
// measured on its own ("checkpoint"; it holds no lock another writer
// needs). Copied at every batch, the WAL's part not yet in the database
// stays small, and with it the cost of every page read (each looks
// through that part's index).
func (st *stage) checkpoint(ctx context.Context) {
	t := time.Now()
	_, _ = st.conn.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
	held("checkpoint", t)
}

// beat writes the progress row other processes' status lines read.
func (st *stage) beat(ctx context.Context, offers int) error {
	p := -1
	if st.percent != nil {
		p = st.percent()
	}
	b, _ := json.Marshal(importRow{Percent: p, Offers: offers, PID: os.Getpid(), Started: st.s.stamp()})
	if err := setMeta(ctx, st.tx, "register.import", string(b), st.s.stamp(), st.s.actor); err != nil {
		return fmt.Errorf("import: progress: %w", mapErr(err))
	}
	return nil
}

// finish runs fn (the swap) in the current transaction, raises the
// ceiling over every staged row and commits: the new generation is the
// register from then on. It then merges the FTS segments the batches
// wrote, in short transactions, and lets the next import in.
func (st *stage) finish(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx := st.tx

	err := fn(tx)
	if err == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at, updated_by)
			VALUES ('register.ceiling', (SELECT CAST(coalesce(max(rid), 0) AS TEXT) FROM offers), ?1, ?2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = ?1, updated_by = ?2`, st.s.stamp(), st.s.actor)
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'register.import'`)
	}
	// (FTS5's merge settings stay the staging ones here: set back now,
	// crisismerge 16 would merge the hundreds of segments the batches wrote
	// in this transaction's commit — 22 s beside writers at 200k offers.
	// mergeFTS merges them in small steps first.)
	if err == nil {
		err = mapErr(tx.Commit())
	}
	held("final", st.since)
	st.tx = nil
	if err != nil {
		_ = tx.Rollback()
		st.turns.open()
		return err
	}
	st.turns.open()
	st.release()
	st.s.registerChanged()
	st.s.mergeFTS(ctx)
	st.unlock()
	return nil
}

// restoreFTSConfig sets FTS5's merge settings back to migration 0020's
// values, once the segments the batches wrote are merged (mergeFTS).
func (s *Store) restoreFTSConfig(ctx context.Context) error {
	return s.importTx(ctx, "merge", func(tx *sql.Tx) error {
		for _, q := range ftsConfig(4, 16, 1<<20) {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// abort rolls the current batch back and removes every staged row: the
// register stays as it was.
func (st *stage) abort(ctx context.Context) error {
	if st.tx != nil {
		_ = st.tx.Rollback()
		st.tx = nil
	}
	st.turns.open()
	st.release()
	defer st.unlock()
	// The import's own context may be what ended it: the clean-up runs
	// anyway (a kill leaves it to the next import).
	ctx = context.WithoutCancel(ctx)
	if err := st.s.dropStaged(ctx, st.ceiling); err != nil {
		return err
	}
	if err := st.s.importTx(ctx, "clean", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'register.import'`)
		return err
	}); err != nil {
		return err
	}
	st.s.mergeFTS(ctx)
	return nil
}

func (st *stage) unlock() {
	st.turns.close()
	st.turns = nil
	if st.lock != nil {
		st.lock.Close() // releases the flock
		st.lock = nil
		st.s.reg.importing.Add(-1)
	}
}

// dropStaged removes every offer row above ceiling with its FTS text and
// skills, in transactions of about stageBatch each.
func (s *Store) dropStaged(ctx context.Context, ceiling int64) error {
	for {
		n := 0
		err := s.importTx(ctx, "clean", func(tx *sql.Tx) error {
			// Rows in small steps, for at most a batch's time.
			for start := time.Now(); time.Since(start) < stageBatch; {
				k, err := dropStagedBatch(ctx, tx, ceiling, 20)
				if err != nil {
					return err
				}
				n += k
				if k == 0 {
					break
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("import: remove staged rows: %w", err)
		}
		if n == 0 {
			return nil
		}
	}
}

func dropStagedBatch(ctx context.Context, tx *sql.Tx, ceiling int64, limit int) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+offerCols+` FROM `+offerFrom+` WHERE o.rid > ? ORDER BY o.rid DESC LIMIT ?`, ceiling, limit)
	if err != nil {
		return 0, err
	}
	var c docCodec
	type gone struct {
		rid    int64
		text   offerText
		skills []string
	}
	var all []gone
	for rows.Next() {
		rid, o, err := c.scanOffer(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		g := gone{rid: rid, text: textOf(&o)}
		for _, sk := range o.Skills() {
			g.skills = append(g.skills, sk.URI)
		}
		all = append(all, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, g := range all {
		t := g.text
		if _, err := tx.ExecContext(ctx, `INSERT INTO offers_fts (offers_fts, rowid, title, description, outcomes, skills, provider) VALUES ('delete', ?, ?, ?, ?, ?, ?)`,
			g.rid, t.title, t.description, t.outcomes, t.skills, t.provider); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO offers_title_fts (offers_title_fts, rowid, title) VALUES ('delete', ?, ?)`, g.rid, t.title); err != nil {
			return 0, err
		}
		for _, uri := range g.skills {
			if _, err := tx.ExecContext(ctx, `DELETE FROM offer_skills WHERE skill = (SELECT id FROM offer_skill_uris WHERE uri = ?) AND offer = ?`, uri, g.rid); err != nil {
				return 0, err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM offers WHERE rid = ?`, g.rid); err != nil {
			return 0, err
		}
	}
	return len(all), nil
}

// mergeFTS merges the FTS index's segments a bounded amount of work a
// transaction until nothing is left to merge (what 'optimize' does in one
// long transaction), then sets the merge settings back. Errors end it
// quietly: merging only speeds searches.
func (s *Store) mergeFTS(ctx context.Context) {
	for _, t := range ftsTables {
		s.mergeFTSTable(ctx, t)
	}
	_ = s.restoreFTSConfig(ctx)
}

func (s *Store) mergeFTSTable(ctx context.Context, table string) {
	for range 10000 {
		var changed int64
		err := s.importTx(ctx, "merge", func(tx *sql.Tx) error {
			var before, after int64
			if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+table+`, rank) VALUES ('merge', ?)`, -ftsMergePages); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
				return err
			}
			changed = after - before
			return nil
		})
		if err != nil || changed <= 1 {
			return
		}
	}
}

// ftsMergePages is how many pages one merge step writes (a negative
// 'merge' merges segments of any level): 500 held the lock for up to 6 s
// on a loaded machine, 128 up to 2.8 s (load 25 on 2 cores).
const ftsMergePages = 64

// ftsTables are the register's FTS indexes an import writes.
var ftsTables = []string{"offers_fts", "offers_title_fts"}

// ftsConfig sets automerge, crisismerge and hashsize on every FTS index:
// while staging no merging and one segment a batch; between imports the
// values migration 0020 wrote.
func ftsConfig(automerge, crisismerge, hashsize int) []string {
	var qs []string
	for _, t := range ftsTables {
		qs = append(qs,
			fmt.Sprintf(`INSERT INTO %[1]s (%[1]s, rank) VALUES ('automerge', %d)`, t, automerge),
			fmt.Sprintf(`INSERT INTO %[1]s (%[1]s, rank) VALUES ('crisismerge', %d)`, t, crisismerge),
			fmt.Sprintf(`INSERT INTO %[1]s (%[1]s, rank) VALUES ('hashsize', %d)`, t, hashsize))
	}
	return qs
}

// setMeta upserts one meta key.
func setMeta(ctx context.Context, tx *sql.Tx, key, value, stamp, actor string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = ?3, updated_by = ?4`, key, value, stamp, actor)
	return err
}
