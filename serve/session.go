package serve

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/koers-project/koers/sessions"
)

// live is one open SSH session.
type live struct {
	id      string
	sess    ssh.Session
	caller  Caller
	kind    string // "tui" or "command"
	timeout time.Duration
	say     func(Notice) string
	done    chan struct{}
	code    int // exit status; written and read on the session's goroutine

	mu       sync.Mutex
	program  *tea.Program
	shutdown func(string) tea.Msg
	closeTUI func()             // TUI.Close
	cancel   context.CancelFunc // the running command's
	notice   string             // why the server ends the session; "" while it runs
}

type liveKey struct{}

// end tells the session why it must end: a TUI saves its drafts and quits;
// a command is cancelled when now, else left to finish. Whatever happens,
// the session is closed after the drain timeout.
func (l *live) end(msg Notice, now bool) {
	notice := l.say(msg)
	l.mu.Lock()
	if l.notice != "" {
		l.mu.Unlock()
		return
	}
	l.notice = notice
	p, sd, cancel := l.program, l.shutdown, l.cancel
	l.mu.Unlock()
	if p != nil {
		p.Send(sd(notice))
	}
	if now && cancel != nil {
		cancel()
	}
	go func() {
		select {
		case <-l.done:
		case <-time.After(l.timeout):
			if p != nil {
				p.Kill()
			}
			_ = l.sess.Close()
		}
	}()
}

func (l *live) ending() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.notice
}

// commandArgs is the session's command without a leading "koers"; empty
// asks for the interface.
func commandArgs(sess ssh.Session) []string {
	args := sess.Command()
	if len(args) > 0 && args[0] == "koers" {
		args = args[1:]
	}
	return args
}

// commandName is what the log may say about a command: its first word when
// that is one of the known command names, never its arguments nor an
// unknown word (a search phrase or a person's name is personal data).
func commandName(known map[string]bool, args []string) string {
	switch {
	case len(args) == 0:
		return ""
	case known[args[0]]:
		return args[0]
	}
	return "?"
}

func environ(sess ssh.Session) func(string) string {
	env := map[string]string{}
	for _, kv := range sess.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return func(k string) string { return env[k] }
}

// track admits a session (an active account, room under MaxSessions, not
// draining), keeps it in the live set while it runs, logs it, and sends its
// exit status.
func (s *Server) track(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		start := time.Now()
		if sess.PublicKey() == nil {
			_, _ = fmt.Fprintln(sess.Stderr(), "koers: public key authentication only")
			_ = sess.Exit(1)
			return
		}
		fp := gossh.FingerprintSHA256(sess.PublicKey())
		acc, err := s.cfg.Accounts.CounsellorByKey(sess.Context(), fp)
		if err != nil || acc.Disabled {
			s.log.Warn("session refused", "fingerprint", fp, "remote", host(sess.RemoteAddr()), "reason", "account no longer active")
			_, _ = fmt.Fprintln(sess.Stderr(), "koers: this key may no longer log in")
			_ = sess.Exit(1)
			return
		}
		args := commandArgs(sess)
		kind := "tui"
		if len(args) > 0 {
			kind = "command"
		}
		s.mu.Lock()
		switch {
		case s.draining:
			s.mu.Unlock()
			_, _ = fmt.Fprintln(sess.Stderr(), "koers: the server is stopping")
			_ = sess.Exit(1)
			return
		case s.cfg.MaxSessions > 0 && len(s.live) >= s.cfg.MaxSessions:
			s.mu.Unlock()
			s.log.Warn("session refused", "account", acc.Name, "reason", "server full", "max_sessions", s.cfg.MaxSessions)
			_, _ = fmt.Fprintf(sess.Stderr(), "koers: %s\n", s.cfg.Say(s.caller(sess, acc, fp, ""), NoticeFull, s.cfg.MaxSessions))
			_ = sess.Exit(1)
			return
		}
		s.seq++
		l := &live{id: fmt.Sprintf("s%d", s.seq), sess: sess, kind: kind, timeout: s.cfg.DrainTimeout, done: make(chan struct{})}
		l.caller = s.caller(sess, acc, fp, l.id)
		l.say = func(msg Notice) string { return s.cfg.Say(l.caller, msg, s.cfg.MaxSessions) }
		s.live[l] = struct{}{}
		s.mu.Unlock()
		sess.Context().SetValue(liveKey{}, l)
		s.log.Info("session start", "session", l.id, "account", acc.Name, "role", string(acc.Role), "kind", kind,
			"command", commandName(s.known, args), "remote", host(sess.RemoteAddr()))

		next(sess)
		l.mu.Lock()
		closeTUI := l.closeTUI
		l.mu.Unlock()
		if closeTUI != nil {
			closeTUI()
		}

		if notice := l.ending(); notice != "" {
			_, _ = fmt.Fprintf(sess.Stderr(), "\r\nkoers: %s\r\n", notice)
		}
		_ = sess.Exit(l.code)
		close(l.done)
		s.mu.Lock()
		delete(s.live, l)
		if s.draining && len(s.live) == 0 {
			close(s.idle)
		}
		s.mu.Unlock()
		s.log.Info("session end", "session", l.id, "account", acc.Name, "kind", kind, "exit", l.code,
			"took", time.Since(start).Round(time.Millisecond).String())
	}
}

func (s *Server) caller(sess ssh.Session, acc sessions.Counsellor, fp, id string) Caller {
	return Caller{Account: acc, Fingerprint: fp, SessionID: id, Getenv: environ(sess), AccountsChanged: s.AccountsChanged}
}

// program builds the Bubble Tea program of an interactive session; nil
// hands the session on to commands.
func (s *Server) program(sess ssh.Session) *tea.Program {
	l, _ := sess.Context().Value(liveKey{}).(*live)
	if l == nil || len(commandArgs(sess)) > 0 {
		return nil
	}
	if _, _, ok := sess.Pty(); !ok {
		return nil
	}
	t, err := s.cfg.NewTUI(l.caller)
	if err != nil {
		s.log.Error("session interface failed", "session", l.id, "account", l.caller.Account.Name, "err", err)
		_, _ = fmt.Fprintln(sess.Stderr(), "koers: the interface could not start")
		l.code = 1
		return nil
	}
	// MakeOptions' own filter is replaced by connectionFilter, which does its
	// work too. The program must not quit on the server process's SIGTERM by
	// itself: the drain tells it, so that it saves its drafts first.
	opts := append(bubbletea.MakeOptions(sess), tea.WithoutSignalHandler(),
		tea.WithFilter(connectionFilter(sess.Context(), t.Shutdown, l.say(NoticeStopping))))
	p := tea.NewProgram(t.Model, opts...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.notice != "" {
		return nil // ended before it began
	}
	l.program, l.shutdown, l.closeTUI = p, t.Shutdown, t.Close
	return p
}

// connectionFilter keeps a session's work when its connection drops: the
// Bubble Tea middleware quits the program when the connection's context
// ends, and the first such quit becomes the shutdown message, so open forms
// save their drafts before the program stops. It also turns suspend into
// resume, as the middleware's filter does: there is no shell to return to.
// It runs on the program's goroutine only.
func connectionFilter(ctx context.Context, shutdown func(string) tea.Msg, notice string) func(tea.Model, tea.Msg) tea.Msg {
	flushed := false
	return func(_ tea.Model, msg tea.Msg) tea.Msg {
		switch msg.(type) {
		case tea.SuspendMsg:
			return tea.ResumeMsg{}
		case tea.QuitMsg:
			if ctx.Err() != nil && !flushed && shutdown != nil {
				flushed = true
				return shutdown(notice)
			}
		}
		return msg
	}
}

// commands runs a session's command; a session with neither a command nor
// a terminal is told how to use the server.
func (s *Server) commands(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		l, _ := sess.Context().Value(liveKey{}).(*live)
		if l == nil {
			return
		}
		args := commandArgs(sess)
		if len(args) == 0 {
			if _, _, ok := sess.Pty(); !ok && l.code == 0 {
				_, _ = fmt.Fprintln(sess.Stderr(), "koers: "+l.say(NoticeNoTerminal))
				l.code = 2
			}
			next(sess)
			return
		}
		ctx, cancel := context.WithCancel(sess.Context())
		l.mu.Lock()
		l.cancel = cancel
		ended := l.notice != ""
		l.mu.Unlock()
		if !ended {
			l.code = s.cfg.Exec(ctx, l.caller, args, sess, sess, sess.Stderr())
		} else {
			l.code = 1
		}
		cancel()
		next(sess)
	}
}

// watch re-reads the accounts of open sessions every CheckEvery, and at
// once when told they changed, ending the sessions of a disabled account or
// a removed key.
func (s *Server) watch(ctx context.Context) {
	t := time.NewTicker(s.cfg.CheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.changed:
		case <-s.cfg.Recheck:
		}
		s.checkAccounts(ctx)
	}
}

func (s *Server) checkAccounts(ctx context.Context) {
	byKey := map[string][]*live{}
	s.mu.Lock()
	for l := range s.live {
		byKey[l.caller.Fingerprint] = append(byKey[l.caller.Fingerprint], l)
	}
	s.mu.Unlock()
	for fp, ls := range byKey {
		acc, err := s.cfg.Accounts.CounsellorByKey(ctx, fp)
		why := ""
		switch {
		case errors.Is(err, ErrUnknownKey):
			why = "key removed"
		case err != nil:
			s.log.Error("account check failed", "fingerprint", fp, "err", err)
			continue
		case acc.Disabled:
			why = "account disabled"
		case acc.Name != ls[0].caller.Account.Name:
			why = "key moved to another account"
		}
		if why == "" {
			continue
		}
		for _, l := range ls {
			s.log.Warn("session ended", "session", l.id, "account", l.caller.Account.Name, "reason", why)
			l.end(NoticeEnded, true)
		}
	}
}
