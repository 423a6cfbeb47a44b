package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// AddCounsellor creates a counsellor account with its first key. A name or
// key fingerprint already in use is store.ErrConflict (as on SQLite).
func (s *Store) AddCounsellor(ctx context.Context, a sessions.Counsellor, key sessions.CounsellorKey) (sessions.Counsellor, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	a.ID = NewID()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		now := s.stamp()
		centres, _ := json.Marshal(emptyIfNil(a.Centres))
		if _, err := tx.Exec(ctx, `INSERT INTO counsellors (id, name, role, disabled, language, created_at, created_by, updated_at, updated_by, centres)
			VALUES ($1,$2,$3,false,$4,$5,$6,$5,$6,$7)`, a.ID, a.Name, string(a.Role), a.Language, now, s.actor, string(centres)); err != nil {
			return fmt.Errorf("add account %s: %w", a.Name, mapErr(err))
		}
		return s.insertKey(ctx, tx, a.ID, key, now)
	})
	if err != nil {
		return a, err
	}
	return s.Counsellor(ctx, a.Name)
}

func (s *Store) insertKey(ctx context.Context, tx pgx.Tx, accountID string, k sessions.CounsellorKey, now time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO counsellor_keys (id, counsellor_id, fingerprint, public_key, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6)`,
		NewID(), accountID, k.Fingerprint, k.PublicKey, now, s.actor); err != nil {
		return fmt.Errorf("add key %s: %w", k.Fingerprint, mapErr(err))
	}
	return nil
}

// AddCounsellorKey adds a key to an existing account.
func (s *Store) AddCounsellorKey(ctx context.Context, name string, k sessions.CounsellorKey) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
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

// RemoveCounsellorKey removes the key with fingerprint from the account; a
// key the account does not hold is store.ErrNotFound.
func (s *Store) RemoveCounsellorKey(ctx context.Context, name, fingerprint string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		id, err := accountID(ctx, tx, name)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM counsellor_keys WHERE counsellor_id=$1 AND fingerprint=$2`, id, fingerprint)
		if err != nil {
			return fmt.Errorf("remove key: %w", mapErr(err))
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("account %s has no key %s: %w", name, fingerprint, store.ErrNotFound)
		}
		return s.touchAccount(ctx, tx, id, s.stamp())
	})
}

// DisableCounsellor disables the account: it can no longer log in, and a
// server ends its open sessions.
func (s *Store) DisableCounsellor(ctx context.Context, name string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		id, err := accountID(ctx, tx, name)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE counsellors SET disabled=true WHERE id=$1`, id); err != nil {
			return fmt.Errorf("disable account %s: %w", name, mapErr(err))
		}
		return s.touchAccount(ctx, tx, id, s.stamp())
	})
}

func (s *Store) touchAccount(ctx context.Context, tx pgx.Tx, id string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE counsellors SET updated_at=$1, updated_by=$2 WHERE id=$3`, now, s.actor, id)
	return mapErr(err)
}

func accountID(ctx context.Context, q querier, name string) (string, error) {
	var id string
	err := q.QueryRow(ctx, `SELECT id::text FROM counsellors WHERE name=$1`, name).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("account %s: %w", name, store.ErrNotFound)
	}
	return id, mapErr(err)
}

// Counsellor reads one account with its keys.
func (s *Store) Counsellor(ctx context.Context, name string) (sessions.Counsellor, error) {
	as, err := s.accounts(ctx, `WHERE c.name=$1`, name)
	if err != nil {
		return sessions.Counsellor{}, err
	}
	if len(as) == 0 {
		return sessions.Counsellor{}, fmt.Errorf("account %s: %w", name, store.ErrNotFound)
	}
	return as[0], nil
}

// CounsellorByKey finds the account that holds the key with fingerprint,
// whether or not it is disabled (the caller decides).
func (s *Store) CounsellorByKey(ctx context.Context, fingerprint string) (sessions.Counsellor, error) {
	var name string
	err := s.pool.QueryRow(ctx, `SELECT c.name FROM counsellor_keys k JOIN counsellors c ON c.id = k.counsellor_id WHERE k.fingerprint=$1`, fingerprint).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return sessions.Counsellor{}, fmt.Errorf("key %s: %w", fingerprint, store.ErrNotFound)
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
	rows, err := s.pool.Query(ctx, `SELECT c.id::text, c.name, c.role, c.disabled, c.language, c.created_at, c.created_by, c.updated_at, c.updated_by, c.centres::text
		FROM counsellors c `+where+` ORDER BY c.name COLLATE "C"`, args...)
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Counsellor, error) {
		var a sessions.Counsellor
		var role string
		var ca, ua time.Time
		var centres string
		err := r.Scan(&a.ID, &a.Name, &role, &a.Disabled, &a.Language, &ca, &a.CreatedBy, &ua, &a.UpdatedBy, &centres)
		a.Role, a.CreatedAt, a.UpdatedAt = sessions.Role(role), ca.UTC(), ua.UTC()
		if err == nil {
			err = json.Unmarshal([]byte(centres), &a.Centres)
		}
		a.Centres = emptyIfNil(a.Centres)
		a.Keys = []sessions.CounsellorKey{}
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", mapErr(err))
	}
	for i := range out {
		rows, err := s.pool.Query(ctx, `SELECT fingerprint, public_key, created_at, created_by FROM counsellor_keys WHERE counsellor_id=$1 ORDER BY created_at, id`, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("read keys: %w", mapErr(err))
		}
		keys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.CounsellorKey, error) {
			var k sessions.CounsellorKey
			var at time.Time
			err := r.Scan(&k.Fingerprint, &k.PublicKey, &at, &k.CreatedBy)
			k.CreatedAt = at.UTC()
			return k, err
		})
		if err != nil {
			return nil, fmt.Errorf("read keys: %w", mapErr(err))
		}
		out[i].Keys = append(out[i].Keys, keys...)
	}
	return out, nil
}
