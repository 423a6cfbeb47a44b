package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type syncStatusJSON struct {
	CheckedOut bool `json:"checked_out"`
	Waiting    int  `json:"waiting"`
	Conflicts  int  `json:"conflicts"`
	Refused    int  `json:"refused"`
	People     []struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Waiting int    `json:"waiting"`
	} `json:"people"`
}

func laptopStatus(t *testing.T, laptop string) syncStatusJSON {
	t.Helper()
	code, out, errs := peopleCLI(t, laptop, "", "sync", "status", "--json")
	var st syncStatusJSON
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil {
		t.Fatalf("sync status: %d %v %s", code, err, errs)
	}
	return st
}

// available reads the person's available ila balance (minor units) on db.
func availableILA(t *testing.T, db, id string) int64 {
	t.Helper()
	code, out, errs := peopleCLI(t, db, "", "account", "show", "--person", id, "--json")
	if code != 0 {
		t.Fatalf("balance: %d %s", code, errs)
	}
	var bs []struct {
		Scheme    string  `json:"scheme"`
		Available float64 `json:"available"`
	}
	if err := json.Unmarshal([]byte(out), &bs); err != nil {
		t.Fatalf("balance json %q: %v", out, err)
	}
	for _, b := range bs {
		if b.Scheme == "ila" {
			return int64(math.Round(b.Available * 100))
		}
	}
	return 0
}

// TestSyncCommands runs the laptop's round trip with the commands: check
// out a person from PostgreSQL, spend offline (waiting), sync (applied on
// the server), check in (the laptop holds no one).
func TestSyncCommands(t *testing.T) {
	db := pg.DB(t, "")
	laptop := filepath.Join(t.TempDir(), "laptop.db")
	id := addPersonCLI(t, db, "Ann Peeters")
	if code, _, errs := peopleCLI(t, db, "", "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "1000", "--key", "k1"); code != 0 {
		t.Fatalf("accrual: %s", errs)
	}
	if code, _, errs := peopleCLI(t, laptop, "", "sync", "checkout", "--person", id); code != exitUsage || !strings.Contains(errs, "--from") {
		t.Errorf("checkout without --from: %d %q", code, errs)
	}
	if code, _, errs := peopleCLI(t, db, "", "sync", "status"); code != exitUsage || !strings.Contains(errs, "SQLite") {
		t.Errorf("sync status on PostgreSQL: %d %q", code, errs)
	}
	code, out, errs := peopleCLI(t, laptop, "", "sync", "checkout", "--from", db, "--person", id)
	if code != 0 || !strings.Contains(out, "Checked out 1 people") || !strings.Contains(out, "Ann Peeters") {
		t.Fatalf("checkout: %d %q %s", code, out, errs)
	}
	if av := availableILA(t, laptop, id); av != 100000 {
		t.Errorf("laptop's balance: %d", av)
	}
	if code, _, errs := peopleCLI(t, laptop, "", "account", "post", "--person", id, "--scheme", "ila", "--kind", "spend", "--amount", "250", "--key", "offline-1"); code != 0 {
		t.Fatalf("offline spend: %s", errs)
	}
	if st := laptopStatus(t, laptop); !st.CheckedOut || st.Waiting == 0 || len(st.People) != 1 || st.People[0].Waiting != 1 {
		t.Errorf("status after an offline spend: %+v", st)
	}
	if code, out, errs := peopleCLI(t, laptop, "", "sync"); code != 0 || !strings.Contains(out, "0 refused") {
		t.Fatalf("sync: %d %q %s", code, out, errs)
	}
	if av := availableILA(t, db, id); av != 75000 {
		t.Errorf("server's balance after sync: %d", av)
	}
	if st := laptopStatus(t, laptop); st.Waiting != 0 || st.Conflicts != 0 {
		t.Errorf("status after sync: %+v", st)
	}
	// --caseload: the people whose counsellor is --counsellor (tester here).
	other := filepath.Join(t.TempDir(), "other.db")
	if code, _, errs := peopleCLI(t, db, "", "person", "transfer", id, "--to", "tester"); code != 0 {
		t.Fatalf("transfer: %d %s", code, errs)
	}
	if code, out, errs := peopleCLI(t, other, "", "sync", "checkout", "--from", db, "--caseload", "--json"); code != 0 || !strings.Contains(out, id) {
		t.Errorf("checkout --caseload: %d %q %s", code, out, errs)
	}
	if code, _, errs := peopleCLI(t, other, "", "--counsellor", "nobody", "sync", "checkout", "--from", db, "--caseload"); code != exitUsage || !strings.Contains(errs, "nobody") {
		t.Errorf("checkout of an empty caseload: %d %q", code, errs)
	}
	if code, out, errs := peopleCLI(t, laptop, "", "sync", "checkin"); code != 0 || !strings.Contains(out, "Checked in") {
		t.Fatalf("checkin: %d %q %s", code, out, errs)
	}
	if st := laptopStatus(t, laptop); st.CheckedOut || len(st.People) != 0 {
		t.Errorf("status after checkin: %+v", st)
	}
	if code, _, _ := peopleCLI(t, laptop, "", "person", "show", id); code == 0 {
		t.Error("the person is still on the laptop after check-in")
	}
}

// TestSyncKilledCompletes kills `koers sync` (a child process) at random
// points, 50 rounds, each after one more offline spend of €1: the next
// sync completes, and the server then holds every spend exactly once.
func TestSyncKilledCompletes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 50 child processes")
	}
	db := pg.DB(t, "")
	laptop := filepath.Join(t.TempDir(), "laptop.db")
	id := addPersonCLI(t, db, "Kill Test")
	if code, _, errs := peopleCLI(t, db, "", "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "1000", "--key", "k1"); code != 0 {
		t.Fatalf("accrual: %s", errs)
	}
	if code, _, errs := peopleCLI(t, laptop, "", "sync", "checkout", "--from", db, "--person", id); code != 0 {
		t.Fatalf("checkout: %s", errs)
	}
	spend := func(i int) {
		t.Helper()
		if code, _, errs := peopleCLI(t, laptop, "", "account", "post", "--person", id, "--scheme", "ila", "--kind", "spend", "--amount", "1", "--key", "s"+strings.Repeat("x", i%3)+time.Duration(i).String()); code != 0 {
			t.Fatalf("offline spend %d: %s", i, errs)
		}
	}
	// One sync to its end gives the span to spread the kills over.
	spend(0)
	start := time.Now()
	if err := runSyncChild(t, db, laptop, 0); err != nil {
		t.Fatal(err)
	}
	span := time.Since(start)
	rng := rand.New(rand.NewPCG(17, 17))
	const rounds = 50
	killed := 0
	for i := 1; i <= rounds; i++ {
		spend(i)
		at := time.Duration(rng.Int64N(int64(span))) + time.Millisecond
		if err := runSyncChild(t, db, laptop, at); err != nil {
			killed++
		}
		if code, out, errs := peopleCLI(t, laptop, "", "sync", "--json"); code != 0 {
			t.Fatalf("round %d: the sync after the kill at %v: %d %s %s", i, at, code, out, errs)
		}
		if st := laptopStatus(t, laptop); st.Waiting != 0 || st.Refused != 0 || st.Conflicts != 0 {
			t.Fatalf("round %d: status %+v", i, st)
		}
		if av := availableILA(t, db, id); av != 100000-int64(i+1)*100 {
			t.Fatalf("round %d (kill at %v): server's balance %d, want %d: a spend was lost or applied twice", i, at, av, 100000-int64(i+1)*100)
		}
		if av := availableILA(t, laptop, id); av != 100000-int64(i+1)*100 {
			t.Fatalf("round %d: laptop's balance %d after sync", i, av)
		}
	}
	t.Logf("%d rounds over a sync of %v: %d killed before they finished", rounds, span.Round(time.Millisecond), killed)
	if killed < rounds/4 {
		t.Errorf("only %d of %d syncs were killed under way", killed, rounds)
	}
}

// runSyncChild runs `koers sync` on laptop in a child process and kills it
// after at (0: let it finish).
func runSyncChild(t *testing.T, db, laptop string, at time.Duration) error {
	t.Helper()
	cmd := childCmd(t, "--db", laptop, "sync", "--from", db)
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
		t.Fatalf("sync: %v\n%s", err, out.String())
	}
	return err
}
