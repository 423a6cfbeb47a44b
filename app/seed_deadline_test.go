package app

import (
	"context"
	"testing"
	"time"
)

// TestESCOLoadOutlivesAShortDeadline: the first use of the taxonomy may
// come with a short deadline (the TUI's occupation picker); the once-only
// load must not be cut half-way by it (a busy machine saw "seed esco: …
// context deadline exceeded" on every first pick).
func TestESCOLoadOutlivesAShortDeadline(t *testing.T) {
	a := openFresh(t, Options{Actor: "test", SeedESCO: true})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := a.EnsureESCO(ctx); err != nil {
		t.Fatalf("first use with a short deadline: %v", err)
	}
	st, err := a.st.ESCOStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Occupations != 3007 {
		t.Errorf("%d occupations after the load, want 3007", st.Occupations)
	}
}
