package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// Unlocking an encrypted database (issue 14, item 3). The key comes from,
// in this order: KOERS_PASSPHRASE, --key-file (env KOERS_KEY_FILE), or a
// prompt without echo when koers runs on a terminal. Register commands
// (search, offer, import …) never ask: the register is in clear. Without
// a terminal and without a key, the database opens locked and a command
// that needs a person's data is refused (exit 3) with how to unlock.

// secret is the key material this run was given (nothing prompted).
func (a *invocation) secret() (app.Secret, error) {
	var s app.Secret
	if p := a.getenv("KOERS_PASSPHRASE"); p != "" {
		s.Passphrase = []byte(p)
	}
	path := a.keyFile
	if path == "" {
		path = a.getenv("KOERS_KEY_FILE")
	}
	if path != "" {
		k, err := app.ReadKeyFile(path)
		if err != nil {
			return s, err
		}
		s.KeyFile = k
	}
	return s, nil
}

// terminal is stdin when it is a terminal a passphrase can be read from.
func (a *invocation) terminal() (*os.File, bool) {
	f, ok := a.stdin.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return nil, false
	}
	return f, true
}

// readPassphrase asks for a passphrase on the terminal, without echo.
func (a *invocation) readPassphrase(prompt string) ([]byte, error) {
	f, ok := a.terminal()
	if !ok {
		return nil, errors.New("no terminal to ask for a passphrase on")
	}
	fmt.Fprint(a.stderr, prompt)
	p, err := term.ReadPassword(f.Fd())
	fmt.Fprintln(a.stderr)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return p, nil
}

// registerOnly reports whether the command being run touches the register
// alone (its operation in the role table), so never needs the key.
func (a *invocation) registerOnly() bool {
	op, ok := commandOps[a.cmdPath]
	return ok && (op == sessions.OpSearchRegister || op == sessions.OpImportRegister)
}

// unlock unlocks st when its personal data is encrypted: with the key this
// run was given, else by asking on the terminal unless the command is a
// register command. A wrong key is refused (exit 2) before anything runs.
func (a *invocation) unlock(ctx context.Context, st *app.App) error {
	if !st.Encrypted() || st.Unlocked() || a.skipUnlock {
		return nil
	}
	s, err := a.secret()
	if err != nil {
		return err
	}
	if s.Empty() {
		if a.registerOnly() {
			return nil
		}
		if _, ok := a.terminal(); !ok {
			return nil // locked: what needs a person's data says how to unlock
		}
		if s.Passphrase, err = a.readPassphrase(a.tr().T("key.prompt", "DB", app.DisplayDB(a.dbPath))); err != nil {
			return err
		}
	}
	if err := st.Unlock(ctx, s); err != nil {
		return err
	}
	a.unlockedWith = s
	return nil
}

// protectNew turns encryption on for a database the user makes for real
// people (an explicit --db or KOERS_DB, `person add` on a file that holds
// no one yet): with KOERS_PASSPHRASE and/or --key-file when given (a key
// file that does not exist is made), else by asking for a new passphrase
// on a terminal (Enter keeps the file in clear). The demo database and
// files that already hold people are left as they are: `koers key init`
// is the explicit step there. The recovery key goes to stderr, once.
func (a *invocation) protectNew(ctx context.Context, st *app.App) error {
	if st.Encrypted() || !a.realData || a.dbDefault || a.served != nil || a.skipUnlock ||
		app.IsPostgres(a.dbPath) || a.cmdPath != "person add" {
		return nil
	}
	if list, err := st.People(ctx, "", 1); err != nil || len(list) > 0 {
		return err
	}
	_, tty := a.terminal()
	given := a.getenv("KOERS_PASSPHRASE") != "" || a.keyFile != "" || a.getenv("KOERS_KEY_FILE") != ""
	if !given {
		if !tty {
			return nil
		}
		p, err := a.readPassphrase(a.tr().T("key.prompt.first", "DB", app.DisplayDB(a.dbPath)))
		if err != nil || len(p) == 0 {
			return err
		}
		a.firstPassphrase = p
	}
	setup, err := a.keySetup(false)
	if err != nil {
		return err
	}
	ch, err := st.InitKey(ctx, setup)
	if err != nil {
		return err
	}
	a.unlockedWith = app.Secret{Passphrase: setup.Passphrase, KeyFile: setup.KeyFile}
	fmt.Fprintln(a.stderr, a.tr().T("key.init.done", "DB", app.DisplayDB(a.dbPath), "Rows", ch.Rows, "KeyID", ch.KeyID))
	fmt.Fprintln(a.stderr, a.tr().T("key.recovery", "Key", ch.Recovery))
	return nil
}

// explainKey turns a bare locked error (from a use-case that met a sealed
// value) into the refusal that says how to unlock.
func (a *invocation) explainKey(err error) error {
	var ae *app.Error
	if errors.Is(err, app.ErrLocked) && !errors.As(err, &ae) {
		return app.Locked(a.dbPath, err)
	}
	return err
}

// newPassphrase asks for a new passphrase twice on the terminal, or takes
// it from env (KOERS_NEW_PASSPHRASE for a change, KOERS_PASSPHRASE for
// key init), and holds it to a least length.
func (a *invocation) newPassphrase(env string) ([]byte, error) {
	p := []byte(a.getenv(env))
	if len(p) == 0 && len(a.firstPassphrase) > 0 { // asked once by protectNew
		p = a.firstPassphrase
		again, err := a.readPassphrase(a.tr().T("key.prompt.again"))
		if err != nil {
			return nil, err
		}
		if string(again) != string(p) {
			return nil, usageErr("%s", a.tr().T("key.err.mismatch"))
		}
	}
	if len(p) == 0 {
		if _, ok := a.terminal(); !ok {
			return nil, nil
		}
		var err error
		if p, err = a.readPassphrase(a.tr().T("key.prompt.new", "DB", app.DisplayDB(a.dbPath))); err != nil {
			return nil, err
		}
		again, err := a.readPassphrase(a.tr().T("key.prompt.again"))
		if err != nil {
			return nil, err
		}
		if string(again) != string(p) {
			return nil, usageErr("%s", a.tr().T("key.err.mismatch"))
		}
	}
	if len([]rune(strings.TrimSpace(string(p)))) < minPassphrase {
		return nil, usageErr("%s", a.tr().T("key.err.short", "N", minPassphrase))
	}
	return p, nil
}

// minPassphrase is the least length of a new passphrase: Argon2id slows a
// guess to about 0.2 s, which protects a phrase, not a short word.
const minPassphrase = 12
