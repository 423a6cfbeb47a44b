package app

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/postgres"
	"github.com/koers-project/koers/vault"
)

// Encryption at rest (issue 14, item 3): the names a face needs without
// importing the store or the vault.
type (
	// Secret is what unlocks an encrypted database: a passphrase, a key
	// file's contents or a recovery key.
	Secret = vault.Secret
	// KeySetup says what wraps a new data key.
	KeySetup = store.KeySetup
	// KeyChange is what key init and rotate did (the recovery key once).
	KeyChange = store.KeyChange
	// KeyWrap describes one wrap of the data key.
	KeyWrap = store.Wrap
)

// Errors of encryption at rest, checked with errors.Is.
var (
	ErrLocked       = store.ErrLocked
	ErrWrongKey     = store.ErrWrongKey
	ErrEncrypted    = store.ErrEncrypted
	ErrNotEncrypted = store.ErrNotEncrypted
)

// Wrap kinds a face may add.
const (
	WrapPassphrase = vault.KindPassphrase
	WrapKeyFile    = vault.KindKeyFile
)

// KeyStatus is what `koers key status` shows.
type KeyStatus struct {
	DB        string    `json:"db"`
	Encrypted bool      `json:"encrypted"`
	Unlocked  bool      `json:"unlocked"`
	KeyID     string    `json:"key_id,omitempty"`
	Wraps     []KeyWrap `json:"wraps"`
}

// keyErr gives the key sentinels their kind and catalogue message.
func (a *App) keyErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrWrongKey):
		return invalid("key", "key.err.wrong", err, "DB", a.db)
	case errors.Is(err, ErrLocked):
		return Locked(a.db, err)
	case errors.Is(err, ErrEncrypted):
		return refused("encrypt-once", "key.err.encrypted", err, "DB", a.db)
	case errors.Is(err, ErrNotEncrypted):
		return refused("encrypted-first", "key.err.clear", err, "DB", a.db)
	}
	return err
}

// Locked is err (an ErrLocked) as the refusal every face shows: the
// database's personal data is encrypted, and how to unlock it.
func Locked(db string, err error) error {
	return refused("encrypted-at-rest", "key.err.locked", err, "DB", DisplayDB(db))
}

// keyStore is the key management of the engine that holds the people's
// data: the SQLite store, or the PostgreSQL store (store/postgres), which
// seal the same columns with the same vault.
type keyStore interface {
	Encrypted() bool
	Unlocked() bool
	KeyID() string
	Unlock(ctx context.Context, secret vault.Secret) error
	Wraps(ctx context.Context) ([]store.Wrap, error)
	InitKey(ctx context.Context, setup store.KeySetup) (store.KeyChange, error)
	RotateKey(ctx context.Context, setup store.KeySetup) (store.KeyChange, error)
	AddWrap(ctx context.Context, kind vault.Kind, secret []byte, p vault.Params, replace bool) (store.Wrap, error)
}

var (
	_ keyStore = (*store.Store)(nil)
	_ keyStore = (*postgres.Store)(nil)
)

// keys is the key management of the people's database: PostgreSQL's when
// the database is one (never the local register index beside it), else
// the SQLite file's; nil when PostgreSQL could not be reached.
func (a *App) keys() keyStore {
	switch {
	case a.pg != nil:
		return a.pg
	case a.ownStore():
		return a.st
	}
	return nil
}

// noKeys is why there is no key management: PostgreSQL is unreachable.
func (a *App) noKeys() error {
	if a.offline != nil {
		return a.people.(offlinePeople).fail()
	}
	return fmt.Errorf("%s: no database open", a.db)
}

// Encrypted reports whether the database's personal data is sealed.
func (a *App) Encrypted() bool { k := a.keys(); return k != nil && k.Encrypted() }

// Unlocked reports whether personal data can be read and written.
func (a *App) Unlocked() bool { k := a.keys(); return k == nil || k.Unlocked() }

// Unlock opens the database's data key with s; a wrong key is Invalid and
// changes nothing.
func (a *App) Unlock(ctx context.Context, s Secret) error {
	k := a.keys()
	if k == nil {
		return nil
	}
	return a.keyErr(k.Unlock(ctx, s))
}

// KeyStatus says whether the database is encrypted and unlocked, and lists
// its wraps.
func (a *App) KeyStatus(ctx context.Context) (KeyStatus, error) {
	out := KeyStatus{DB: a.db, Encrypted: a.Encrypted(), Unlocked: a.Unlocked(), Wraps: []KeyWrap{}}
	k := a.keys()
	if k == nil {
		return out, a.noKeys()
	}
	out.KeyID = k.KeyID()
	ws, err := k.Wraps(ctx)
	if ws != nil {
		out.Wraps = ws
	}
	return out, err
}

// InitKey turns encryption on, sealing every personal value already held
// in one transaction.
func (a *App) InitKey(ctx context.Context, setup KeySetup) (KeyChange, error) {
	k := a.keys()
	if k == nil {
		return KeyChange{}, a.noKeys()
	}
	ch, err := k.InitKey(ctx, setup)
	return ch, a.keyErr(err)
}

// RotateKey seals everything anew under a new data key (all or nothing).
func (a *App) RotateKey(ctx context.Context, setup KeySetup) (KeyChange, error) {
	k := a.keys()
	if k == nil {
		return KeyChange{}, a.noKeys()
	}
	ch, err := k.RotateKey(ctx, setup)
	return ch, a.keyErr(err)
}

// AddWrap wraps the unlocked data key with one more passphrase or key
// file; replace drops the wraps of that kind first.
func (a *App) AddWrap(ctx context.Context, kind vault.Kind, secret []byte, replace bool) (KeyWrap, error) {
	k := a.keys()
	if k == nil {
		return KeyWrap{}, a.noKeys()
	}
	w, err := k.AddWrap(ctx, kind, secret, vault.Params{}, replace)
	return w, a.keyErr(err)
}

// ReadKeyFile reads a key file (refusing one too short or too large).
func ReadKeyFile(path string) ([]byte, error) {
	k, err := vault.ReadKeyFile(path)
	if err != nil {
		return nil, invalid("key-file", "", err)
	}
	return k, nil
}

// NewKeyFile writes a fresh key file at path, 0600, refusing to replace an
// existing file; it returns its contents as ReadKeyFile reads them.
func NewKeyFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, invalid("key-file", "", fmt.Errorf("new key file: %w", err))
	}
	if _, err := f.Write(vault.NewKeyFile()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return ReadKeyFile(path)
}

// ownStore reports whether st is the database itself (SQLite), not the
// local register index of a PostgreSQL database (nor absent).
func (a *App) ownStore() bool { return a.st != nil && !a.network }
