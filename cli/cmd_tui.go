package cli

import (
	"context"

	"github.com/koers-project/koers/tui"
)

// runTUI opens the store (reporting a bad database on stderr before the
// screen is taken over) and runs the terminal interface.
func runTUI(ctx context.Context, a *invocation) error {
	st, err := a.open(ctx)
	if err != nil {
		return err
	}
	// The taxonomy of a new database loads while the counsellor searches,
	// so the planner does not wait for it (its first use waits otherwise).
	escoCtx, stopESCO := context.WithCancel(ctx)
	escoDone := make(chan struct{})
	go func() {
		defer close(escoDone)
		_ = st.EnsureESCO(escoCtx)
	}()
	defer func() {
		stopESCO()
		<-escoDone
		st.Close()
	}()
	deps := tui.Deps{Register: st, Concepts: st, People: st, Plans: st, Exporter: tuiExporter{a: a, st: st}, Reports: st}
	schemes, err := st.Schemes(ctx)
	if err != nil {
		return err
	}
	return tui.Run(ctx, deps, a.cat, tui.Options{Lang: a.lang, Now: a.now, Schemes: schemes})
}
