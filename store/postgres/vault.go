package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/vault"
)

// Encryption at rest on PostgreSQL (issue 14, item 3): the same columns
// as SQLite's (store.SealedColumns) sealed with the same vault under a data
// key whose wraps are rows of vault_wraps in this database, the blind index
// in person_tokens. The key lives only in the memory of the process that
// unlocked it (koers serve, or one CLI command): the server never sees it,
// so a dump, a replica or a stolen disk holds no name or note in clear.

// vaultVersion is the schema version that brings the vault's tables.
const vaultVersion = 17

// loadKeyring reads whether the database is encrypted; it runs at Open.
func (s *Store) loadKeyring(ctx context.Context) error {
	v, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if v < vaultVersion {
		s.keys = store.NewKeyring(false, false)
		return nil
	}
	var on bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM vault_wraps)`).Scan(&on); err != nil {
		return fmt.Errorf("read key wraps: %w", mapErr(err))
	}
	s.keys = store.NewKeyring(true, on)
	return nil
}

// Encrypted reports whether the database's personal data is sealed.
func (s *Store) Encrypted() bool { return s.keys.Encrypted() }

// Unlocked reports whether personal data can be read and written: the
// database is in clear, or this store was unlocked.
func (s *Store) Unlocked() bool { return s.keys.Unlocked() }

// KeyID names the data key of an unlocked database ("" otherwise).
func (s *Store) KeyID() string { return s.keys.KeyID() }

// Wraps lists the wraps of the database's data key (never the key).
func (s *Store) Wraps(ctx context.Context) ([]store.Wrap, error) {
	if tables, _, _, _ := s.keys.State(); !tables {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, kind, key_id, created_at, created_by FROM vault_wraps ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("read key wraps: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Wrap, error) {
		var w store.Wrap
		var at time.Time
		err := r.Scan(&w.ID, &w.Kind, &w.KeyID, &at, &w.CreatedBy)
		w.CreatedAt = at.UTC().Format("2006-01-02T15:04:05.000Z07:00")
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("read key wraps: %w", mapErr(err))
	}
	return out, nil
}

// readWraps parses the stored wraps; a malformed one is refused by name.
func readWraps(ctx context.Context, q querier) ([]vault.Wrap, error) {
	rows, err := q.Query(ctx, `SELECT id::text, wrap FROM vault_wraps ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("read key wraps: %w", mapErr(err))
	}
	var out []vault.Wrap
	var id, text string
	_, err = pgx.ForEachRow(rows, []any{&id, &text}, func() error {
		w, err := vault.ParseWrap(text)
		if err != nil {
			return fmt.Errorf("key wrap %s: %w", id, err)
		}
		out = append(out, w)
		return nil
	})
	return out, err
}

// Unlock opens the data key with secret. A database in clear needs no key;
// a wrong key is store.ErrWrongKey and changes nothing (wraps are only read).
func (s *Store) Unlock(ctx context.Context, secret vault.Secret) error {
	if !s.Encrypted() {
		return nil
	}
	wraps, err := readWraps(ctx, s.pool)
	if err != nil {
		return err
	}
	box, dek, err := vault.Unlock(wraps, secret)
	if err != nil {
		return fmt.Errorf("unlock %s: %w", s.display, err)
	}
	s.keys.SetKey(box, dek)
	return nil
}

// writeSeals is the sealer of a write inside tx. It reads the key id of
// the wraps in the transaction: another process may have run `koers key
// init` (a clear write would put a name back) or rotated the key (a value
// sealed with the old key would be lost) since this one looked. The read
// holds vault_wraps in ACCESS SHARE mode until the commit, so a key change
// (ACCESS EXCLUSIVE) waits for this write, and a write begun after it
// waits for the key change and then sees the new key.
func (s *Store) writeSeals(ctx context.Context, tx querier) (store.Sealer, error) {
	tables, on, box, _ := s.keys.State()
	if !tables {
		return store.NewSealer(nil), nil
	}
	var current string
	if err := tx.QueryRow(ctx, `SELECT coalesce(min(key_id), '') FROM vault_wraps`).Scan(&current); err != nil {
		return store.Sealer{}, fmt.Errorf("read key wraps: %w", mapErr(err))
	}
	switch {
	case !on && current == "":
		return store.NewSealer(nil), nil
	case !on || box == nil:
		return store.Sealer{}, store.ErrLocked
	case current != box.ID():
		return store.Sealer{}, fmt.Errorf("the database's key was changed by another koers since this one unlocked it (key %s, now %s): start koers again: %w", box.ID(), current, store.ErrLocked)
	}
	return store.NewSealer(box), nil
}

// readSeals is the opener of a read: store.ErrLocked when the database is
// encrypted and this store has no key.
func (s *Store) readSeals() (store.Sealer, error) { return s.keys.ReadSealer() }

// writeTokens replaces a person's blind index tokens (name and e-mail); a
// database in clear keeps none.
func writeTokens(ctx context.Context, q querier, z store.Sealer, personID, name, email string) error {
	if z.Box() == nil {
		return nil
	}
	if _, err := q.Exec(ctx, `DELETE FROM person_tokens WHERE person_id=$1`, personID); err != nil {
		return fmt.Errorf("index person: %w", err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO person_tokens (token, person_id) SELECT t, $1 FROM unnest($2::text[]) t ON CONFLICT DO NOTHING`,
		personID, z.Box().Tokens(name, email)); err != nil {
		return fmt.Errorf("index person: %w", err)
	}
	return nil
}

// InitKey turns encryption on: a new data key, wrapped as setup says and by
// a new recovery key, seals every personal value already in the database
// and builds the blind index, in one transaction (all rows or none).
func (s *Store) InitKey(ctx context.Context, setup store.KeySetup) (store.KeyChange, error) {
	if tables, _, _, _ := s.keys.State(); !tables {
		return store.KeyChange{}, fmt.Errorf("key init: schema older than %d: run koers migrate", vaultVersion)
	}
	if s.Encrypted() {
		return store.KeyChange{}, store.ErrEncrypted
	}
	return s.changeKey(ctx, setup, nil)
}

// RotateKey replaces the data key of an unlocked database: every sealed
// value is opened with the old key and sealed with the new, the index is
// rebuilt and the wraps are replaced by those of setup and a new recovery
// key, in one transaction.
func (s *Store) RotateKey(ctx context.Context, setup store.KeySetup) (store.KeyChange, error) {
	if !s.Encrypted() {
		return store.KeyChange{}, store.ErrNotEncrypted
	}
	old, err := s.readSeals()
	if err != nil {
		return store.KeyChange{}, err
	}
	return s.changeKey(ctx, setup, old.Box())
}

// changeKey reseals everything under a new key in one transaction. It
// locks vault_wraps ACCESS EXCLUSIVE first: every write that seals waits
// (writeSeals reads the table), and the writes in flight finish before the
// rows are read. The transaction names itself in koers.resealing, which
// lets the append-only tables' sealed columns, and only those, change.
func (s *Store) changeKey(ctx context.Context, setup store.KeySetup, old *vault.Box) (store.KeyChange, error) {
	dek := vault.NewDataKey()
	box, err := vault.NewBox(dek)
	if err != nil {
		return store.KeyChange{}, err
	}
	wraps, printed, err := setup.Wraps(dek, box.ID())
	if err != nil {
		return store.KeyChange{}, err
	}
	if err := s.ownsSealedTables(ctx); err != nil {
		return store.KeyChange{}, err
	}
	out := store.KeyChange{KeyID: box.ID(), Recovery: printed}
	var done func(bool)
	err = s.attemptOnce(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE vault_wraps IN ACCESS EXCLUSIVE MODE`); err != nil {
			return err
		}
		var have int
		var current string
		if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(min(key_id), '') FROM vault_wraps`).Scan(&have, &current); err != nil {
			return err
		}
		if (old == nil) != (have == 0) || (old != nil && current != old.ID()) {
			return fmt.Errorf("key: another process changed the database's key meanwhile: %w", store.ErrConflict)
		}
		out.Dropped = max(0, have-len(wraps))
		if _, err := tx.Exec(ctx, `SELECT set_config('koers.resealing', 'on', true)`); err != nil {
			return err
		}
		n, err := store.Reseal(ctx, pgResealer{tx}, store.NewSealer(old), store.NewSealer(box))
		if err != nil {
			return err
		}
		out.Rows = n
		if _, err := tx.Exec(ctx, `SELECT set_config('koers.resealing', '', true)`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM vault_wraps`); err != nil {
			return err
		}
		for _, w := range wraps {
			if _, err := tx.Exec(ctx, `INSERT INTO vault_wraps (id, kind, key_id, wrap, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6)`,
				NewID(), string(w.Kind), w.KeyID, w.String(), s.stamp(), s.actor); err != nil {
				return fmt.Errorf("store key wrap: %w", err)
			}
		}
		// The new key takes over before the commit lets the next writer
		// of this process in (koers serve's sessions share the keyring).
		done = s.keys.TakeOver(box, dek)
		return nil
	})
	if done != nil {
		done(err == nil)
	}
	if err != nil {
		return store.KeyChange{}, fmt.Errorf("key: %w", mapErr(err))
	}
	if out.Wraps, err = s.Wraps(ctx); err != nil {
		return out, err
	}
	return out, s.scrub(ctx)
}

// sealedTables are the tables a key change rewrites.
func sealedTables() []string {
	seen := map[string]bool{}
	var tables []string
	for _, c := range store.SealedColumns() {
		if !seen[c.Table] {
			seen[c.Table] = true
			tables = append(tables, c.Table)
		}
	}
	return append(tables, "person_tokens")
}

// ownsSealedTables refuses a key change, before it starts, by a role that
// does not own the sealed tables: it could not rewrite the append-only
// ones' sealed columns (their UPDATE is revoked from koers_app) nor
// VACUUM them after the commit.
func (s *Store) ownsSealedTables(ctx context.Context) error {
	var notOwned string
	if err := s.pool.QueryRow(ctx, `SELECT coalesce(string_agg(c.relname, ', ' ORDER BY c.relname), '') FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relname = ANY($1) AND NOT pg_has_role(current_user, c.relowner, 'USAGE')`,
		sealedTables()).Scan(&notOwned); err != nil {
		return fmt.Errorf("key: read the tables' owner: %w", mapErr(err))
	}
	if notOwned != "" {
		return fmt.Errorf("key: a key change on PostgreSQL runs as the owner of the tables it rewrites (the role that ran koers migrate), not as %s: %s", s.role(ctx), notOwned)
	}
	return nil
}

// role is the role this store connects as.
func (s *Store) role(ctx context.Context) string {
	var r string
	if err := s.pool.QueryRow(ctx, `SELECT current_user`).Scan(&r); err != nil {
		return "this role"
	}
	return r
}

// attemptOnce runs fn in one transaction, without the retry of tx: a key
// change hands its key over inside fn, and an outcome lost with the
// connection is reported, not guessed at (the wraps then say which key
// the database has).
func (s *Store) attemptOnce(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	return tx.Commit(ctx)
}

// scrub rewrites the tables of sealed columns (VACUUM FULL): the clear or
// old-key row versions a key change leaves behind as dead tuples go from
// the data files. It needs the tables' owner (the role that migrated).
func (s *Store) scrub(ctx context.Context) error {
	tables := sealedTables()
	if _, err := s.pool.Exec(ctx, `VACUUM (FULL) `+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("key: the data is sealed, but the old row versions could not be rewritten (VACUUM FULL needs the tables' owner: run it as the role that ran koers migrate): %w", mapErr(err))
	}
	return nil
}

// AddWrap wraps the unlocked data key once more, with a passphrase or a
// key file; replace drops the wraps of that kind first.
func (s *Store) AddWrap(ctx context.Context, kind vault.Kind, secret []byte, p vault.Params, replace bool) (store.Wrap, error) {
	_, on, box, dek := s.keys.State()
	if !on {
		return store.Wrap{}, store.ErrNotEncrypted
	}
	if box == nil {
		return store.Wrap{}, store.ErrLocked
	}
	if p == (vault.Params{}) {
		p = vault.DefaultParams
	}
	w, err := vault.WrapKey(dek, box.ID(), kind, secret, p)
	if err != nil {
		return store.Wrap{}, err
	}
	id := NewID()
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := s.writeSeals(ctx, tx); err != nil {
			return err
		}
		if replace {
			if _, err := tx.Exec(ctx, `DELETE FROM vault_wraps WHERE kind=$1`, string(kind)); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO vault_wraps (id, kind, key_id, wrap, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6)`,
			id, string(kind), w.KeyID, w.String(), s.stamp(), s.actor)
		return err
	})
	if err != nil {
		return store.Wrap{}, fmt.Errorf("key: %w", err)
	}
	ws, err := s.Wraps(ctx)
	if err != nil {
		return store.Wrap{}, err
	}
	for _, w := range ws {
		if w.ID == id {
			return w, nil
		}
	}
	return store.Wrap{}, errors.New("key: the new wrap is not there after its commit")
}

// pgResealer is store.Reseal's access to the rows of a key change's
// transaction on PostgreSQL.
type pgResealer struct{ tx pgx.Tx }

// rowKey is how a key change's UPDATE finds the row of c: by its uuid
// primary key (a draft: its person and kind), so the index serves it.
func rowKey(c store.SealedColumn) (sel, where string) {
	if c.Table == "drafts" {
		return `person_id::text || '/' || kind`, `person_id::text || '/' || kind = $2 AND person_id = split_part($2, '/', 1)::uuid`
	}
	return `id::text`, `id = $2::uuid`
}

func (r pgResealer) SealedRows(ctx context.Context, c store.SealedColumn) ([]store.SealedRow, error) {
	sel, _ := rowKey(c)
	rows, err := r.tx.Query(ctx, `SELECT `+sel+`, `+c.Column+` FROM `+c.Table)
	if err != nil {
		return nil, fmt.Errorf("read %s.%s: %w", c.Table, c.Column, err)
	}
	var all []store.SealedRow
	var id, text string
	_, err = pgx.ForEachRow(rows, []any{&id, &text}, func() error {
		all = append(all, store.SealedRow{Key: id, ID: id, Text: text})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s.%s: %w", c.Table, c.Column, err)
	}
	return all, nil
}

func (r pgResealer) WriteSealed(ctx context.Context, c store.SealedColumn, row store.SealedRow, text string) error {
	_, where := rowKey(c)
	if _, err := r.tx.Exec(ctx, `UPDATE `+c.Table+` SET `+c.Column+`=$1 WHERE `+where, text, row.ID); err != nil {
		return fmt.Errorf("seal %s.%s of %s: %w", c.Table, c.Column, row.ID, mapErr(err))
	}
	return nil
}

func (r pgResealer) ReplaceTokens(ctx context.Context, to store.Sealer, people map[string][2]string) error {
	if _, err := r.tx.Exec(ctx, `DELETE FROM person_tokens`); err != nil {
		return err
	}
	for id, p := range people {
		if err := writeTokens(ctx, r.tx, to, id, p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}
