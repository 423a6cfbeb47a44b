package cli

import (
	"context"
	"errors"

	"github.com/koers-project/koers/app"

	"github.com/koers-project/koers/tui"
)

// runTUI opens the store (reporting a bad database on stderr before the
// screen is taken over) and runs the terminal interface.
func runTUI(ctx context.Context, a *invocation) error {
	a.inTUI = true
	st, err := a.open(ctx)
	if err != nil {
		return err
	}
	// The taxonomy of a new database loads on its first use (the occupation
	// picker or the planner wait for it once, about 2.5 s of CPU), not in
	// the background: loading it beside a search at 1M offers took the TUI
	// from 141 to 217 MB peak RSS (bench/tui-mem.sh, 2026-12-07).
	defer st.Close()
	deps := tui.Deps{Register: st, Concepts: st, People: st, Plans: st, Exporter: tuiExporter{a: a, st: st}, Reports: st, Files: st, Changes: st}
	if st.Network() {
		deps.Sync = st
	}
	schemes, err := st.Schemes(ctx)
	if err != nil && !errors.Is(err, app.ErrOffline) { // offline: the register alone, with its age in the status line
		return err
	}
	return tui.Run(ctx, deps, a.cat, tui.Options{Lang: a.lang, Now: a.now, Schemes: schemes})
}
