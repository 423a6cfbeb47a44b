package cli

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// builtKoers is the koers binary built once per test run, for the tests
// that run the server as a child process (its own RSS and CPU; SIGKILL).
var builtKoers struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

func buildKoers(t *testing.T) string {
	t.Helper()
	builtKoers.once.Do(func() {
		dir, err := os.MkdirTemp("", "koers-bin-")
		if err != nil {
			builtKoers.err = err
			return
		}
		builtKoers.path = filepath.Join(dir, "koers")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		builtKoers.out, builtKoers.err = exec.CommandContext(ctx, "go", "build", "-o", builtKoers.path, "..").CombinedOutput()
	})
	if builtKoers.err != nil {
		t.Fatalf("go build: %v\n%s", builtKoers.err, builtKoers.out)
	}
	return builtKoers.path
}

// childServer is `koers serve` running as a child process on 127.0.0.1
// over db, with one account per key.
type childServer struct {
	*testServer
	bin  string
	db   string
	env  []string
	dir  string
	args []string // serve's own flags
	cmd  *exec.Cmd
	logs *lockedBuffer
	// done is closed when the process has exited, with waitErr set.
	done    chan struct{}
	waitErr error
}

// koers runs the binary on the server's database (not over SSH).
func (c *childServer) koers(args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		c.t.Fatalf("koers %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// startChild adds the accounts (name → role) to db and starts serving it;
// the process is killed when the test ends if it still runs.
func startChild(t *testing.T, db string, roles map[string]string, serveArgs ...string) *childServer {
	t.Helper()
	dir := t.TempDir()
	c := &childServer{bin: buildKoers(t), db: db, dir: dir, args: serveArgs,
		env: append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(dir, "data"), "KOERS_DB="+db, "KOERS_COUNSELLOR=setup")}
	c.testServer = &testServer{t: t, keys: map[string]ssh.Signer{}}
	for name, role := range roles {
		signer, pub := newSigner(t)
		c.keys[name] = signer
		c.koers("counsellor", "add", name, "--role", role, "--key", string(ssh.MarshalAuthorizedKey(pub)))
	}
	c.start()
	return c
}

// restart serves the same database again, with the same host key and
// accounts, after the process ended.
func (c *childServer) restart() *childServer {
	c.t.Helper()
	<-c.done
	n := &childServer{testServer: &testServer{t: c.t, keys: c.keys}, bin: c.bin, db: c.db, dir: c.dir, args: c.args, env: c.env}
	n.start()
	return n
}

// start runs `koers serve` and waits for it to listen.
func (c *childServer) start() {
	t := c.t
	t.Helper()
	dir := c.dir
	c.logs, c.done = &lockedBuffer{wrote: make(chan struct{}, 1)}, make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.addr = ln.Addr().String()
	ln.Close()
	hk := filepath.Join(dir, "hk")
	c.cmd = exec.Command(c.bin, append([]string{"serve", "--listen", c.addr, "--host-key", hk}, c.args...)...)
	c.cmd.Env = c.env
	c.cmd.Stderr = c.logs
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.waitErr = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill() // an error when it has exited already
		<-c.done
	})
	// A real external process: poll for its "serving" line, with a deadline.
	deadline := time.Now().Add(5 * time.Minute)
	for !strings.Contains(c.logs.String(), "msg=serving") {
		select {
		case <-c.done:
			t.Fatalf("server exited (%v); log:\n%s", c.waitErr, c.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start; log:\n%s", c.logs.String())
		}
	}
	b, err := os.ReadFile(hk)
	if err != nil {
		t.Fatal(err)
	}
	host, err := ssh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	c.hostKey = host.PublicKey()
}
