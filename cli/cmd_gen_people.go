package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// popFlags are koers gen's flags for a synthetic population.
type popFlags struct {
	people int
	asOf   string
}

func (f *popFlags) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&f.people, "people", 0, "how many synthetic people (with sessions, plans, ledgers and outcomes) to write into the database")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "the day the population is generated as of (YYYY-MM-DD; default today): same seed, people and day, same population")
}

// genPeople writes a synthetic population into -o (a new database file)
// or into --db, on the register that database holds (the sample register
// on a new one). People, their plans and ledgers go in one transaction.
func genPeople(cmd *cobra.Command, a *invocation, f popFlags, seed uint64, out string) error {
	ctx := cmd.Context()
	if f.people <= 0 {
		return usageErr("--people: %d is not a number of people above 0", f.people)
	}
	if cmd.Flags().Changed("offers") {
		return usageErr("--offers and --people: give one of them")
	}
	asOf := a.now()
	if f.asOf != "" {
		d, err := catalog.ParseDate(f.asOf)
		if err != nil {
			return usageErr("--as-of: %v", err)
		}
		asOf = d.Time().Add(12 * time.Hour)
	}
	path := a.dbPath
	if out != "" {
		if out == "-" {
			return usageErr("-o: a population goes into a database file, not standard output")
		}
		if _, err := os.Stat(out); err == nil {
			return usageErr("-o: %s exists: a population goes into a new database (or use --db)", out)
		} else if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("gen: %w", err)
		}
		path = out
	}
	st, err := app.Open(ctx, path, app.Options{Actor: a.counsellor, Now: a.now, Catalog: a.cat, SeedSample: true})
	if err != nil {
		return err
	}
	defer st.Close()
	offers, err := st.GenOffers(ctx, 5000)
	if err != nil {
		return err
	}
	start := time.Now()
	n, entries, err := st.WritePopulation(ctx, sessions.GeneratePopulation(seed, f.people, offers, asOf))
	if err != nil {
		return fmt.Errorf("gen --people: %w", err)
	}
	fmt.Fprintf(a.stderr, "wrote %d people and %d ledger entries into %s in %s\n", n, entries, path, time.Since(start).Round(time.Millisecond))
	return nil
}
