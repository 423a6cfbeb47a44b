package store

import (
	"context"
	"testing"
)

// TestAsSharesTheDatabase: a view stamps its own actor and closing it
// leaves the store open.
func TestAsSharesTheDatabase(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	v := st.As("ann")
	if got := v.Actor(); got != "ann" {
		t.Errorf("view actor = %q", got)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Version(ctx); err != nil {
		t.Errorf("store closed by its view: %v", err)
	}
	if st.Actor() == "ann" {
		t.Error("As changed the store's own actor")
	}
}
