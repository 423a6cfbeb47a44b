package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
)

// newDB reports whether the database file does not exist yet.
func (a *invocation) newDB() bool {
	if app.IsPostgres(a.dbPath) {
		return false
	}
	_, err := os.Stat(a.dbPath)
	return errors.Is(err, fs.ErrNotExist)
}

// seedDemo reports whether open should seed the sample register: only into
// a database it is about to create at the default path (no --db, no
// KOERS_DB), for a command that is not writing the user's own data. A
// database for real data starts empty unless `koers seed sample` asks for
// the sample (issue 12: the sample's offers took 8 of the top 10 results
// for "python" in a real register).
func (a *invocation) seedDemo() bool {
	return a.dbDefault && !a.realData && a.newDB()
}

// openForImport opens the application for an import. A dry run on a
// database that does not exist yet writes nothing at all, not even the
// file: it reads, validates and counts against a throwaway database in a
// temporary folder (everything it would add is new there, as it would be
// in the new file). done closes it and removes that folder.
func (a *invocation) openForImport(ctx context.Context, dryRun bool) (*app.App, func(), error) {
	if !dryRun || !a.newDB() {
		st, err := a.open(ctx)
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	}
	dir, err := os.MkdirTemp("", "koers-dry-run-")
	if err != nil {
		return nil, nil, fmt.Errorf("dry run: %w", err)
	}
	st, err := app.Open(ctx, filepath.Join(dir, "koers.db"), app.Options{Actor: a.counsellor, Now: a.now, Catalog: a.cat})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }, nil
}

// newSeedCmd is `koers seed sample` (../shared/CLI.md): the embedded
// sample register, on request, into the current database (demo and
// training), whatever the register already holds.
func newSeedCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Load demo data into the database",
		Args:  cobra.NoArgs,
	}
	var asJSON bool
	sampleCmd := &cobra.Command{
		Use:   "sample [--json]",
		Short: "Load the embedded sample register (source \"sample\": fictional offers for demos and training)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a.realData = true // open must not seed on its own: this command does
			st, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := st.SeedSample(ctx, true); err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, map[string]any{"source": app.SampleSource, "seeded": true})
			}
			fmt.Fprintln(a.stderr, a.tr().T("seed.sample.done"))
			return nil
		},
	}
	sampleCmd.Flags().BoolVar(&asJSON, "json", false, "print {source, seeded} as JSON")
	cmd.AddCommand(sampleCmd)
	return cmd
}
