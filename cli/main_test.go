package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
	if os.Getenv("KOERS_TEST_CHILD") == "draft" {
		os.Exit(runDraftChild())
	}
	if os.Getenv("KOERS_TEST_CHILD") == "1" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv("KOERS_TEST_ARGS")), &args); err != nil {
			os.Stderr.WriteString("KOERS_TEST_ARGS: " + err.Error() + "\n")
			os.Exit(125)
		}
		if f := os.Getenv("KOERS_TEST_HOLD_FILE"); f != "" {
			if err := recordHolds(f); err != nil {
				os.Stderr.WriteString("KOERS_TEST_HOLD_FILE: " + err.Error() + "\n")
				os.Exit(125)
			}
		}
		code := Main(context.Background(), "test", args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		if f := os.Getenv("KOERS_TEST_PEAK_FILE"); f != "" {
			writePeak(f)
		}
		os.Exit(code)
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
	peak := filepath.Join(t.TempDir(), "peak")
	cmd.Env = append(os.Environ(), "KOERS_TEST_CHILD=1", "KOERS_TEST_ARGS="+string(b), "KOERS_COUNSELLOR=tester", "LANG=en",
		"KOERS_TEST_PEAK_FILE="+peak)
	return cmd
}

// writePeak writes this process's peak resident set (VmHWM, in kB) to
// file. It is read in the child itself: the rusage a parent gets from
// wait4 is no measure, since Linux carries the high-water mark of the
// memory the child shared with its parent before exec (Go forks with
// CLONE_VM) into the child's ru_maxrss, so a large test binary would make
// every child look large.
func writePeak(file string) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			_ = os.WriteFile(file, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o600)
		}
	}
}

// peakRSS is a finished child's peak resident set size in bytes, as the
// child read it (writePeak).
func peakRSS(t *testing.T, cmd *exec.Cmd) int64 {
	t.Helper()
	for _, kv := range cmd.Env {
		if f, ok := strings.CutPrefix(kv, "KOERS_TEST_PEAK_FILE="); ok {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Skipf("no peak memory from the child (%v): needs /proc", err)
			}
			kb, err := strconv.ParseInt(string(b), 10, 64)
			if err != nil {
				t.Fatalf("peak file %q: %v", b, err)
			}
			return kb * 1024
		}
	}
	t.Fatal("not a childCmd")
	return 0
}
