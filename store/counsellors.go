package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/koers-project/koers/sessions"
)

// AddCounsellor creates a counsellor account with its first key. A name or
// key fingerprint already in use is ErrConflict.
func (s *Store) AddCounsellor(ctx context.Context, a sessions.Counsellor, key sessions.CounsellorKey) (sessions.Counsellor, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	a.ID = NewID()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		centres, _ := json.Marshal(emptyIfNil(a.Centres))
		if _, err := tx.ExecContext(ctx, `INSERT INTO counsellors (id, name, role, disabled, language, created_at, created_by, updated_at, updated_by, centres)
			VALUES (?,?,?,0,?,?,?,?,?,?)`, a.ID, a.Name, string(a.Role), a.Language, now, s.actor, now, s.actor, string(centres)); err != nil {
			return fmt.Errorf("add account %s: %w", a.Name, mapErr(err))
		}
		return s.insertKey(ctx, tx, a.ID, key, now)
	})
	if err != nil {
		return a, err
	}
	return s.Counsellor(ctx, a.Name)
}

func (s *Store) insertKey(ctx context.Context, tx *sql.Tx, accountID string, k sessions.CounsellorKey, now string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO counsellor_keys (id, counsellor_id, fingerprint, public_key, created_at, created_by) VALUES (?,?,?,?,?,?)`,
		NewID(), accountID, k.Fingerprint, k.PublicKey, now, s.actor); err != nil {
		return fmt.Errorf("add key %s: %w", k.Fingerprint, mapErr(err))
	}
	return nil
}

// AddCounsellorKey adds a key to an existing account.
func (s *Store) AddCounsellorKey(ctx context.Context, name string, k sessions.CounsellorKey) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		id, err := accountID(ctx, tx, name)
		if err != nil {
			return err
		}
		now := s.stamp()
		if err := s.insertKey(ctx, tx, id, k, now); err != nil {
			return err
		}
		return s.touchAccount(ctx, tx, id, now)
	})
}

// RemoveCounsellorKey removes the key with fingerprint from the account; a key
// the account does not hold is ErrNotFound.
func (s *Store) RemoveCounsellorKey(ctx context.Context, name, fingerprint string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		id, err := accountID(ctx, tx, name)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM counsellor_keys WHERE counsellor_id=? AND fingerprint=?`, id, fingerprint)
		if err != nil {
			return fmt.Errorf("remove key: %w", mapErr(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("account %s has no key %s: %w", name, fingerprint, ErrNotFound)
		}
		return s.touchAccount(ctx, tx, id, s.stamp())
	})
}

// DisableCounsellor disables the account: it can no longer log in, and a
// server ends its open sessions.
func (s *Store) DisableCounsellor(ctx context.Context, name string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		id, err := accountID(ctx, tx, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE counsellors SET disabled=1 WHERE id=?`, id); err != nil {
			return fmt.Errorf("disable account %s: %w", name, mapErr(err))
		}
		return s.touchAccount(ctx, tx, id, s.stamp())
	})
}

func (s *Store) touchAccount(ctx context.Context, tx *sql.Tx, id, now string) error {
	_, err := tx.ExecContext(ctx, `UPDATE counsellors SET updated_at=?, updated_by=? WHERE id=?`, now, s.actor, id)
	return mapErr(err)
}

func accountID(ctx context.Context, q rowQuerier, name string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM counsellors WHERE name=?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("account %s: %w", name, ErrNotFound)
	}
	return id, mapErr(err)
}

// Counsellor reads one account with its keys.
func (s *Store) Counsellor(ctx context.Context, name string) (sessions.Counsellor, error) {
	as, err := s.accounts(ctx, `WHERE c.name=?`, name)
	if err != nil {
		return sessions.Counsellor{}, err
	}
	if len(as) == 0 {
		return sessions.Counsellor{}, fmt.Errorf("account %s: %w", name, ErrNotFound)
	}
	return as[0], nil
}

// CounsellorByKey finds the account that holds the key with fingerprint,
// whether or not it is disabled (the caller decides).
func (s *Store) CounsellorByKey(ctx context.Context, fingerprint string) (sessions.Counsellor, error) {
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT c.name FROM counsellor_keys k JOIN counsellors c ON c.id = k.counsellor_id WHERE k.fingerprint=?`, fingerprint).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return sessions.Counsellor{}, fmt.Errorf("key %s: %w", fingerprint, ErrNotFound)
	}
	if err != nil {
		return sessions.Counsellor{}, mapErr(err)
	}
	return s.Counsellor(ctx, name)
}

// Counsellors lists every account with its keys, by name.
func (s *Store) Counsellors(ctx context.Context) ([]sessions.Counsellor, error) {
	return s.accounts(ctx, "")
}

func (s *Store) accounts(ctx context.Context, where string, args ...any) ([]sessions.Counsellor, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.name, c.role, c.disabled, c.language, c.created_at, c.created_by, c.updated_at, c.updated_by, c.centres
		FROM counsellors c `+where+` ORDER BY c.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", mapErr(err))
	}
	var out []sessions.Counsellor
	for rows.Next() {
		var a sessions.Counsellor
		var role, ca, ua, centres string
		var disabled int
		if err := rows.Scan(&a.ID, &a.Name, &role, &disabled, &a.Language, &ca, &a.CreatedBy, &ua, &a.UpdatedBy, &centres); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read accounts: %w", err)
		}
		a.Role, a.Disabled, a.CreatedAt, a.UpdatedAt = sessions.Role(role), disabled == 1, readStamp(ca), readStamp(ua)
		a.Keys = []sessions.CounsellorKey{}
		_ = json.Unmarshal([]byte(centres), &a.Centres)
		out = append(out, a)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	for i := range out {
		keys, err := s.db.QueryContext(ctx, `SELECT fingerprint, public_key, created_at, created_by FROM counsellor_keys WHERE counsellor_id=? ORDER BY created_at, id`, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("read keys: %w", mapErr(err))
		}
		for keys.Next() {
			var k sessions.CounsellorKey
			var at string
			if err := keys.Scan(&k.Fingerprint, &k.PublicKey, &at, &k.CreatedBy); err != nil {
				keys.Close()
				return nil, fmt.Errorf("read keys: %w", err)
			}
			k.CreatedAt = readStamp(at)
			out[i].Keys = append(out[i].Keys, k)
		}
		if err := keys.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
