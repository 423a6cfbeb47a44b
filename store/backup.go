package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"

	"github.com/koers-project/koers/vault"
)

// ErrBadBackup is a backup file that fails its checks: not a koers
// database, damaged, or written by a newer koers.
var ErrBadBackup = errors.New("not a usable koers backup")

// BackupInfo describes a backup file.
type BackupInfo struct {
	Path          string    `json:"path"`
	Bytes         int64     `json:"bytes"`
	SchemaVersion int       `json:"schema_version"`
	People        int       `json:"people"`
	Offers        int       `json:"offers"`
	LedgerEntries int       `json:"ledger_entries"`
	At            time.Time `json:"at"`
	// Encrypted says the personal data inside is sealed; KeyID names its
	// data key (vault.Box.ID), so that a backup can be matched to a key.
	Encrypted bool   `json:"encrypted"`
	KeyID     string `json:"key_id,omitempty"`
}

// Backup writes a consistent copy of the open database to path while
// others keep working: SQLite's VACUUM INTO reads one snapshot inside a
// read transaction (in WAL mode writers go on) and writes a compact file.
// The copy is made beside path under a temporary name, checked, made
// 0600 and renamed into place, so a failure never leaves half a backup;
// an existing path is refused.
func (s *Store) Backup(ctx context.Context, path string) (BackupInfo, error) {
	if _, err := os.Stat(path); err == nil {
		return BackupInfo{}, fmt.Errorf("backup %s: %w", path, os.ErrExist)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
	_ = os.Remove(tmp)
	defer os.Remove(tmp)
	// Created empty first so that its mode is 0600 whatever the umask.
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup %s: %w", path, err)
	}
	f.Close()
	if err := os.Remove(tmp); err != nil { // VACUUM INTO wants to create it
		return BackupInfo{}, err
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return BackupInfo{}, fmt.Errorf("backup %s: %w", path, mapErr(err))
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return BackupInfo{}, err
	}
	info, err := VerifyBackup(ctx, tmp)
	if err != nil {
		return info, err
	}
	if err := syncFile(tmp); err != nil {
		return info, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	info.Path = path
	return info, nil
}

// VerifyBackup opens a backup read-only and checks it whole: SQLite's
// integrity and foreign-key checks, a koers schema no newer than this
// build's, and the ledger's running totals against its entries.
func VerifyBackup(ctx context.Context, path string) (BackupInfo, error) {
	info := BackupInfo{Path: path}
	st, err := os.Stat(path)
	if err != nil {
		return info, fmt.Errorf("backup %s: %w", path, err)
	}
	info.Bytes, info.At = st.Size(), st.ModTime().UTC()
	if err := checkFile(path); err != nil {
		return info, fmt.Errorf("%w: %s: %v", ErrBadBackup, path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return info, err
	}
	defer db.Close()
	bad := func(format string, args ...any) (BackupInfo, error) {
		return info, fmt.Errorf("%w: %s: %s", ErrBadBackup, path, fmt.Sprintf(format, args...))
	}
	var ok string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&ok); err != nil {
		var se *sqlite.Error
		if errors.As(err, &se) {
			return bad("%v", se)
		}
		return bad("%v", err)
	}
	if ok != "ok" {
		return bad("integrity check: %s", ok)
	}
	rows, err := db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return bad("%v", err)
	}
	fk := rows.Next()
	rows.Close()
	if fk {
		return bad("a row points to a record the file lacks")
	}
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&info.SchemaVersion); err != nil {
		return bad("%v", err)
	}
	if info.SchemaVersion == 0 {
		return bad("no koers schema")
	}
	if info.SchemaVersion > LatestVersion() {
		return info, fmt.Errorf("%w: %s has schema %d, this koers knows %d: %w", ErrBadBackup, path, info.SchemaVersion, LatestVersion(), ErrNewerSchema)
	}
	for _, c := range []struct {
		dst   *int
		table string
	}{{&info.People, "people"}, {&info.Offers, "offers"}, {&info.LedgerEntries, "ledger_entries"}} {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?`, c.table).Scan(&n); err != nil {
			return bad("%v", err)
		}
		if n == 0 {
			continue // an older schema: the next open migrates it
		}
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+c.table).Scan(c.dst); err != nil {
			return bad("%v", err)
		}
	}
	var vaultTable int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name='vault_wraps'`).Scan(&vaultTable); err != nil {
		return bad("%v", err)
	}
	if vaultTable > 0 {
		if err := db.QueryRowContext(ctx, `SELECT count(*) > 0, coalesce(min(key_id), '') FROM vault_wraps`).Scan(&info.Encrypted, &info.KeyID); err != nil {
			return bad("%v", err)
		}
	}
	if info.LedgerEntries == 0 {
		return info, nil
	}
	// Every account's running totals equal the sum of its entries.
	var off int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM (
		SELECT a.id FROM accounts a JOIN ledger_entries e ON e.account_id = a.id
		GROUP BY a.id
		HAVING sum(e.d_balance) != (SELECT balance_after FROM ledger_entries WHERE account_id = a.id ORDER BY seq DESC LIMIT 1)
		    OR sum(e.d_reserved) != (SELECT reserved_after FROM ledger_entries WHERE account_id = a.id ORDER BY seq DESC LIMIT 1))`).Scan(&off)
	if err != nil {
		return bad("%v", err)
	}
	if off > 0 {
		return bad("%d accounts whose balance is not the sum of their entries", off)
	}
	return info, nil
}

// Restore replaces the database at dst with the backup at src after
// checking the backup whole (VerifyBackup). The database being replaced is
// first checkpointed, then kept beside it as dst.before-restore-TIME; the
// backup is copied under a temporary name, synced and renamed into place,
// so a failure at any point leaves either the old or the new database.
// No koers may have dst open meanwhile (stop `koers serve` first). A
// backup whose personal data is sealed is restored only when secret
// unlocks it (ErrLocked without one, ErrWrongKey with another key), so
// that no one replaces a database with one they cannot open.
func Restore(ctx context.Context, src, dst string, now time.Time, secret vault.Secret) (BackupInfo, string, error) {
	info, err := VerifyBackup(ctx, src)
	if err != nil {
		return info, "", err
	}
	if info.Encrypted {
		if err := backupUnlocks(ctx, src, secret); err != nil {
			return info, "", err
		}
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return info, "", err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return info, "", err
	}
	tmp := dst + ".restoring"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return info, "", fmt.Errorf("restore %s: %w", dst, err)
	}
	defer os.Remove(tmp)
	if err := syncFile(tmp); err != nil {
		return info, "", err
	}
	kept := ""
	if _, err := os.Stat(dst); err == nil {
		// Fold the WAL into the old file so that it is whole on its own.
		if db, err := sql.Open("sqlite", "file:"+dst+"?_pragma=busy_timeout(5000)"); err == nil {
			_, _ = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
			db.Close()
		}
		kept = dst + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(dst, kept); err != nil {
			return info, "", fmt.Errorf("restore %s: keep the old database: %w", dst, err)
		}
		for _, side := range []string{"-wal", "-shm"} {
			_ = os.Rename(dst+side, kept+side)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return info, kept, fmt.Errorf("restore %s: %w", dst, err)
	}
	info.Path = dst
	return info, kept, nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// backupUnlocks checks that secret opens the data key of the backup at path.
func backupUnlocks(ctx context.Context, path string, secret vault.Secret) error {
	if secret.Empty() {
		return fmt.Errorf("restore %s: the backup is encrypted: %w", path, ErrLocked)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	wraps, err := readWraps(ctx, db)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadBackup, path, err)
	}
	if _, _, err := vault.Unlock(wraps, secret); err != nil {
		return fmt.Errorf("restore %s: %w", path, err)
	}
	return nil
}
