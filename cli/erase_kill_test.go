package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/koers-project/koers/store"
)

// The person the kill test erases: words found nowhere else in the file.
const (
	killName  = "Zyxwvut Qwertyson"
	killEmail = "zyxwvut.qwertyson@example.org"
	killNote  = "Qwertyson-confidential-note"
)

// TestEraseKilledIsCompletedOnOpen kills `koers person erase` (a child
// process) at points spread over a whole erase, then opens the database
// as any next command would, and byte-searches the database, -wal and -shm
// files for the person's name, e-mail and notes. An erase killed before
// its marker was committed has not begun: the person is all there, and
// the test checks that too. Every other round must leave 0 hits.
func TestEraseKilledIsCompletedOnOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts about 25 child processes")
	}
	tmpl := t.TempDir()
	db := filepath.Join(tmpl, "k.db")
	// A register of some size makes the erase's VACUUM take long enough
	// for the kills to land inside it, as they would at a real centre.
	reg := filepath.Join(tmpl, "reg.jsonl")
	for _, args := range [][]string{{"gen", "--offers", "4000", "--seed", "7", "-o", reg}, {"import", reg}} {
		if code, out, errs := peopleCLI(t, db, "", args...); code != 0 {
			t.Fatalf("%v: %d %s%s", args, code, out, errs)
		}
	}
	id := addPersonCLI(t, db, killName)
	for _, args := range [][]string{
		{"person", "edit", id, "--email", killEmail},
		{"account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "500.00", "--key", "a", "--reason", killName},
		{"session", "add", "--person", id, "--summary", "intake " + killName, "--notes", killNote},
	} {
		if code, out, errs := peopleCLI(t, db, "", args...); code != 0 {
			t.Fatalf("%v: %d %s%s", args, code, out, errs)
		}
	}
	if hits := secretHits(t, db); hits == 0 {
		t.Fatal("the template database does not hold the person: the search would prove nothing")
	}

	// One erase to its end gives the span to spread the kills over.
	full := copyDB(t, db)
	start := time.Now()
	if err := runErase(t, full, id, 0); err != nil {
		t.Fatalf("uninterrupted erase: %v", err)
	}
	span := time.Since(start)
	if hits := secretHits(t, full); hits != 0 {
		t.Fatalf("uninterrupted erase left %d hits", hits)
	}

	// At least 24 rounds, until a third of them killed an erase under way
	// (at most 72): the kill points spread over the span of one erase, and
	// the span follows what the rounds find, so that a busy machine (an
	// erase that takes longer or shorter than the first one) still gets
	// kills inside the erase.
	const rounds, most = 24, 72
	var notBegun, killed, resumed, finished int
	i := 0
	for ; i < most && (i < rounds || killed < rounds/3); i++ {
		p := copyDB(t, db)
		// Most kills land in the last two thirds of the span, where the
		// erase runs (the first third is the process starting and opening).
		at := span/5 + span*time.Duration(i%rounds)/rounds*4/5
		err := runErase(t, p, id, at)
		wasKilled := err != nil
		// What the killed process left: a marker means the erase had begun.
		marked := pendingMarkers(t, p)
		// The next command opens the database: Open finishes the erase.
		st, oerr := store.Open(context.Background(), p, store.Options{Actor: "next-command"})
		if oerr != nil {
			t.Fatalf("round %d (kill at %v): reopen: %v", i, at, oerr)
		}
		_, perr := st.Person(context.Background(), id)
		var pending int
		if qerr := st.DB().QueryRow(`SELECT count(*) FROM erase_pending`).Scan(&pending); qerr != nil {
			t.Fatal(qerr)
		}
		st.Close()
		hits := secretHits(t, p)
		switch {
		case perr == nil: // killed before the marker: nothing was erased, all is there
			notBegun++
			span += span / 10
			if !wasKilled || pending != 0 || hits == 0 || marked != 0 {
				t.Errorf("round %d (kill at %v): person still on file after killed=%v, %d pending markers, %d hits", i, at, wasKilled, pending, hits)
			}
		case !errors.Is(perr, store.ErrNotFound):
			t.Fatalf("round %d: %v", i, perr)
		default:
			if wasKilled {
				killed++
				if marked > 0 {
					resumed++
				}
			} else {
				finished++
				span -= span / 5
			}
			if hits != 0 || pending != 0 {
				t.Errorf("round %d (kill at %v, killed=%v): %d hits of the person's data, %d pending markers after reopening", i, at, wasKilled, hits, pending)
			}
		}
	}
	t.Logf("%d rounds over an erase of %v: %d killed before the marker (nothing erased), %d killed mid-erase and completed on open (%d of them with the marker still set), %d finished before the kill",
		i, span.Round(time.Millisecond), notBegun, killed, resumed, finished)
	if killed < rounds/3 {
		t.Errorf("only %d rounds killed an erase under way; the kill points do not cover it", killed)
	}
}

// runErase runs `koers person erase` on db in a child process and kills it
// after at (0: let it finish). It returns the child's error.
func runErase(t *testing.T, db, id string, at time.Duration) error {
	t.Helper()
	cmd := childCmd(t, "--db", db, "person", "erase", id, "--yes")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if at > 0 {
		timer := time.AfterFunc(at, func() { _ = cmd.Process.Kill() })
		defer timer.Stop()
	}
	err := cmd.Wait()
	if at == 0 && err != nil {
		t.Fatalf("erase: %v\n%s", err, out.String())
	}
	return err
}

// copyDB copies a closed database (and any -wal) to a new folder.
func copyDB(t *testing.T, db string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "k.db")
	for _, suf := range []string{"", "-wal"} {
		in, err := os.Open(db + suf)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.OpenFile(dst+suf, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// secretHits counts the person's name, e-mail and note in the database's
// files (folded case variants are the same bytes here: the words are ASCII).
func secretHits(t *testing.T, db string) int {
	t.Helper()
	n := 0
	for _, suf := range []string{"", "-wal", "-shm", "-journal"} {
		b, err := os.ReadFile(db + suf)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"Zyxwvut", "Qwertyson", "zyxwvut", "qwertyson"} {
			n += bytes.Count(b, []byte(s))
		}
	}
	return n
}

// pendingMarkers reads, without finishing anything, how many erase
// markers a killed process left (a plain read-only SQLite connection).
func pendingMarkers(t *testing.T, db string) int {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM erase_pending`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
