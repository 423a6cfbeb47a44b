// Package serve is koers's SSH server (`koers serve`): a centre's team
// reaches one koers from any terminal. Each interactive session runs its own
// Bubble Tea program (its own size, language and colours); a session with a
// command runs the command line inside the server. Both work over one
// database the server opened once, as the authenticated counsellor account.
//
// Only public keys of active accounts log in; failed logins are counted per
// remote host and, past a limit, refused unseen. The server watches the
// accounts: a disabled account's sessions end. On shutdown every session is
// told, the TUIs save their drafts, and the server stops.
//
// The log (log/slog) names sessions, accounts, roles, key fingerprints,
// remote addresses and command names, never a command's arguments or
// anything a session shows: those can hold personal data.
//
// The package knows neither the database nor the command tree: the caller
// gives it the accounts, a TUI factory and a command runner (package cli).
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/koers-project/koers/sessions"
)

// ErrUnknownKey is what Accounts returns (wrapped) when no account holds a key.
var ErrUnknownKey = errors.New("no account holds this key")

// Accounts finds the account that holds a public key.
type Accounts interface {
	// CounsellorByKey returns the account holding the key with this SHA256
	// fingerprint, disabled or not; an error wrapping ErrUnknownKey if none.
	CounsellorByKey(ctx context.Context, fingerprint string) (sessions.Counsellor, error)
}

// Caller is the authenticated account of one SSH session.
type Caller struct {
	Account     sessions.Counsellor
	Fingerprint string
	SessionID   string
	// Getenv reads the environment the client sent (LANG, LC_*, TERM, …).
	Getenv func(string) string
	// AccountsChanged makes the server re-check its sessions' accounts now
	// (a command that disables an account or removes a key calls it).
	AccountsChanged func()
}

// TUI is one session's program model and the message that tells it the
// session must end (it saves its drafts and quits).
type TUI struct {
	Model    tea.Model
	Shutdown func(notice string) tea.Msg
	// Close, when set, is called once the program has ended, however it
	// ended (it releases what the model holds, such as its watches).
	Close func()
}

// Notice is something the server tells a session, by its message id.
type Notice string

// Notices.
const (
	NoticeStopping   Notice = "serve.stopping"    // the server stops; drafts are saved
	NoticeEnded      Notice = "serve.ended"       // the account was disabled or its key removed
	NoticeFull       Notice = "serve.full"        // MaxSessions reached (N)
	NoticeNoTerminal Notice = "serve.no_terminal" // neither a command nor a pty
)

var englishNotices = map[Notice]string{
	NoticeStopping:   "the koers server is stopping; your drafts are saved",
	NoticeEnded:      "this account may no longer use koers; the session ends (your drafts are saved)",
	NoticeFull:       "the koers server is full (%d sessions); try again later",
	NoticeNoTerminal: "no terminal: use ssh -t for the interface, or give a command (koers help)",
}

// Config is what the server needs. Accounts, NewTUI and Exec are required.
type Config struct {
	Accounts Accounts
	// NewTUI builds the root model for an interactive session.
	NewTUI func(c Caller) (TUI, error)
	// Exec runs a command (args without "koers") and returns its exit status.
	Exec func(ctx context.Context, c Caller, args []string, stdin io.Reader, stdout, stderr io.Writer) int
	// HostKey is the server's private key (LoadHostKey).
	HostKey gossh.Signer
	// MaxSessions is the most sessions at once; 0 means no limit.
	MaxSessions int
	// IdleTimeout closes a connection with no traffic for this long; 0 never.
	IdleTimeout time.Duration
	// CheckEvery is how often the accounts of open sessions are re-read
	// (default 2 s, so a disabled account's sessions end within 5 s).
	CheckEvery time.Duration
	// Recheck, when not nil, triggers a re-read of the accounts at once (tests).
	Recheck <-chan struct{}
	// DrainTimeout bounds how long sessions get to save and end when the
	// server stops or an account is disabled (default 3 s).
	DrainTimeout time.Duration
	// FailLimit failed logins per remote host within FailWindow (defaults
	// 5 and 1 minute) block the host until the window has passed.
	FailLimit  int
	FailWindow time.Duration
	// Now is the clock of the login limiter; nil means time.Now.
	Now func() time.Time
	// Logger receives the server's structured log; nil means slog.Default().
	Logger  *slog.Logger
	Version string
	// CommandNames are the top-level command names the log may show
	// (anything else a session asks for is logged as "?").
	CommandNames []string
	// Say words a notice for the caller, in their language; n is the
	// session limit for NoticeFull. Nil means English.
	Say func(c Caller, msg Notice, n int) string
}

// Server is a running koers SSH server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	limit   *limiter
	ssh     *ssh.Server
	changed chan struct{}
	known   map[string]bool // CommandNames

	mu       sync.Mutex
	live     map[*live]struct{}
	draining bool
	idle     chan struct{} // closed when draining and no session is left
	seq      uint64
}

// New checks cfg and builds the server; Serve runs it.
func New(cfg Config) (*Server, error) {
	if cfg.Accounts == nil || cfg.NewTUI == nil || cfg.Exec == nil || cfg.HostKey == nil {
		return nil, errors.New("serve: Accounts, NewTUI, Exec and HostKey are required")
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = 2 * time.Second
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 3 * time.Second
	}
	if cfg.FailLimit <= 0 {
		cfg.FailLimit = 5
	}
	if cfg.FailWindow <= 0 {
		cfg.FailWindow = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Say == nil {
		cfg.Say = func(_ Caller, msg Notice, n int) string {
			if msg == NoticeFull {
				return fmt.Sprintf(englishNotices[msg], n)
			}
			return englishNotices[msg]
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, log: cfg.Logger, limit: newLimiter(cfg.FailLimit, cfg.FailWindow, cfg.Now),
		changed: make(chan struct{}, 1), live: map[*live]struct{}{}, known: map[string]bool{}}
	for _, n := range cfg.CommandNames {
		s.known[n] = true
	}
	version := "koers"
	if cfg.Version != "" {
		version = "koers-" + strings.ReplaceAll(cfg.Version, " ", "_")
	}
	srv, err := wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(cfg.HostKey); return nil },
		wish.WithVersion(version),
		wish.WithPublicKeyAuth(s.authenticate),
		wish.WithIdleTimeout(cfg.IdleTimeout),
		// Composed first to last; the last runs first: track, then the TUI, then commands.
		wish.WithMiddleware(s.commands, bubbletea.MiddlewareWithProgramHandler(s.program), s.track),
	)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	// No password or keyboard-interactive handler: those methods are not offered.
	srv.ConnCallback = func(_ ssh.Context, conn net.Conn) net.Conn {
		if s.limit.blocked(host(conn.RemoteAddr())) {
			return nil // refused unseen until its window passes
		}
		return conn
	}
	srv.ConnectionFailedCallback = s.failed
	s.ssh = srv
	return s, nil
}

func host(a net.Addr) string {
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}

// authenticate lets in the public keys of active accounts.
func (s *Server) authenticate(ctx ssh.Context, key ssh.PublicKey) bool {
	remote := host(ctx.RemoteAddr())
	if s.limit.blocked(remote) {
		return false
	}
	fp := gossh.FingerprintSHA256(key)
	acc, err := s.cfg.Accounts.CounsellorByKey(ctx, fp)
	reason := ""
	switch {
	case errors.Is(err, ErrUnknownKey):
		reason = "unknown key"
	case err != nil:
		s.log.Error("login check failed", "remote", remote, "fingerprint", fp, "err", err)
		return false
	case acc.Disabled:
		reason = "account disabled"
	}
	if reason == "" {
		return true
	}
	// A client offers its keys one by one: a refused key is not yet a
	// failed login (the connection's failure is counted once, in failed).
	s.log.Info("key refused", "remote", remote, "fingerprint", fp, "reason", reason)
	return false
}

// failed counts a connection that did not log in (every key refused, a
// password tried, or no SSH at all) against its address.
func (s *Server) failed(conn net.Conn, err error) {
	remote := host(conn.RemoteAddr())
	s.log.Warn("login refused", "remote", remote, "err", err)
	if s.limit.fail(remote) {
		s.log.Warn("logins rate-limited", "remote", remote, "failures", s.cfg.FailLimit, "window", s.cfg.FailWindow.String())
	}
}

// AccountsChanged makes the server re-check its sessions' accounts now.
func (s *Server) AccountsChanged() {
	select {
	case s.changed <- struct{}{}:
	default: // a re-check is already due
	}
}

// Serve accepts sessions on ln until ctx ends, then drains: every session
// is told, TUIs save their drafts and quit, commands get DrainTimeout to
// finish; then every connection is closed and Serve returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.log.Info("serving", "listen", ln.Addr().String(), "max_sessions", s.cfg.MaxSessions, "idle_timeout", s.cfg.IdleTimeout.String())
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go s.watch(watchCtx)
	errc := make(chan error, 1)
	go func() { errc <- s.ssh.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, ssh.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	start := time.Now()
	_ = ln.Close()
	n := s.drain()
	err := s.ssh.Close()
	s.log.Info("stopped", "sessions_drained", n, "took", time.Since(start).Round(time.Millisecond).String())
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// drain tells every session to end and waits for them, up to DrainTimeout.
func (s *Server) drain() int {
	s.mu.Lock()
	s.draining = true
	s.idle = make(chan struct{})
	lives := make([]*live, 0, len(s.live))
	for l := range s.live {
		lives = append(lives, l)
	}
	if len(s.live) == 0 {
		close(s.idle)
	}
	idle := s.idle
	s.mu.Unlock()
	for _, l := range lives {
		l.end(NoticeStopping, false)
	}
	select {
	case <-idle:
	case <-time.After(s.cfg.DrainTimeout):
		s.log.Warn("sessions still open after the drain timeout; closing them", "timeout", s.cfg.DrainTimeout.String())
	}
	return len(lives)
}
