package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/koers-project/koers/vault"
)

// Errors of encryption at rest, checked with errors.Is.
var (
	// ErrLocked is personal data asked of an encrypted database that has
	// not been unlocked (Unlock) in this process.
	ErrLocked = errors.New("the personal data in this database is encrypted and has not been unlocked")
	// ErrWrongKey is a passphrase, key file or recovery key that unlocks
	// none of the database's wraps.
	ErrWrongKey = vault.ErrWrongKey
	// ErrEncrypted refuses `key init` on a database that is encrypted already.
	ErrEncrypted = errors.New("the personal data in this database is encrypted already")
	// ErrNotEncrypted refuses a key operation on a database in clear.
	ErrNotEncrypted = errors.New("the personal data in this database is not encrypted (koers key init turns it on)")
)

// vaultVersion is the schema version that brings the vault's tables.
const vaultVersion = 17

// keyring is a store's state of encryption: whether the database holds
// wraps (on), and the data key once unlocked. Views made by As share it.
type keyring struct {
	mu     sync.RWMutex
	tables bool // the schema has the vault's tables
	on     bool
	box    *vault.Box
	dek    []byte // kept for adding a wrap (AddWrap) without a new unlock
}

// loadKeyring reads whether the database is encrypted; it runs at Open.
func (s *Store) loadKeyring(ctx context.Context) error {
	v, err := s.Version(ctx)
	if err != nil {
		return err
	}
	s.keys.tables = v >= vaultVersion
	if !s.keys.tables {
		return nil
	}
	return s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM vault_wraps)`).Scan(&s.keys.on)
}

// Encrypted reports whether the database's personal data is sealed.
func (s *Store) Encrypted() bool {
	s.keys.mu.RLock()
	defer s.keys.mu.RUnlock()
	return s.keys.on
}

// Unlocked reports whether personal data can be read and written: the
// database is in clear, or this store was unlocked.
func (s *Store) Unlocked() bool {
	s.keys.mu.RLock()
	defer s.keys.mu.RUnlock()
	return !s.keys.on || s.keys.box != nil
}

// KeyID names the data key of an unlocked database ("" otherwise).
func (s *Store) KeyID() string {
	s.keys.mu.RLock()
	defer s.keys.mu.RUnlock()
	if s.keys.box == nil {
		return ""
	}
	return s.keys.box.ID()
}

// Wrap describes one wrap of the data key (never the key).
type Wrap struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	KeyID     string `json:"key_id"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

// Wraps lists the wraps of the database's data key.
func (s *Store) Wraps(ctx context.Context) ([]Wrap, error) {
	if !s.keys.tables {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, key_id, created_at, created_by FROM vault_wraps ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("read key wraps: %w", mapErr(err))
	}
	defer rows.Close()
	var out []Wrap
	for rows.Next() {
		var w Wrap
		if err := rows.Scan(&w.ID, &w.Kind, &w.KeyID, &w.CreatedAt, &w.CreatedBy); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// readWraps parses the stored wraps; a malformed one is an error that
// names it (a hostile file is refused, not guessed at).
func readWraps(ctx context.Context, q rowQuerier) ([]vault.Wrap, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, wrap FROM vault_wraps ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("read key wraps: %w", mapErr(err))
	}
	defer rows.Close()
	var out []vault.Wrap
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, err
		}
		w, err := vault.ParseWrap(text)
		if err != nil {
			return nil, fmt.Errorf("key wrap %s: %w", id, err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Unlock opens the data key with secret. A database in clear needs no key
// and unlocks with any; a wrong key is ErrWrongKey and changes nothing
// (the wraps are only read).
func (s *Store) Unlock(ctx context.Context, secret vault.Secret) error {
	if !s.Encrypted() {
		return nil
	}
	wraps, err := readWraps(ctx, s.db)
	if err != nil {
		return err
	}
	box, dek, err := vault.Unlock(wraps, secret)
	if err != nil {
		return fmt.Errorf("unlock %s: %w", s.path, err)
	}
	s.keys.mu.Lock()
	s.keys.box, s.keys.dek = box, dek
	s.keys.mu.Unlock()
	return nil
}

// seals seals and opens values of one operation: box nil means the
// database is in clear.
type seals struct{ box *vault.Box }

// writeSeals is the sealer of a write inside q's transaction. A store
// that found the database in clear asks again, cheaply: another process
// may have run `koers key init` since, and a clear write then would put a
// name back in the file.
func (s *Store) writeSeals(ctx context.Context, q rowQuerier) (seals, error) {
	s.keys.mu.RLock()
	tables, on, box := s.keys.tables, s.keys.on, s.keys.box
	s.keys.mu.RUnlock()
	if on {
		if box == nil {
			return seals{}, ErrLocked
		}
		// Another process may have rotated the key since this one
		// unlocked: a value sealed with the old key would be lost.
		var current string
		if err := q.QueryRowContext(ctx, `SELECT coalesce(min(key_id), '') FROM vault_wraps`).Scan(&current); err != nil {
			return seals{}, fmt.Errorf("read key wraps: %w", mapErr(err))
		}
		if current != box.ID() {
			return seals{}, fmt.Errorf("the database's key was changed by another koers since this one unlocked it (key %s, now %s): start koers again: %w", box.ID(), current, ErrLocked)
		}
		return seals{box: box}, nil
	}
	if tables {
		var now bool
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM vault_wraps)`).Scan(&now); err != nil {
			return seals{}, fmt.Errorf("read key wraps: %w", mapErr(err))
		}
		if now {
			return seals{}, ErrLocked
		}
	}
	return seals{}, nil
}

// readSeals is the opener of a read: ErrLocked when the database is
// encrypted and this store has no key.
func (s *Store) readSeals() (seals, error) {
	s.keys.mu.RLock()
	defer s.keys.mu.RUnlock()
	if s.keys.on && s.keys.box == nil {
		return seals{}, ErrLocked
	}
	return seals{box: s.keys.box}, nil
}

// seal is v sealed for table.column of row id (v itself in clear).
func (z seals) seal(v, table, column, id string) string {
	if z.box == nil {
		return v
	}
	return z.box.Seal(v, vault.AD(table, column, id))
}

// open is the clear value of v read from table.column of row id. In a
// database read as clear, a sealed value means it was encrypted since.
func (z seals) open(v, table, column, id string) (string, error) {
	if z.box == nil {
		if vault.IsSealed(v) {
			return "", ErrLocked
		}
		return v, nil
	}
	out, err := z.box.Open(v, vault.AD(table, column, id))
	if err != nil {
		return "", fmt.Errorf("%s.%s of %s: %w", table, column, id, err)
	}
	return out, nil
}

// field is one sealed column of a row, read into v.
type field struct {
	column string
	v      *string
}

// openFields opens several sealed columns of one row in place.
func (z seals) openFields(table, id string, fs ...field) error {
	for _, f := range fs {
		out, err := z.open(*f.v, table, f.column, id)
		if err != nil {
			return err
		}
		*f.v = out
	}
	return nil
}

// writeTokens replaces a person's blind index tokens (name and e-mail);
// a database in clear keeps none.
func writeTokens(ctx context.Context, q rowQuerier, z seals, personID, name, email string) error {
	if z.box == nil {
		return nil
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM person_tokens WHERE person_id=?`, personID); err != nil {
		return fmt.Errorf("index person: %w", err)
	}
	// One statement for the two dozen tokens of a name: a statement each
	// made a person's write 2.5 times as slow as in clear.
	toks, _ := json.Marshal(z.box.Tokens(name, email))
	if _, err := q.ExecContext(ctx, `INSERT OR IGNORE INTO person_tokens (token, person_id) SELECT value, ? FROM json_each(?)`, personID, string(toks)); err != nil {
		return fmt.Errorf("index person: %w", err)
	}
	return nil
}

var _ rowQuerier = (*sql.Conn)(nil)
