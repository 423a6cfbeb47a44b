package app

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/koers-project/koers/store"
)

// BackupInfo describes a backup file.
type BackupInfo = store.BackupInfo

// ErrBadBackup is a backup that fails its checks.
var ErrBadBackup = store.ErrBadBackup

// Backup writes a consistent copy of the database to path while others
// keep working; an existing path is an Invalid error.
func (a *App) Backup(ctx context.Context, path string) (BackupInfo, error) {
	info, err := a.st.Backup(ctx, path)
	if errors.Is(err, os.ErrExist) {
		return info, invalid("FILE", "app.err.exists", err, "Path", path)
	}
	return info, err
}

// Restore replaces the database at dst with the backup at src once the
// backup passes every check; a bad backup is an Invalid error and leaves
// dst as it was. It returns where the replaced database was kept.
//
// An encrypted backup is restored only with a secret that unlocks it: none
// is a refusal saying how to give one, another key is Invalid.
func Restore(ctx context.Context, src, dst string, now time.Time, secret Secret) (BackupInfo, string, error) {
	if IsPostgres(dst) {
		return BackupInfo{}, "", postgresNotYet(dst) // pg_dump and pg_restore there (README, PostgreSQL)
	}
	info, kept, err := store.Restore(ctx, src, dst, now, secret)
	switch {
	case errors.Is(err, ErrBadBackup) || errors.Is(err, os.ErrNotExist):
		return info, kept, invalid("FILE", "", err)
	case errors.Is(err, ErrLocked):
		return info, kept, Locked(src, err)
	case errors.Is(err, ErrWrongKey):
		return info, kept, invalid("key", "key.err.wrong", err, "DB", src)
	}
	return info, kept, err
}
