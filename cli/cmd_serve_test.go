package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/crypto/ssh"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/serve"
	"github.com/koers-project/koers/sessions"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines and the
// test; wrote, when made, is signalled on every write.
type lockedBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{}
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.wrote != nil {
		select {
		case l.wrote <- struct{}{}:
		default:
		}
	}
	return l.b.Write(p)
}

// waitFor waits until the buffer holds text, or fails after 15 s.
func (l *lockedBuffer) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for !strings.Contains(l.String(), text) {
		select {
		case <-l.wrote:
		case <-deadline:
			t.Fatalf("no %q within 15 s in:\n%s", text, l.String())
		}
	}
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testServer is a koers server on 127.0.0.1 in this process, over a real
// database file, with accounts for every role.
type testServer struct {
	t       *testing.T
	addr    string
	hostKey ssh.PublicKey
	st      *app.App
	logs    *lockedBuffer
	keys    map[string]ssh.Signer // account name → its private key
	privs   map[string]ed25519.PrivateKey
	recheck chan struct{}
	stop    context.CancelFunc
	done    chan error
}

type serveOpts struct {
	maxSessions int
	failLimit   int
	idle        time.Duration
	// centre, when set, is created first; every account belongs to it,
	// and a second counsellor, cody, joins (caseload tests).
	centre string
}

func startServer(t *testing.T, o serveOpts) *testServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	cat, err := locale.New()
	if err != nil {
		t.Fatal(err)
	}
	a := &invocation{dbPath: filepath.Join(dir, "koers.db"), lang: "en", counsellor: "setup", stdout: io.Discard, stderr: io.Discard,
		getenv: func(string) string { return "" }, cat: cat, now: time.Now}
	st, err := a.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A database on an explicit path starts empty: the commands over SSH
	// search the sample register.
	if _, err := st.SeedSample(ctx, true); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, st: st, logs: &lockedBuffer{wrote: make(chan struct{}, 1)}, keys: map[string]ssh.Signer{}, privs: map[string]ed25519.PrivateKey{}, recheck: make(chan struct{}), done: make(chan error, 1)}
	roles := map[string]sessions.Role{"cora": sessions.RoleCounsellor, "sam": sessions.RoleSupervisor, "ada": sessions.RoleAdmin, "otto": sessions.RoleAuditor}
	var centres []string
	if o.centre != "" {
		if _, err := st.AddCentre(ctx, sessions.Centre{Code: o.centre}); err != nil {
			t.Fatal(err)
		}
		roles["cody"], centres = sessions.RoleCounsellor, []string{o.centre}
	}
	for name, role := range roles {
		priv := newPriv(t)
		signer, err := ssh.NewSignerFromKey(priv)
		if err != nil {
			t.Fatal(err)
		}
		pub := signer.PublicKey()
		ts.privs[name] = priv
		k := sessions.CounsellorKey{Fingerprint: ssh.FingerprintSHA256(pub), PublicKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))}
		if _, err := st.AddCounsellor(ctx, sessions.Counsellor{Name: name, Role: role, Centres: centres}, k); err != nil {
			t.Fatal(err)
		}
		ts.keys[name] = signer
	}
	host, _, err := serve.LoadHostKey(filepath.Join(dir, "host", "ssh_host_ed25519_key"))
	if err != nil {
		t.Fatal(err)
	}
	ts.hostKey = host.PublicKey()
	srv, err := a.newServer(st, serve.Config{HostKey: host, MaxSessions: o.maxSessions, FailLimit: o.failLimit, IdleTimeout: o.idle,
		CheckEvery: time.Hour, Recheck: ts.recheck, DrainTimeout: 3 * time.Second,
		Logger: slog.New(slog.NewTextHandler(ts.logs, nil)), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = ln.Addr().String()
	sctx, stop := context.WithCancel(ctx)
	ts.stop = stop
	go func() { ts.done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-ts.done:
		case <-time.After(15 * time.Second):
			t.Error("server did not stop")
		}
		st.Close()
	})
	return ts
}

func newPriv(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func newSigner(t *testing.T) (ssh.Signer, ssh.PublicKey) {
	t.Helper()
	signer, err := ssh.NewSignerFromKey(newPriv(t))
	if err != nil {
		t.Fatal(err)
	}
	return signer, signer.PublicKey()
}

func (ts *testServer) dialWith(user string, auth ...ssh.AuthMethod) (*ssh.Client, error) {
	return ssh.Dial("tcp", ts.addr, &ssh.ClientConfig{User: user, Auth: auth,
		HostKeyCallback: ssh.FixedHostKey(ts.hostKey), Timeout: 10 * time.Second})
}

// dial logs in as account with its key.
func (ts *testServer) dial(account string) *ssh.Client {
	ts.t.Helper()
	c, err := ts.dialWith(account, ssh.PublicKeys(ts.keys[account]))
	if err != nil {
		ts.t.Fatalf("dial as %s: %v", account, err)
	}
	ts.t.Cleanup(func() { c.Close() })
	return c
}

// run runs command over SSH as account and returns stdout, stderr and the exit status.
func (ts *testServer) run(account, command string) (string, string, int) {
	ts.t.Helper()
	sess, err := ts.dial(account).NewSession()
	if err != nil {
		ts.t.Fatal(err)
	}
	defer sess.Close()
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	err = sess.Run(command)
	var ee *ssh.ExitError
	switch {
	case err == nil:
		return out.String(), errb.String(), 0
	case errors.As(err, &ee):
		return out.String(), errb.String(), ee.ExitStatus()
	}
	ts.t.Fatalf("ssh %s: %v (stderr %q)", command, err, errb.String())
	return "", "", -1
}

// screen is the output of an interactive session, read as it arrives.
type screen struct {
	t      *testing.T
	client *ssh.Client
	sess   *ssh.Session
	in     io.WriteCloser
	mu     sync.Mutex
	buf    bytes.Buffer
	errb   lockedBuffer
	more   chan struct{} // signalled on every read
	eof    chan struct{} // closed when the output ends
	exit   chan error    // Wait's answer
}

// openTUI starts an interactive session with a pty of w×h as account.
func (ts *testServer) openTUI(account, lang string, w, h int) *screen {
	ts.t.Helper()
	client := ts.dial(account)
	sess, err := client.NewSession()
	if err != nil {
		ts.t.Fatal(err)
	}
	if err := sess.Setenv("LANG", lang); err != nil {
		ts.t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, ssh.TerminalModes{ssh.ECHO: 0}); err != nil {
		ts.t.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		ts.t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		ts.t.Fatal(err)
	}
	s := &screen{t: ts.t, client: client, sess: sess, in: in, more: make(chan struct{}, 1), eof: make(chan struct{}), exit: make(chan error, 1)}
	sess.Stderr = &s.errb
	go func() {
		defer close(s.eof)
		b := make([]byte, 4096)
		for {
			n, err := out.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			select {
			case s.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	if err := sess.Shell(); err != nil {
		ts.t.Fatal(err)
	}
	go func() { <-s.eof; s.exit <- sess.Wait() }()
	return s
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.Strip(s.buf.String())
}

// squeeze drops white space: the renderer moves the cursor over cells that
// do not change instead of writing them, so a phrase typed key by key can
// arrive as "Half- typed sum mary" once the escape codes are stripped.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// waitFor reads the stream until every text has appeared since the last
// reset (white space aside), or fails after a deadline.
func (s *screen) waitFor(texts ...string) {
	s.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		got := squeeze(s.text())
		all := true
		for _, x := range texts {
			if !strings.Contains(got, squeeze(x)) {
				all = false
			}
		}
		if all {
			return
		}
		select {
		case <-s.more:
		case <-s.eof:
			s.t.Fatalf("session ended before %q appeared; output %q", texts, lastChars(s.text()))
		case <-deadline:
			s.t.Fatalf("no %q within 15 s; output %q", texts, lastChars(s.text()))
		}
	}
}

// reset forgets what was read so far, so the next waitFor sees only new output.
func (s *screen) reset() {
	s.mu.Lock()
	s.buf.Reset()
	s.mu.Unlock()
}

func (s *screen) typeText(text string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, text); err != nil {
		s.t.Fatal(err)
	}
}

// ended waits for the session to end within d and returns its exit error.
func (s *screen) ended(d time.Duration) error {
	s.t.Helper()
	select {
	case err := <-s.exit:
		return err
	case <-time.After(d):
		s.t.Fatalf("session still open after %s", d)
	}
	return nil
}

func lastChars(s string) string {
	if len(s) > 600 {
		return "…" + s[len(s)-600:]
	}
	return s
}
