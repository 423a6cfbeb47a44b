package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/koers-project/koers/vault"
)

// sealedColumns are every column sealed once encryption is on: people's
// names and contact details, the free text of guidance (session summary,
// reason not attended, notes, goals, actions, drafts), plan names and step notes,
// step outcome reasons, ledger entry reasons, the reasons and funders of
// entries held for approval and the reasons of their decisions, the
// break-glass reason of an audit row, earned credentials (the document
// with the learner's fields, and its title) and the reasons of erasure
// requests and their decisions. A new column of personal data joins this
// list and its read and write points on both engines (README,
// Encryption at rest).
var sealedColumns = []SealedColumn{
	{"people", "name", "id"}, {"people", "email", "id"}, {"people", "phone", "id"}, {"people", "availability", "id"},
	{"guidance_sessions", "summary", "id"}, {"guidance_sessions", "reason", "id"},
	{"session_notes", "body", "id"},
	{"goals", "summary", "id"},
	{"actions", "summary", "id"},
	{"drafts", "body", "person_id || '/' || kind"},
	{"plans", "name", "id"}, {"plan_steps", "note", "id"},
	{"step_outcomes", "reason", "id"},
	{"ledger_entries", "reason", "id"},
	{"ledger_requests", "reason", "id"}, {"ledger_requests", "funder", "id"},
	{"ledger_decisions", "reason", "id"},
	{"audit_log", "reason", "id"},
	{"credentials", "title", "id"}, {"credentials", "doc", "id"},
	{"erase_requests", "reason", "id"}, {"erase_decisions", "reason", "id"},
}

// draftID is the row id a draft's body is sealed for.
func draftID(personID, kind string) string { return personID + "/" + kind }

// KeySetup says what wraps a new data key: a passphrase (stretched with
// Argon2id under Params) and/or a key file's contents. A recovery key is
// always made.
type KeySetup struct {
	Passphrase []byte
	KeyFile    []byte
	Params     vault.Params
}

// KeyChange is what InitKey and RotateKey did.
type KeyChange struct {
	KeyID string `json:"key_id"`
	// Recovery is the new recovery key as printed: shown once, stored
	// nowhere but in its wrap.
	Recovery string `json:"recovery_key"`
	Wraps    []Wrap `json:"wraps"`
	// Rows is how many values were sealed anew.
	Rows int `json:"rows"`
	// Dropped counts the wraps of the old key that were not renewed
	// (rotation keeps only the secrets given to it).
	Dropped int `json:"dropped,omitempty"`
}

// Wraps wraps data key dek (whose box has id keyID) as k says, and with a
// new recovery key, which it returns as printed.
func (k KeySetup) Wraps(dek []byte, keyID string) ([]vault.Wrap, string, error) {
	if len(k.Passphrase) == 0 && len(k.KeyFile) == 0 {
		return nil, "", fmt.Errorf("a passphrase or a key file is needed to wrap the key")
	}
	if k.Params == (vault.Params{}) {
		k.Params = vault.DefaultParams
	}
	var out []vault.Wrap
	add := func(kind vault.Kind, secret []byte) error {
		if len(secret) == 0 {
			return nil
		}
		w, err := vault.WrapKey(dek, keyID, kind, secret, k.Params)
		if err != nil {
			return err
		}
		out = append(out, w)
		return nil
	}
	if err := add(vault.KindPassphrase, k.Passphrase); err != nil {
		return nil, "", err
	}
	if err := add(vault.KindKeyFile, k.KeyFile); err != nil {
		return nil, "", err
	}
	raw, printed := vault.NewRecovery()
	if err := add(vault.KindRecovery, raw); err != nil {
		return nil, "", err
	}
	return out, printed, nil
}

// InitKey turns encryption on: a new data key, wrapped as setup says and by
// a new recovery key, seals every personal value already in the database
// and builds the blind index, in one transaction (all rows or none). The
// file is then rewritten (VACUUM) and its WAL truncated, so that no clear
// copy stays in free pages.
func (s *Store) InitKey(ctx context.Context, setup KeySetup) (KeyChange, error) {
	if !s.keys.tables {
		return KeyChange{}, fmt.Errorf("key init: schema older than %d: run koers migrate", vaultVersion)
	}
	if s.Encrypted() {
		return KeyChange{}, ErrEncrypted
	}
	return s.changeKey(ctx, setup, nil)
}

// RotateKey replaces the data key of an unlocked database: every sealed
// value is opened with the old key and sealed with the new, the index is
// rebuilt and the wraps are replaced by those of setup and a new recovery
// key, in one transaction; then the file is rewritten as by InitKey.
func (s *Store) RotateKey(ctx context.Context, setup KeySetup) (KeyChange, error) {
	if !s.Encrypted() {
		return KeyChange{}, ErrNotEncrypted
	}
	old, err := s.readSeals()
	if err != nil {
		return KeyChange{}, err
	}
	return s.changeKey(ctx, setup, old.box)
}

func (s *Store) changeKey(ctx context.Context, setup KeySetup, old *vault.Box) (KeyChange, error) {
	dek := vault.NewDataKey()
	box, err := vault.NewBox(dek)
	if err != nil {
		return KeyChange{}, err
	}
	wraps, printed, err := setup.Wraps(dek, box.ID())
	if err != nil {
		return KeyChange{}, err
	}
	out := KeyChange{KeyID: box.ID(), Recovery: printed}
	var done func(bool)
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM vault_wraps`).Scan(&have); err != nil {
			return err
		}
		if (old == nil) != (have == 0) {
			return fmt.Errorf("key: another process changed the database's key meanwhile: %w", ErrConflict)
		}
		out.Dropped = max(0, have-len(wraps))
		if _, err := tx.ExecContext(ctx, `INSERT INTO resealing (one) VALUES (1)`); err != nil {
			return err
		}
		n, err := Reseal(ctx, liteResealer{tx}, seals{box: old}, seals{box: box})
		if err != nil {
			return err
		}
		out.Rows = n
		if _, err := tx.ExecContext(ctx, `DELETE FROM resealing`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM vault_wraps`); err != nil {
			return err
		}
		for _, w := range wraps {
			if err := s.insertWrap(ctx, tx, w); err != nil {
				return err
			}
		}
		// The new key takes over before the commit lets the next writer
		// of this process in (views of serve share the keyring), so that
		// no one seals with the old key after the rows moved to the new.
		done = s.keys.TakeOver(box, dek)
		return nil
	})
	if done != nil {
		done(err == nil)
	}
	if err != nil {
		return KeyChange{}, fmt.Errorf("key: %w", err)
	}
	if out.Wraps, err = s.Wraps(ctx); err != nil {
		return out, err
	}
	return out, s.scrubFile(ctx)
}

func (s *Store) insertWrap(ctx context.Context, q rowQuerier, w vault.Wrap) error {
	_, err := q.ExecContext(ctx, `INSERT INTO vault_wraps (id, kind, key_id, wrap, created_at, created_by) VALUES (?,?,?,?,?,?)`,
		NewID(), string(w.Kind), w.KeyID, w.String(), s.stamp(), s.actor)
	if err != nil {
		return fmt.Errorf("store key wrap: %w", err)
	}
	return nil
}

// AddWrap wraps the unlocked data key once more, with a passphrase or a
// key file; replace drops the wraps of that kind first (a forgotten
// passphrase replaced after a recovery).
func (s *Store) AddWrap(ctx context.Context, kind vault.Kind, secret []byte, p vault.Params, replace bool) (Wrap, error) {
	s.keys.mu.RLock()
	on, dek, box := s.keys.on, s.keys.dek, s.keys.box
	s.keys.mu.RUnlock()
	if !on {
		return Wrap{}, ErrNotEncrypted
	}
	if box == nil {
		return Wrap{}, ErrLocked
	}
	if p == (vault.Params{}) {
		p = vault.DefaultParams
	}
	w, err := vault.WrapKey(dek, box.ID(), kind, secret, p)
	if err != nil {
		return Wrap{}, err
	}
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		if replace {
			if _, err := tx.ExecContext(ctx, `DELETE FROM vault_wraps WHERE kind=?`, string(kind)); err != nil {
				return err
			}
		}
		return s.insertWrap(ctx, tx, w)
	})
	if err != nil {
		return Wrap{}, fmt.Errorf("key: %w", err)
	}
	ws, err := s.Wraps(ctx)
	if err != nil || len(ws) == 0 {
		return Wrap{}, err
	}
	return ws[len(ws)-1], nil
}

// liteResealer is Reseal's access to the rows of a key change's
// transaction on SQLite.
type liteResealer struct{ tx *sql.Tx }

func (r liteResealer) SealedRows(ctx context.Context, c SealedColumn) ([]SealedRow, error) {
	rows, err := r.tx.QueryContext(ctx, `SELECT rowid, `+c.AD+`, `+c.Column+` FROM `+c.Table)
	if err != nil {
		return nil, fmt.Errorf("read %s.%s: %w", c.Table, c.Column, err)
	}
	defer rows.Close()
	var all []SealedRow
	for rows.Next() {
		var rowid int64
		var row SealedRow
		if err := rows.Scan(&rowid, &row.ID, &row.Text); err != nil {
			return nil, err
		}
		row.Key = rowid
		all = append(all, row)
	}
	return all, rows.Err()
}

func (r liteResealer) WriteSealed(ctx context.Context, c SealedColumn, row SealedRow, text string) error {
	if _, err := r.tx.ExecContext(ctx, `UPDATE `+c.Table+` SET `+c.Column+`=? WHERE rowid=?`, text, row.Key); err != nil {
		return fmt.Errorf("seal %s.%s of %s: %w", c.Table, c.Column, row.ID, err)
	}
	return nil
}

func (r liteResealer) ReplaceTokens(ctx context.Context, to Sealer, people map[string][2]string) error {
	if _, err := r.tx.ExecContext(ctx, `DELETE FROM person_tokens`); err != nil {
		return err
	}
	for id, p := range people {
		if err := writeTokens(ctx, r.tx, to, id, p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}

// scrubFile rewrites the database without free pages and truncates its
// WAL, as an erase does (people_erase.go): values replaced by their sealed
// form leave no clear copy behind.
func (s *Store) scrubFile(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("key: vacuum: %w", mapErr(err))
	}
	var busy, logFrames, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("key: truncate wal: %w", mapErr(err))
	}
	if busy != 0 {
		return fmt.Errorf("key: the data is sealed, but another process holds the database open, so its write-ahead log may still hold clear values: close it and run koers key rotate: %w", ErrConflict)
	}
	return nil
}

// DefaultKeyParams are the Argon2id costs of a new passphrase wrap.
func DefaultKeyParams() vault.Params { return vault.DefaultParams }
