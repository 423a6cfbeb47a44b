package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// testEditVersions: a profile or a plan saved on a version that is no
// longer the stored one is refused with who changed it and when, and
// nothing of the stale edit is written; saves count up from 1.
func testEditVersions(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	ann := newPerson(t, st, "Ann Peeters")
	if ann.Version != 1 {
		t.Fatalf("new person version %d, want 1", ann.Version)
	}
	t.Run("profile", func(t *testing.T) {
		mine, theirs := ann, ann
		theirs.Phone = "+32 470 00 00 01"
		saved, err := st.UpdatePerson(ctx, theirs)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Version != 2 {
			t.Fatalf("version after a save %d, want 2", saved.Version)
		}
		mine.Email = "stale@example.org"
		_, err = st.UpdatePerson(ctx, mine)
		var ce *sessions.ChangedError
		if !errors.As(err, &ce) || !errors.Is(err, sessions.ErrChanged) {
			t.Fatalf("stale save: err %v, want a *sessions.ChangedError", err)
		}
		if ce.What != sessions.ChangedProfile || ce.ID != ann.ID || ce.Read != 1 || ce.Now != 2 || ce.By != "tester" || !ce.At.Equal(Clock) {
			t.Errorf("changed error %+v", ce)
		}
		got, err := st.Person(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != ann.Email || got.Phone != theirs.Phone || got.Version != 2 {
			t.Errorf("after the refusal: email %q phone %q version %d; want the other save kept", got.Email, got.Phone, got.Version)
		}
		got.Version = 0 // an update without a version is not checked
		if got, err = st.UpdatePerson(ctx, got); err != nil || got.Version != 3 {
			t.Errorf("unversioned save: version %d, %v", got.Version, err)
		}
		missing := sessions.Person{ID: missingID, Name: "Nobody", Version: 1}
		if _, err := st.UpdatePerson(ctx, missing); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing person: %v, want ErrNotFound", err)
		}
	})
	t.Run("plan", func(t *testing.T) {
		p, err := st.CurrentPlan(ctx, ann.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != 1 {
			t.Fatalf("new plan version %d, want 1", p.Version)
		}
		p2, err := st.AddStep(store.ExpectVersion(ctx, p.ID, 1), p.ID, sessions.Step{Title: "A"}, sessions.Step{Title: "B"})
		if err != nil {
			t.Fatal(err)
		}
		if p2.Version != 2 {
			t.Fatalf("version after a save %d, want 2", p2.Version)
		}
		// An edit made on the screen that still showed version 1.
		_, err = st.MoveStep(store.ExpectVersion(ctx, p.ID, 1), p.ID, p2.Steps[1].ID, 0)
		var ce *sessions.ChangedError
		if !errors.As(err, &ce) || ce.What != sessions.ChangedPlan || ce.Read != 1 || ce.Now != 2 || ce.By != "tester" || !ce.At.Equal(Clock) {
			t.Fatalf("stale move: err %v (%+v), want a *sessions.ChangedError", err, ce)
		}
		got, err := st.Plan(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if titles := stepTitles(got); !slices.Equal(titles, []string{"A", "B"}) || got.Version != 2 {
			t.Errorf("after the refusal: %v version %d", titles, got.Version)
		}
		// A precondition on another record does not apply to this one.
		if got, err = st.MoveStep(store.ExpectVersion(ctx, "another", 1), p.ID, p2.Steps[1].ID, 0); err != nil || got.Version != 3 {
			t.Errorf("move: version %d, %v", got.Version, err)
		}
		if err := st.AgreePlan(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ = st.Plan(ctx, p.ID); got.Version != 4 {
			t.Errorf("agreeing is a save: version %d, want 4", got.Version)
		}
	})
}
