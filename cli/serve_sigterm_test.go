package cli

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestServeSIGTERM runs the real binary, opens interactive sessions and
// sends the process SIGTERM: every session is told, and the process exits 0
// within seconds.
func TestServeSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "koers")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(dir, "data"), "KOERS_DB="+filepath.Join(dir, "koers.db"))
	signer, pub := newSigner(t)
	add := exec.CommandContext(ctx, bin, "counsellor", "add", "cora", "--role", "counsellor", "--key", string(ssh.MarshalAuthorizedKey(pub)))
	add.Env = env
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("counsellor add: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	hostKeyFile := filepath.Join(dir, "hk")
	srv := exec.Command(bin, "serve", "--listen", addr, "--host-key", hostKeyFile)
	srv.Env = env
	var logs lockedBuffer
	srv.Stderr = &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() {
		if srv.ProcessState == nil {
			_ = srv.Process.Kill()
			<-exited
		}
	})
	// A real external process: poll for its "serving" line, with a deadline.
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(logs.String(), "msg=serving") {
		if time.Now().After(deadline) {
			t.Fatalf("server did not start; log:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, err := os.ReadFile(hostKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	hostSigner, err := ssh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, addr: addr, hostKey: hostSigner.PublicKey(), keys: map[string]ssh.Signer{"cora": signer}}
	// Several sessions: each is told (the programs must not quit on the
	// process's signal by themselves, before the drain reaches them).
	var screens []*screen
	for range 4 {
		s := ts.openTUI("cora", "en", 80, 24)
		s.waitFor("offers")
		screens = append(screens, s)
	}

	start := time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit: %v; log:\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10 s after SIGTERM; log:\n%s", logs.String())
	}
	took := time.Since(start)
	t.Logf("stopped %s after SIGTERM", took.Round(time.Millisecond))
	if took > 5*time.Second {
		t.Errorf("stopping took %s", took)
	}
	for i, s := range screens {
		s.ended(5 * time.Second)
		if !strings.Contains(s.errb.String(), "stopping") {
			t.Errorf("session %d: no notice; stderr %q", i, s.errb.String())
		}
	}
	if l := logs.String(); !strings.Contains(l, "msg=stopped") || !strings.Contains(l, "sessions_drained=4") {
		t.Errorf("log:\n%s", l)
	}
}
