package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// The crash and concurrency tests re-run this test binary as a child
// process; these variables tell the child what to do.
const (
	envChildDB     = "KOERS_TEST_CHILD_DB"
	envChildPerson = "KOERS_TEST_CHILD_PERSON"
	envChildMode   = "KOERS_TEST_CHILD_MODE" // "crash" or "writer:NAME:N"
)

// TestLedgerChild is the child process body; it does nothing in a normal run.
func TestLedgerChild(t *testing.T) {
	db := os.Getenv(envChildDB)
	if db == "" {
		t.Skip("child process of the crash and concurrency tests")
	}
	ctx := context.Background()
	st, err := Open(ctx, db, Options{Actor: "child"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(1)
	}
	person := os.Getenv(envChildPerson)
	mode := os.Getenv(envChildMode)
	if name, ok := strings.CutPrefix(mode, "writer:"); ok {
		name, count, _ := strings.Cut(name, ":")
		var n int
		fmt.Sscan(count, &n)
		for i := range n {
			if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: person, Scheme: "leave", Kind: sessions.Accrual,
				Amount: 60, Key: fmt.Sprintf("%s-%d", name, i)}); err != nil {
				fmt.Fprintln(os.Stderr, "child post:", err)
				os.Exit(1)
			}
		}
		st.Close()
		os.Exit(0)
	}
	// crash mode: write until killed, acknowledging each committed write on stdout.
	out := bufio.NewWriter(os.Stdout)
	pid := os.Getpid()
	for i := 0; ; i++ {
		key := fmt.Sprintf("%d-%d", pid, i)
		var ack string
		switch i % 3 {
		case 0:
			_, err = st.PostEntry(ctx, sessions.Entry{PersonID: person, Scheme: "ila", Kind: sessions.Accrual, Amount: 1000, Key: key})
			ack = "L " + key
		case 1:
			_, err = st.PostEntry(ctx, sessions.Entry{PersonID: person, Scheme: "ila", Kind: sessions.Reserve, Amount: 400, Key: key, Ref: "step-" + key})
			ack = "L " + key
		case 2:
			var g sessions.Session
			g, err = st.AddSession(ctx, sessions.Session{PersonID: person, At: time.Now().Add(-time.Minute), Attended: true,
				Summary: "crash " + key, Notes: []string{"note " + key},
				Goals:   []sessions.Goal{{Summary: "g1"}, {Summary: "g2"}},
				Actions: []sessions.Action{{Summary: "a1", Due: catalog.DateOf(time.Now())}, {Summary: "a2"}}})
			ack = "S " + g.ID
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child write:", err)
			os.Exit(1)
		}
		fmt.Fprintln(out, ack)
		out.Flush()
	}
}

func childCmd(t *testing.T, db, person, mode string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildDB+"="+db, envChildPerson+"="+person, envChildMode+"="+mode)
	return cmd
}

// TestLedgerSurvivesSIGKILL kills a writing child at random moments (after
// a random number of acknowledged writes, so mid-way through the next one)
// and checks after each round: the file passes integrity_check, every
// acknowledged write is there, no session is half-written and every
// reservation balances.
func TestLedgerSurvivesSIGKILL(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 5
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "crash.db")
	st, err := Open(ctx, db, Options{Actor: "parent"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Crash Test"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	ledgerAcks, sessionAcks := map[string]bool{}, map[string]bool{}
	for round := range rounds {
		cmd := childCmd(t, db, p.ID, "crash")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAfter := 1 + rng.IntN(12)
		sc := bufio.NewScanner(stdout)
		for n := 0; n < killAfter && sc.Scan(); n++ {
			kind, id, _ := strings.Cut(sc.Text(), " ")
			if kind == "L" {
				ledgerAcks[id] = true
			} else {
				sessionAcks[id] = true
			}
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if strings.Contains(stderr.String(), "child") {
			t.Fatalf("round %d: child failed: %s", round, stderr.String())
		}
		checkAfterCrash(t, db, p.ID, ledgerAcks, sessionAcks)
	}
	if len(ledgerAcks) == 0 || len(sessionAcks) == 0 {
		t.Fatalf("children acknowledged %d ledger and %d session writes; want some of each", len(ledgerAcks), len(sessionAcks))
	}
}

func checkAfterCrash(t *testing.T, db, person string, ledgerAcks, sessionAcks map[string]bool) {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, db, Options{Actor: "checker"})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	var ok string
	if err := st.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	es, err := st.Entries(ctx, person, "ila")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, e := range es {
		keys[e.Key] = true
	}
	for k := range ledgerAcks {
		if !keys[k] {
			t.Errorf("acknowledged ledger entry %s is missing", k)
		}
	}
	sum := sessions.Sum(es)
	bs, _ := st.Balances(ctx, person)
	for _, b := range bs {
		if b.Scheme == "ila" && (b.Balance != sum.Balance || b.Reserved != sum.Reserved || b.Available < 0) {
			t.Errorf("balance %+v does not match entries %+v", b, sum)
		}
	}
	refs := map[string]bool{}
	for _, e := range es {
		if e.Ref != "" {
			refs[e.Ref] = true
		}
	}
	for ref := range refs {
		if n := sessions.Outstanding(es, ref); n != 400 {
			t.Errorf("reservation %s holds %d, want 400", ref, n)
		}
	}
	list, err := st.Sessions(ctx, person, true)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, g := range list {
		ids[g.ID] = true
		if len(g.Goals) != 2 || len(g.Actions) != 2 || len(g.Notes) != 1 {
			t.Errorf("session %s is half-written: %d goals, %d actions, %d notes", g.ID, len(g.Goals), len(g.Actions), len(g.Notes))
		}
	}
	for id := range sessionAcks {
		if !ids[id] {
			t.Errorf("acknowledged session %s is missing", id)
		}
	}
}

// TestTwoWritersAtOnce runs two processes posting to the same account at
// the same time: both finish, no "database is locked" reaches them, and
// every entry of both lands.
func TestTwoWritersAtOnce(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "two.db")
	st, err := Open(ctx, db, Options{Actor: "parent"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Two Writers"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	var cmds []*exec.Cmd
	var errs []*strings.Builder
	for _, name := range []string{"tui", "cli"} {
		cmd := childCmd(t, db, p.ID, fmt.Sprintf("writer:%s:%d", name, n))
		var b strings.Builder
		cmd.Stderr = &b
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, errs = append(cmds, cmd), append(errs, &b)
	}
	// This process writes too, in between.
	for i := range n {
		if _, err := st.PostEntry(ctx, sessions.Entry{PersonID: p.ID, Scheme: "leave", Kind: sessions.Accrual, Amount: 60, Key: fmt.Sprintf("parent-%d", i)}); err != nil {
			t.Errorf("parent post: %v", err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("writer %d: %v: %s", i, err, errs[i].String())
		}
		if strings.Contains(errs[i].String(), "locked") {
			t.Errorf("writer %d saw: %s", i, errs[i].String())
		}
	}
	es, err := st.Entries(ctx, p.ID, "leave")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3*n {
		t.Fatalf("%d entries landed, want %d", len(es), 3*n)
	}
	if got := sessions.Sum(es).Balance; got != 3*n*60 {
		t.Errorf("balance %d, want %d", got, 3*n*60)
	}
	st.Close()
}
