package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/sample"
	"github.com/koers-project/koers/store"
)

// newDB reports whether the database file does not exist yet.
func (a *invocation) newDB() bool {
	_, err := os.Stat(a.dbPath)
	return errors.Is(err, fs.ErrNotExist)
}

// seedDemo seeds the sample register for a demo: into a database that
// open has just created at the default path (no --db, no KOERS_DB), for a
// command that is not writing the user's own data. A database for real
// data starts empty unless `koers seed sample` asks for the sample (issue
// 12: the sample's offers took 8 of the top 10 results in a real register).
func (a *invocation) seedDemo(ctx context.Context, st *store.Store, isNew bool) error {
	if !isNew || !a.dbDefault || a.realData {
		return nil
	}
	return seedSample(ctx, st)
}

// seedSample imports the embedded sample register (source "sample") into a
// register that has never held an offer. A register with offers or an
// import history is left alone: the counsellor's own register is never
// mixed with the sample behind their back.
func seedSample(ctx context.Context, st *store.Store) error {
	stats, err := st.RegisterStats(ctx)
	if err != nil {
		return fmt.Errorf("check register: %w", err)
	}
	if stats.OffersActive+stats.OffersWithdrawn > 0 || len(stats.Sources) > 0 {
		return nil
	}
	_, err = importSample(ctx, st)
	return err
}

// importSample imports the sample register as one whole source.
func importSample(ctx context.Context, st *store.Store) (store.OfferCounts, error) {
	offers, err := sample.Offers()
	if err != nil {
		return store.OfferCounts{}, err
	}
	seq := iter.Seq2[catalog.Offer, error](func(yield func(catalog.Offer, error) bool) {
		for _, o := range offers {
			if !yield(o, nil) {
				return
			}
		}
	})
	n, err := st.ImportOffers(ctx, sample.Source, seq, store.OfferImportOptions{Full: true})
	if err != nil {
		return n, fmt.Errorf("import %s register: %w", sample.Source, err)
	}
	return n, nil
}

// openForImport opens the store for an import. A dry run on a database
// that does not exist yet writes nothing at all, not even the file: it
// reads, validates and counts against a throwaway database in a temporary
// folder (everything it would add is new there, as it would be in the new
// file). done closes the store and removes that folder.
func (a *invocation) openForImport(ctx context.Context, dryRun bool) (*store.Store, func(), error) {
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
	st, err := store.Open(ctx, filepath.Join(dir, "koers.db"), store.Options{Actor: a.counsellor, Now: a.now})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }, nil
}

// newSeedCmd is `koers seed sample`: the embedded sample register, on
// request, into the current database (demo and training).
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
			n, err := importSample(ctx, st)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(a.stdout, map[string]any{"source": sample.Source, "added": n.Added, "changed": n.Changed,
					"unchanged": n.Unchanged, "withdrawn": n.Withdrawn})
			}
			fmt.Fprintln(a.stdout, a.tr().T("import.source", "Source", sample.Source, "Added", n.Added, "Changed", n.Changed,
				"Unchanged", n.Unchanged, "Withdrawn", n.Withdrawn))
			return nil
		},
	}
	sampleCmd.Flags().BoolVar(&asJSON, "json", false, "print the counts as JSON")
	cmd.AddCommand(sampleCmd)
	return cmd
}
