package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/adrg/xdg"
	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/serve"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/tui"
)

type serveFlags struct {
	listen      string
	hostKey     string
	maxSessions int
	idle        time.Duration
	check       bool
	version     string
}

func newServeCmd(a *invocation) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--host-key FILE] [--max-sessions N] [--idle-timeout D] [--check]",
		Short: "Serve koers to a centre's team over SSH: the interface per session, and every command",
		Long: "serve opens the database once and serves it over SSH to the counsellor accounts (koers counsellor add):\n" +
			"`ssh -t -p 23234 HOST` opens the interface, `ssh -p 23234 HOST koers search data --json` runs a command\n" +
			"as the caller's account. SIGTERM tells every session, saves the drafts and stops. An encrypted\n" +
			"database is unlocked once at start: KOERS_PASSPHRASE, --key-file PATH (a key file readable by the\n" +
			"service's user only) or the passphrase prompt of the terminal serve was started on.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.version = cmd.Root().Version
			if err := f.validate(); err != nil {
				return err
			}
			if app.IsPostgres(a.dbPath) {
				return usageErr("--db: koers serve runs on an SQLite database for now (each session's account is stamped through it)")
			}
			if f.hostKey == "" {
				f.hostKey = defaultHostKey(a.getenv)
			}
			if f.check {
				return a.serveCheck(cmd.Context(), f)
			}
			return a.serve(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:23234", "address to listen on (host:port)")
	fl.StringVar(&f.hostKey, "host-key", "", "the server's private host key (default: created on first start under the XDG data folder)")
	fl.IntVar(&f.maxSessions, "max-sessions", 64, "most SSH sessions at once (0: no limit)")
	fl.DurationVar(&f.idle, "idle-timeout", 30*time.Minute, "close a connection idle this long (0: never)")
	fl.BoolVar(&f.check, "check", false, "check the configuration, the host key and the database, then exit")
	return cmd
}

func (f serveFlags) validate() error {
	if _, _, err := net.SplitHostPort(f.listen); err != nil {
		return usageErr("--listen: %q is not host:port: %v", f.listen, err)
	}
	if f.maxSessions < 0 {
		return usageErr("--max-sessions: %d is negative", f.maxSessions)
	}
	if f.idle < 0 {
		return usageErr("--idle-timeout: %s is negative", f.idle)
	}
	return nil
}

func defaultHostKey(getenv func(string) string) string {
	dir := getenv("XDG_DATA_HOME")
	if dir == "" {
		dir = xdg.DataHome
	}
	return filepath.Join(dir, "koers", "ssh_host_ed25519_key")
}

// serve opens the database once and runs the server until ctx ends.
func (a *invocation) serve(ctx context.Context, f serveFlags) error {
	signer, created, err := serve.LoadHostKey(f.hostKey)
	if err != nil {
		return usageErr("--host-key: %v", err)
	}
	log := slog.New(slog.NewTextHandler(a.stderr, nil))
	if created {
		log.Info("host key created", "path", f.hostKey)
	}
	st, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// The server unlocks once, at start (KOERS_PASSPHRASE, --key-file or
	// the prompt of the terminal it was started on), and serves every
	// session with the key; it never starts locked.
	if !st.Unlocked() {
		return app.Locked(a.dbPath, app.ErrLocked)
	}
	srv, err := a.newServer(st, serve.Config{HostKey: signer, MaxSessions: f.maxSessions, IdleTimeout: f.idle, Logger: log, Version: f.version})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", f.listen, err)
	}
	return srv.Serve(ctx, ln)
}

// newServer completes cfg with the accounts, the TUI and the command tree
// over st, the one store of the server process.
func (a *invocation) newServer(st *app.App, cfg serve.Config) (*serve.Server, error) {
	cfg.Accounts = serveAccounts{st: st}
	cfg.CommandNames = []string{"help", "completion"}
	for _, c := range commands(a) {
		cfg.CommandNames = append(cfg.CommandNames, c.Name())
	}
	cfg.Say = func(c serve.Caller, msg serve.Notice, n int) string {
		return a.cat.For(callerLang(c)).T(string(msg), "N", n)
	}
	// Audit rows carry the server's session id (s1, s2, … as its log
	// says them), so a look is traced to the session's log lines.
	cfg.NewTUI = func(c serve.Caller) (serve.TUI, error) {
		return a.sessionTUI(context.Background(), st, c, c.SessionID)
	}
	cfg.Exec = func(ctx context.Context, c serve.Caller, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
		return runServed(ctx, cfg.Version, args, stdin, stdout, stderr, callerEnv(c), &served{app: st, account: c.Account, session: c.SessionID, changed: c.AccountsChanged})
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	// Every change a session commits: which session, account and action
	// (the part of a file changed), never whose file.
	st.OnChange(func(ch app.Change) {
		log.Info("change", "session", ch.Session, "account", ch.By, "action", ch.What)
	})
	return serve.New(cfg)
}

// callerEnv is the environment a served command sees: the language the
// account's profile sets, else the client's, and nothing that could point
// the command at another database or identity (KOERS_DB, KOERS_COUNSELLOR).
func callerEnv(c serve.Caller) func(string) string {
	return func(k string) string {
		switch k {
		case "LANG", "LC_ALL", "LC_MESSAGES":
			if c.Account.Language != "" {
				if k == "LANG" {
					return c.Account.Language
				}
				return ""
			}
			return c.Getenv(k)
		case "NO_COLOR", "TERM":
			return c.Getenv(k)
		}
		return ""
	}
}

// callerLang is the interface language of a caller: their profile's, else
// their client's LANG, else English.
func callerLang(c serve.Caller) string {
	switch lang := defaultLang(callerEnv(c)); lang {
	case "en", "nl", "fr":
		return lang
	}
	return "en"
}

// sessionTUI is the root model of one interactive session, as its account.
// Roles that may not view people's files get the register only; exporting
// to a file is not offered (the file would be written on the server).
func (a *invocation) sessionTUI(ctx context.Context, st *app.App, c serve.Caller, session string) (serve.TUI, error) {
	lang := callerLang(c)
	view := st.AsCaller(app.Caller{Account: c.Account, Session: session})
	deps := tui.Deps{Register: view, Concepts: view, Changes: view}
	if sessions.Decide(c.Account.Role, sessions.OpViewPerson, sessions.ScopeOwn).Permitted() {
		deps.People, deps.Plans = view, view
	}
	schemes, err := view.Schemes(ctx)
	if err != nil {
		return serve.TUI{}, err
	}
	model := tui.NewSession(deps, a.cat, tui.Options{Lang: lang, Now: a.now, Schemes: schemes})
	t := serve.TUI{Model: model, Shutdown: func(notice string) tea.Msg { return tui.ShutdownMsg{Notice: notice} }}
	if c, ok := model.(interface{ Close() }); ok {
		t.Close = c.Close // ends the watch of the person in focus
	}
	return t, nil
}

// serveAccounts gives the server the accounts of the store.
type serveAccounts struct{ st *app.App }

func (sa serveAccounts) CounsellorByKey(ctx context.Context, fp string) (sessions.Counsellor, error) {
	c, err := sa.st.CounsellorByKey(ctx, fp)
	if errors.Is(err, app.ErrNotFound) {
		return c, fmt.Errorf("%w: %w", serve.ErrUnknownKey, err)
	}
	return c, err
}

// serveCheck validates what serve would use, without changing anything: the
// host key (or where it would be created), the database (its schema version)
// and the accounts that can log in.
func (a *invocation) serveCheck(ctx context.Context, f serveFlags) error {
	w := a.stdout
	fmt.Fprintf(w, "listen\t%s\n", f.listen)
	if _, err := os.Stat(f.hostKey); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(w, "host key\t%s (created on first start)\n", f.hostKey)
	} else if _, _, err := serve.LoadHostKey(f.hostKey); err != nil {
		return usageErr("--host-key: %v", err)
	} else {
		fmt.Fprintf(w, "host key\t%s\n", f.hostKey)
	}
	if _, err := os.Stat(a.dbPath); err != nil {
		return usageErr("--db: %s: %v", a.dbPath, err)
	}
	st, err := app.Open(ctx, a.dbPath, app.Options{ReadOnly: true, Catalog: a.cat})
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer st.Close()
	v, latest, err := st.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	fmt.Fprintf(w, "database\t%s (schema %d of %d)\n", a.dbPath, v, latest)
	if v < latest {
		fmt.Fprintf(w, "database\tserve will migrate it on start\n")
		return nil
	}
	all, err := st.Counsellors(ctx)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	active := 0
	for _, c := range all {
		if !c.Disabled && len(c.Keys) > 0 {
			active++
		}
	}
	fmt.Fprintf(w, "accounts\t%d active of %d\n", active, len(all))
	if active == 0 {
		return ruleErr("serve-needs-an-account", errors.New("no account can log in: add one with koers counsellor add NAME --key KEY --role admin"))
	}
	return nil
}
