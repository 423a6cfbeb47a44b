package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
)

func newBackupCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database to FILE while others keep working (checked, 0600)",
		Long: "Write a consistent copy of the database to FILE. koers keeps working meanwhile: the copy is one\n" +
			"snapshot read inside a transaction. The copy is checked whole (integrity, foreign keys, every\n" +
			"account equal to the sum of its entries) before it is given its name; FILE must not exist.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd.Context(), a, func(st *app.App) error {
				// A backup is made by someone who holds the key: a backup
				// no one present can open is found out at the restore drill.
				if !st.Unlocked() {
					return app.Locked(a.dbPath, app.ErrLocked)
				}
				info, err := st.Backup(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, info)
				}
				fmt.Fprintln(a.stdout, a.tr().T("app.backup.done", "Path", info.Path, "Bytes", a.printer().Count(int(info.Bytes)),
					"People", info.People, "Offers", info.Offers, "Entries", info.LedgerEntries))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print what was written as JSON")
	return cmd
}

func newRestoreCmd(a *invocation) *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "restore FILE --yes",
		Short: "Replace the database with a backup, after checking the backup whole (the old database is kept beside it)",
		Long: "Replace the database (--db) with the backup FILE. The backup is checked first (integrity, foreign\n" +
			"keys, ledger totals, a schema this koers knows); a bad backup is refused and nothing changes. An\n" +
			"encrypted backup is restored only with a key that unlocks it (KOERS_PASSPHRASE, --key-file or the\n" +
			"prompt); another key is refused and nothing changes. The\n" +
			"replaced database is kept as DB.before-restore-TIME. Stop every koers using the database first\n" +
			"(koers serve included).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !yes {
				return usageErr("--yes: %s", a.tr().T("app.restore.confirm", "DB", a.dbPath))
			}
			secret, err := a.secret()
			if err != nil {
				return err
			}
			info, kept, err := app.Restore(cmd.Context(), args[0], a.dbPath, a.now(), secret)
			if _, tty := a.terminal(); errors.Is(err, app.ErrLocked) && secret.Empty() && tty {
				if secret.Passphrase, err = a.readPassphrase(a.tr().T("key.prompt", "DB", args[0])); err != nil {
					return err
				}
				info, kept, err = app.Restore(cmd.Context(), args[0], a.dbPath, a.now(), secret)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, map[string]any{"restored": info, "kept": kept})
			}
			fmt.Fprintln(a.stdout, a.tr().T("app.restore.done", "DB", a.dbPath, "People", info.People, "Offers", info.Offers, "Entries", info.LedgerEntries))
			if kept != "" {
				fmt.Fprintln(a.stdout, a.tr().T("app.restore.kept", "Path", kept))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "replace the database (required)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print what was restored as JSON")
	return cmd
}
