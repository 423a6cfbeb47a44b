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
	if os.Getenv("KOERS_TEST_CHILD") == "1" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv("KOERS_TEST_ARGS")), &args); err != nil {
			os.Stderr.WriteString("KOERS_TEST_ARGS: " + err.Error() + "\n")
			os.Exit(125)
		}
		code := Main(context.Background(), "test", args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
		if f := os.Getenv("KOERS_TEST_HWM_FILE"); f != "" {
			writeHWM(f)
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
	cmd.Env = append(os.Environ(), "KOERS_TEST_CHILD=1", "KOERS_TEST_ARGS="+string(b), "KOERS_COUNSELLOR=tester", "LANG=en")
	return cmd
}

// peakRSS is a finished child's peak resident set size in bytes: the
// VmHWM the child read from /proc/self/status as it ended (run it with
// measured). rusage's Maxrss is no use here: Linux keeps it across exec,
// so a child forked from a big test process reports the parent's size.
func peakRSS(t *testing.T, cmd *exec.Cmd) int64 {
	t.Helper()
	for _, e := range cmd.Env {
		if f, ok := strings.CutPrefix(e, "KOERS_TEST_HWM_FILE="); ok {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatalf("the child did not report its peak memory: %v", err)
			}
			kb, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			if err != nil {
				t.Fatalf("peak memory %q: %v", b, err)
			}
			return kb * 1024
		}
	}
	t.Fatal("peakRSS needs a command made by measured")
	return 0
}

// measured makes cmd report its peak memory (VmHWM) into a file when done.
func measured(t *testing.T, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc/self/status on this platform")
	}
	cmd.Env = append(cmd.Env, "KOERS_TEST_HWM_FILE="+filepath.Join(t.TempDir(), "hwm"))
	return cmd
}

// writeHWM writes this process's VmHWM (kB) to path.
func writeHWM(path string) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			_ = os.WriteFile(path, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o600)
			return
		}
	}
}
