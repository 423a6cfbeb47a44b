package cli

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestServeWithOpenSSH drives the server with the OpenSSH client people use,
// when it is installed: a command's output and its exit status (0, 2, 3)
// come back as ssh's own.
func TestServeWithOpenSSH(t *testing.T) {
	bin, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no OpenSSH client here")
	}
	ts := startServer(t, serveOpts{})
	dir := t.TempDir()
	block, err := ssh.MarshalPrivateKey(ts.privs["cora"], "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	hostPort, port, _ := net.SplitHostPort(ts.addr)
	known := filepath.Join(dir, "known_hosts")
	line := "[" + hostPort + "]:" + port + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(ts.hostKey)))
	if err := os.WriteFile(known, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sshRun := func(command string) (string, string, int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "-F", "/dev/null", "-p", port, "-i", keyFile,
			"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
			"-o", "UserKnownHostsFile="+known, "cora@"+hostPort, command)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
			return out.String(), errb.String(), 0
		case errors.As(err, &ee):
			return out.String(), errb.String(), ee.ExitCode()
		}
		t.Fatalf("ssh: %v", err)
		return "", "", -1
	}
	tests := []struct {
		cmd    string
		code   int
		stdout string
		stderr string
	}{
		{"koers search data --json --limit 2", 0, `"id"`, ""},
		{"koers search --eqf 12", 2, "", "--eqf"},
		{"koers counsellor list", 3, "", "roles:counsellor/manage-accounts/own"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			out, errs, code := sshRun(tt.cmd)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q", code, tt.code, out, errs)
			}
		})
	}
}
