package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/koers-project/koers/store/pgtest"
)

// pg is the PostgreSQL server of this test binary, for the commands that
// run on PostgreSQL (migrate, doctor); its tests skip without one.
var pg pgtest.Harness

// TestMain lets a test run koers as a child process of its own: the test
// binary re-executes itself with KOERS_TEST_CHILD set, and then runs the
// command line in KOERS_TEST_ARGS (JSON) instead of the tests. Peak memory
// and kill tests need a process of their own to measure or to kill.
// Otherwise the tests run with their PostgreSQL harness.
func TestMain(m *testing.M) {
	if os.Getenv("KOERS_TEST_CHILD") == "1" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv("KOERS_TEST_ARGS")), &args); err != nil {
			os.Stderr.WriteString("KOERS_TEST_ARGS: " + err.Error() + "\n")
			os.Exit(125)
		}
		os.Exit(Main(context.Background(), "test", args, os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(pgtest.Main(m, &pg, nil))
}

// childCmd is koers with args, run by a re-executed test binary.
func childCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	b, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "KOERS_TEST_CHILD=1", "KOERS_TEST_ARGS="+string(b), "KOERS_COUNSELLOR=tester", "LANG=en")
	return cmd
}

// peakRSS is a finished child's peak resident set size in bytes (Linux
// reports ru_maxrss in kilobytes).
func peakRSS(t *testing.T, cmd *exec.Cmd) int64 {
	t.Helper()
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no rusage on this platform")
	}
	return ru.Maxrss * 1024
}
