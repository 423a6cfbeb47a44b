package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/vault"
)

// TestBackupWhileWriting: a backup taken while another connection keeps
// posting is consistent (every account equals the sum of its entries, a
// prefix of what was posted), 0600, and restores to exactly that state,
// keeping the replaced database beside it.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	st, err := Open(ctx, db, Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	p := newPerson(t, st, "Ann Peeters")
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100000})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	posted := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Spend, Amount: 1, Key: fmt.Sprint("k", i)}); err != nil {
				t.Error(err)
				return
			}
			posted++
		}
	}()
	backup := filepath.Join(dir, "backup.db")
	info, err := st.Backup(ctx, backup)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info.People != 1 || info.LedgerEntries < 1 || info.LedgerEntries > posted+1 {
		t.Errorf("backup info %+v (posted %d)", info, posted)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode: %v %v", fi.Mode(), err)
	}
	if _, err := st.Backup(ctx, backup); !errors.Is(err, os.ErrExist) {
		t.Errorf("backup over an existing file: %v", err)
	}
	// The live database moves on; the restore brings the backup's state back.
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Spend, Amount: 500, Key: "after"})
	st.Close()
	_, kept, err := Restore(ctx, backup, db, time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC), vault.Secret{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the replaced database was not kept: %v", err)
	}
	st, err = Open(ctx, db, Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es, err := st.Entries(ctx, p.ID, "ila")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != info.LedgerEntries {
		t.Errorf("restored %d entries, backup had %d", len(es), info.LedgerEntries)
	}
	for _, e := range es {
		if e.Key == "after" {
			t.Error("an entry posted after the backup survived the restore")
		}
	}
}

// TestRestoreRefusesBadBackups: a damaged file, a file that is not a
// database and one from a newer koers are refused, and the database in
// place is left exactly as it was.
func TestRestoreRefusesBadBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "koers.db")
	st, err := Open(ctx, db, Options{Actor: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	p := newPerson(t, st, "Ann Peeters")
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 1000})
	good := filepath.Join(dir, "good.db")
	if _, err := st.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	st.Close()
	before, _ := os.ReadFile(db)
	data, _ := os.ReadFile(good)

	damaged := filepath.Join(dir, "damaged.db")
	bad := append([]byte(nil), data...)
	for i := 4096; i < len(bad); i += 997 { // keep the header, wreck the pages
		bad[i] ^= 0xff
	}
	must(t, os.WriteFile(damaged, bad, 0o600))
	text := filepath.Join(dir, "notes.txt")
	must(t, os.WriteFile(text, []byte("not a database at all"), 0o600))
	newer := filepath.Join(dir, "newer.db")
	must(t, os.WriteFile(newer, data, 0o600))
	nd, err := Open(ctx, newer, Options{Actor: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nd.DB().Exec(fmt.Sprintf("PRAGMA user_version = %d", LatestVersion()+1)); err != nil {
		t.Fatal(err)
	}
	nd.Close()

	for _, src := range []string{damaged, text, newer} {
		if _, _, err := Restore(ctx, src, db, time.Now(), vault.Secret{}); !errors.Is(err, ErrBadBackup) {
			t.Errorf("%s: got %v, want ErrBadBackup", filepath.Base(src), err)
		}
		after, _ := os.ReadFile(db)
		if string(after) != string(before) {
			t.Fatalf("%s: the database in place changed", filepath.Base(src))
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
