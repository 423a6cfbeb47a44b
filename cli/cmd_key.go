package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
)

// newKeyCmd is `koers key`: encryption at rest of personal data.
func newKeyCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Encryption at rest of personal data: turn it on, rotate the key, add a passphrase or key file, recover",
		Long: "Names, contact details, notes, goals and actions, plan names and notes, ledger reasons and earned\n" +
			"credentials are sealed " +
			"(XChaCha20-Poly1305) under a data key once `koers key init` has run; the register stays in clear.\n" +
			"The data key is wrapped by a passphrase (Argon2id), a key file and a recovery key printed once.\n" +
			"Unlock with KOERS_PASSPHRASE, --key-file PATH (env KOERS_KEY_FILE) or the prompt on a terminal.",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newKeyStatusCmd(a), newKeyUnlockCmd(a), newKeyInitCmd(a), newKeyRotateCmd(a), newKeyAddPassphraseCmd(a), newKeyAddKeyFileCmd(a), newKeyRecoverCmd(a))
	return cmd
}

func newKeyStatusCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say whether the database's personal data is encrypted, and list the wraps of its key",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.skipUnlock = true // status needs no key; a key given is still checked below
			return withStore(cmd.Context(), a, func(st *app.App) error {
				if s, err := a.secret(); err == nil && !s.Empty() {
					if err := st.Unlock(cmd.Context(), s); err != nil {
						return err
					}
				}
				return a.printKeyStatus(cmd.Context(), st, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

// newKeyUnlockCmd is `koers key unlock` (the command contract's name):
// koers keeps no key between commands, so unlocking is checking that the
// key given opens the database, before a session or a script relies on it.
func newKeyUnlockCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "unlock",
		Short: "Check that the key given (KOERS_PASSPHRASE, --key-file or the prompt) unlocks the database",
		Long: "koers keeps no key between commands: each command unlocks with the key it is given\n" +
			"(KOERS_PASSPHRASE, --key-file PATH or KOERS_KEY_FILE, or the prompt on a terminal).\n" +
			"`key unlock` checks that key once and says which data key it opens. Exit 0: it unlocks (or the\n" +
			"database is in clear); 2: the key does not unlock it (nothing changes); 3: no key was given.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd.Context(), a, func(st *app.App) error {
				if st.Encrypted() && !st.Unlocked() {
					return app.Locked(a.dbPath, app.ErrLocked)
				}
				return a.printKeyStatus(cmd.Context(), st, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the status as JSON")
	return cmd
}

// printKeyStatus says whether the database is encrypted and unlocked, and
// lists the wraps of its key.
func (a *invocation) printKeyStatus(ctx context.Context, st *app.App, asJSON bool) error {
	ks, err := st.KeyStatus(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(a.stdout, ks)
	}
	tr := a.tr()
	switch {
	case !ks.Encrypted:
		fmt.Fprintln(a.stdout, tr.T("key.status.clear", "DB", ks.DB))
	case ks.Unlocked:
		fmt.Fprintln(a.stdout, tr.T("key.status.unlocked", "DB", ks.DB, "KeyID", ks.KeyID))
	default:
		fmt.Fprintln(a.stdout, tr.T("key.status.locked", "DB", ks.DB))
	}
	for _, w := range ks.Wraps {
		fmt.Fprintln(a.stdout, tr.T("key.status.wrap", "Kind", w.Kind, "KeyID", w.KeyID, "At", w.CreatedAt, "By", w.CreatedBy))
	}
	return nil
}

// keySetup gathers what wraps a new data key: the passphrase (env or
// asked twice) unless --no-passphrase, and the key file of --key-file
// (env KOERS_KEY_FILE), made when it does not exist yet.
func (a *invocation) keySetup(noPassphrase bool) (app.KeySetup, error) {
	var k app.KeySetup
	if !noPassphrase {
		p, err := a.newPassphrase("KOERS_PASSPHRASE")
		if err != nil {
			return k, err
		}
		k.Passphrase = p
	}
	path := a.keyFile
	if path == "" {
		path = a.getenv("KOERS_KEY_FILE")
	}
	if path != "" {
		var err error
		if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
			if k.KeyFile, err = app.NewKeyFile(path); err == nil {
				fmt.Fprintln(a.stdout, a.tr().T("key.keyfile.new", "Path", path))
			}
		} else {
			k.KeyFile, err = app.ReadKeyFile(path)
		}
		if err != nil {
			return k, err
		}
	}
	if len(k.Passphrase) == 0 && len(k.KeyFile) == 0 {
		return k, usageErr("%s", a.tr().T("key.err.nosecret"))
	}
	return k, nil
}

// printKeyChange says what init or rotate did and shows the recovery key once.
func (a *invocation) printKeyChange(ch app.KeyChange, msg string, asJSON bool) error {
	if asJSON {
		return printJSON(a.stdout, ch)
	}
	fmt.Fprintln(a.stdout, a.tr().T(msg, "DB", app.DisplayDB(a.dbPath), "Rows", ch.Rows, "KeyID", ch.KeyID, "Dropped", ch.Dropped))
	fmt.Fprintln(a.stdout, a.tr().T("key.recovery", "Key", ch.Recovery))
	return nil
}

// keyChanged reports a key init or rotate: a change that committed but
// failed after (the file or tables could not be rewritten yet) still
// shows its recovery key, which exists nowhere else, before the error.
func (a *invocation) keyChanged(ch app.KeyChange, err error, msg string, asJSON bool) error {
	if ch.Recovery == "" {
		return err
	}
	if perr := a.printKeyChange(ch, msg, asJSON); perr != nil {
		return perr
	}
	return err
}

func newKeyInitCmd(a *invocation) *cobra.Command {
	var asJSON, noPassphrase bool
	cmd := &cobra.Command{
		Use:   "init [--key-file PATH] [--no-passphrase]",
		Short: "Turn encryption on: seal every personal value already held, in one transaction, and print a recovery key",
		Long: "Make a data key, wrap it with a passphrase (KOERS_PASSPHRASE, or asked twice on a terminal) and/or the\n" +
			"key file --key-file PATH (made, 0600, when it does not exist), and with a recovery key printed once;\n" +
			"then seal every personal value of the database in one transaction (all or none) and rewrite the\n" +
			"file so that no clear copy stays in it. Stop other koers processes on the database first.\n" +
			"On PostgreSQL (--db postgres://…) run it as the schema's owner role: it rewrites the sealed columns of\n" +
			"append-only tables and the sealed tables (VACUUM FULL); the key stays with the koers that unlocks it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.realData, a.skipUnlock = true, true
			return withStore(cmd.Context(), a, func(st *app.App) error {
				if st.Encrypted() {
					_, err := st.InitKey(cmd.Context(), app.KeySetup{}) // refused: encrypted already
					return err
				}
				setup, err := a.keySetup(noPassphrase)
				if err != nil {
					return err
				}
				ch, err := st.InitKey(cmd.Context(), setup)
				return a.keyChanged(ch, err, "key.init.done", asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print what was done as JSON (the recovery key included)")
	cmd.Flags().BoolVar(&noPassphrase, "no-passphrase", false, "wrap the key with the key file only")
	return cmd
}

func newKeyRotateCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rotate",
		Short: "Make a new data key and seal everything anew (all or nothing); wraps are renewed for the key given",
		Long: "Unlock (KOERS_PASSPHRASE, --key-file or the prompt), make a new data key, open every sealed value with\n" +
			"the old key and seal it with the new, rebuild the search index, and wrap the new key with the passphrase\n" +
			"and/or key file that unlocked it and a new recovery key (printed once). Other wraps of the old key\n" +
			"are dropped (add them again with key add-passphrase / add-keyfile). One transaction: all or nothing.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd.Context(), a, func(st *app.App) error {
				if !st.Encrypted() {
					_, err := st.RotateKey(cmd.Context(), app.KeySetup{})
					return err
				}
				if !st.Unlocked() {
					return app.Locked(a.dbPath, app.ErrLocked)
				}
				setup := app.KeySetup{Passphrase: a.unlockedWith.Passphrase, KeyFile: a.unlockedWith.KeyFile}
				ch, err := st.RotateKey(cmd.Context(), setup)
				return a.keyChanged(ch, err, "key.rotate.done", asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print what was done as JSON (the recovery key included)")
	return cmd
}

// addWrap unlocks, then wraps the key once more.
func (a *invocation) addWrap(ctx context.Context, kind string, secret func() ([]byte, error), replace bool) error {
	return withStore(ctx, a, func(st *app.App) error {
		if !st.Encrypted() {
			_, err := st.AddWrap(ctx, app.WrapPassphrase, nil, false)
			return err
		}
		if !st.Unlocked() {
			return app.Locked(a.dbPath, app.ErrLocked)
		}
		s, err := secret()
		if err != nil {
			return err
		}
		if len(s) == 0 {
			return usageErr("%s", a.tr().T("key.err.nosecret"))
		}
		k := app.WrapPassphrase
		if kind == "keyfile" {
			k = app.WrapKeyFile
		}
		w, err := st.AddWrap(ctx, k, s, replace)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, a.tr().T("key.add.done", "Kind", w.Kind, "KeyID", w.KeyID))
		return nil
	})
}

func newKeyAddPassphraseCmd(a *invocation) *cobra.Command {
	var replace bool
	cmd := &cobra.Command{
		Use:   "add-passphrase [--replace]",
		Short: "Wrap the key with one more passphrase (KOERS_NEW_PASSPHRASE, or asked twice); --replace drops the others",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.addWrap(cmd.Context(), "passphrase", func() ([]byte, error) { return a.newPassphrase("KOERS_NEW_PASSPHRASE") }, replace)
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "drop the key's other passphrase wraps (a passphrase changed or forgotten)")
	return cmd
}

func newKeyAddKeyFileCmd(a *invocation) *cobra.Command {
	var replace bool
	cmd := &cobra.Command{
		Use:   "add-keyfile PATH [--replace]",
		Short: "Wrap the key with a key file (PATH is made, 0600, when it does not exist)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.addWrap(cmd.Context(), "keyfile", func() ([]byte, error) {
				if _, err := os.Stat(args[0]); errors.Is(err, fs.ErrNotExist) {
					k, err := app.NewKeyFile(args[0])
					if err == nil {
						fmt.Fprintln(a.stdout, a.tr().T("key.keyfile.new", "Path", args[0]))
					}
					return k, err
				}
				return app.ReadKeyFile(args[0])
			}, replace)
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "drop the key's other key file wraps")
	return cmd
}

func newKeyRecoverCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "Unlock with the recovery key (KOERS_RECOVERY_KEY, or asked) and set a new passphrase in place of the old",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.skipUnlock = true
			return withStore(cmd.Context(), a, func(st *app.App) error {
				if !st.Encrypted() {
					_, err := st.AddWrap(cmd.Context(), app.WrapPassphrase, nil, false)
					return err
				}
				rec := a.getenv("KOERS_RECOVERY_KEY")
				if rec == "" {
					b, err := a.readPassphrase(a.tr().T("key.prompt.recovery", "DB", app.DisplayDB(a.dbPath)))
					if err != nil {
						return usageErr("%s", a.tr().T("key.err.nosecret"))
					}
					rec = string(b)
				}
				if err := st.Unlock(cmd.Context(), app.Secret{Recovery: rec}); err != nil {
					return err
				}
				p, err := a.newPassphrase("KOERS_NEW_PASSPHRASE")
				if err != nil {
					return err
				}
				if len(p) == 0 {
					return usageErr("%s", a.tr().T("key.err.nosecret"))
				}
				w, err := st.AddWrap(cmd.Context(), app.WrapPassphrase, p, true)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, a.tr().T("key.add.done", "Kind", w.Kind, "KeyID", w.KeyID))
				return nil
			})
		},
	}
	return cmd
}
