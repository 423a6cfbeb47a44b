// Package cli is koers's command line: the cobra/fang tree, its flags, the
// one mapping from an error to an exit status and a message, and the output
// of every command. Commands parse flags, call the application layer and
// print; with no command, koers opens the TUI.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"charm.land/fang/v2"
	"github.com/adrg/xdg"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
)

// Main runs koers with args (without the program name) and returns the
// exit status; main passes the process's streams and environment, tests
// and the SSH server their own.
func Main(ctx context.Context, version string, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return run(ctx, version, args, stdin, stdout, stderr, getenv)
}

// Exit statuses (../shared/CLI.md).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitRule    = 3
)

// exitError carries an exit status with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr is bad usage or invalid input (exit 2); the message names the
// flag, file, line or field.
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// ruleErr is a refusal by a business rule (exit 3), naming the rule.
func ruleErr(rule string, err error) error {
	return &exitError{code: exitRule, err: fmt.Errorf("refused by rule %s: %w", rule, err)}
}

// invocation is one run of koers: what every command shares: global flags, streams, the catalogue
// and the clock. Commands open the store through it.
type invocation struct {
	// inTUI is set while the terminal interface owns the screen: nothing
	// may then be written to stderr.
	inTUI   bool
	dbPath  string
	keyFile string // --key-file: unlocks an encrypted database (keys.go)
	cmdPath string // the command run, without "koers" ("person show")
	// skipUnlock keeps open from unlocking (key recover unlocks its own way);
	// unlockedWith is the key open unlocked with (key rotate wraps anew with it).
	skipUnlock   bool
	unlockedWith app.Secret
	// firstPassphrase is the passphrase asked when a new file is protected
	// at its first person (protectNew), before it is asked again.
	firstPassphrase []byte
	lang            string
	counsellor      string
	stdin           io.Reader
	stdout          io.Writer
	stderr          io.Writer
	getenv          func(string) string
	cat             *locale.Catalog
	now             func() time.Time
	// dbDefault is true when neither --db nor KOERS_DB chose the database:
	// only then may a new database get the sample register (cmd_seed.go).
	dbDefault bool
	// realData is set by commands that write a user's own data (import,
	// person add): the database they create starts empty.
	realData bool
	// registerCache is --register-cache: where a PostgreSQL database's
	// local register index lives ("": under the XDG cache folder).
	registerCache string
	served        *served // set when `koers serve` runs the tree for an SSH caller (served.go)
	// reason is why the caller opens files outside their caseload
	// (--reason, or a command's own --reason): break-glass, audited.
	reason string
	// pr says values for people in the interface language, with the
	// database's scheme units once it is open.
	pr *present.Printer
}

// printer is the people-facing vocabulary of this run.
func (a *invocation) printer() *present.Printer {
	if a.pr == nil {
		a.pr = present.New(a.tr(), nil)
	}
	return a.pr
}

// tr is the catalogue in the chosen interface language.
func (a *invocation) tr() *locale.Tr { return a.cat.For(a.lang) }

// open opens the application over the database, migrating it. The
// embedded sample register seeds only a new default database for a
// command that is not writing the user's own data (cmd_seed.go), so that a
// first `go run .` is useful at once. It is the one way commands reach the data.
func (a *invocation) open(ctx context.Context) (*app.App, error) {
	if a.served != nil {
		st := a.served.app.AsCaller(app.Caller{Account: a.served.account, Session: a.served.session})
		if a.reason != "" {
			if err := st.GiveReason("", a.reason); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	st, err := app.Open(ctx, a.dbPath, app.Options{Actor: a.counsellor, Now: a.now, Catalog: a.cat, SeedSample: a.seedDemo(), SeedESCO: true,
		RegisterCache: a.registerCachePath(),
		Seeding: func(what string) {
			// a first open waits a few seconds: say why, on a terminal only
			// (scripts and tests read stderr for errors).
			// Never while the TUI owns the screen: the line landed in the
			// middle of the occupation picker.
			if f, ok := a.stderr.(*os.File); ok && !a.inTUI && term.IsTerminal(f.Fd()) {
				fmt.Fprintln(a.stderr, a.tr().T("app.seeding."+what))
			}
		}})
	return a.ready(ctx, st, err)
}

// registerCachePath is --register-cache, else the default index file
// under $XDG_CACHE_HOME as this run's environment names it ("" leaves the
// default to app.RegisterCachePath).
func (a *invocation) registerCachePath() string {
	if a.registerCache != "" || !app.IsPostgres(a.dbPath) {
		return a.registerCache
	}
	if d := a.getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "koers", filepath.Base(app.RegisterCachePath(a.dbPath)))
	}
	return ""
}

func defaultDB(getenv func(string) string) string {
	if p := getenv("KOERS_DB"); p != "" {
		return p
	}
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "koers", "koers.db")
	}
	return filepath.Join(xdg.DataHome, "koers", "koers.db")
}

func defaultCounsellor(getenv func(string) string) string {
	if c := getenv("KOERS_COUNSELLOR"); c != "" {
		return c
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

func defaultLang(getenv func(string) string) string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" && s != "C" && s != "POSIX" {
			return locale.Normalize(s)
		}
	}
	return "en"
}

// newRoot builds the command tree.
func newRoot(a *invocation) *cobra.Command {
	root := &cobra.Command{
		Use:           "koers",
		Short:         "Career guidance workbench: register search, learning accounts, pathway planning",
		Long:          "koers helps a career guidance counsellor search the register of training and micro-credentials,\nplan a pathway of stacked micro-credentials within a person's individual learning account,\nrecord the guidance session and hand over the learning plan.\n\nWith no command, koers opens the terminal interface.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd.Context(), a)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.dbPath, "db", defaultDB(a.getenv), "database file (env KOERS_DB)")
	pf.StringVar(&a.keyFile, "key-file", "", "key file that unlocks an encrypted database (env KOERS_KEY_FILE; or KOERS_PASSPHRASE)")
	pf.StringVar(&a.lang, "lang", defaultLang(a.getenv), "interface language: en, nl or fr")
	pf.StringVar(&a.registerCache, "register-cache", a.getenv("KOERS_REGISTER_CACHE"), "with --db postgres://…: the local register index file (env KOERS_REGISTER_CACHE; default under $XDG_CACHE_HOME/koers)")
	pf.StringVar(&a.counsellor, "counsellor", defaultCounsellor(a.getenv), "who is acting, stamped on every change (env KOERS_COUNSELLOR)")
	pf.StringVar(&a.reason, "reason", "", "why you open a file outside your caseload (koers serve): audited and shown on the file")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		a.dbDefault = !cmd.Flags().Changed("db") && a.getenv("KOERS_DB") == ""
		if f := cmd.Flags().Lookup("reason"); f != nil && f.Changed {
			// A command's own --reason (a ledger entry's, a rejection's)
			// is also the reason for opening the file it concerns.
			a.reason = f.Value.String()
		}
		a.cmdPath = strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), root.Name()), " ")
		switch a.lang {
		case "en", "nl", "fr":
		default:
			return usageErr("--lang: %q is not en, nl or fr", a.lang)
		}
		if a.served != nil {
			a.counsellor, a.dbPath = a.served.account.Name, unopenable
			return a.served.check(cmd, args, a.tr())
		}
		return nil
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	root.AddCommand(commands(a)...)
	usageArgs(root)
	return root
}

// run executes koers with args and returns the exit status. Tests call it
// in-process.
func run(ctx context.Context, version string, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return runWith(ctx, version, args, stdin, stdout, stderr, getenv, nil)
}

func runWith(ctx context.Context, version string, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, sv *served) int {
	cat, err := locale.New()
	if err != nil {
		fmt.Fprintln(stderr, "koers:", err)
		return exitFailure
	}
	a := &invocation{stdin: stdin, stdout: present.NewTerminalWriter(stdout), stderr: stderr, getenv: getenv, cat: cat, now: time.Now, served: sv}
	root := newRoot(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err = fang.Execute(ctx, root,
		fang.WithVersion(version),
		fang.WithoutManpage(),
		fang.WithErrorHandler(func(w io.Writer, _ fang.Styles, err error) {
			tr := cat.For(a.lang)
			fmt.Fprintln(w, "koers:", errText(tr, present.New(tr, nil), a.explainKey(err)))
		}),
	)
	return exitCode(a.explainKey(err))
}

// exitCode is the one mapping from an error to an exit status: an
// exitError says its own; the application layer's kinds map to 2 (bad
// input) and 3 (a business rule); anything else is a failure at run time.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	switch app.KindOf(err) {
	case app.Invalid:
		return exitUsage
	case app.Refused:
		return exitRule
	}
	return exitFailure
}

// errText is the message printed for err, in the interface language: an
// application error's catalogue message prefixed with the flag it
// concerns, a refusal with its rule, else the error's own text.
func errText(tr *locale.Tr, p *present.Printer, err error) string {
	var ae *app.Error
	if !errors.As(err, &ae) {
		return present.Terminal(err.Error())
	}
	msg := p.Error(ae)
	if ae.Msg == "" && ae.Err != nil {
		msg = p.Error(ae.Err)
	}
	if ae.Field != "" && !hasArg(ae.Args, "Flag") {
		msg = "--" + ae.Field + ": " + msg
	}
	if ae.Kind == app.Refused && ae.Rule != "" {
		msg = tr.T("app.refused", "Rule", ae.Rule, "Message", msg)
	}
	return msg
}

func hasArg(kv []any, name string) bool {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == name {
			return true
		}
	}
	return false
}

// usageArgs makes cobra's argument checks (unknown command, wrong number
// of arguments) bad usage, exit 2, for every command of the tree.
func usageArgs(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		usageArgs(sub)
	}
}
