package app

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/koers-project/koers/sessions"
)

// recv is the next change on w, failing after a second (the refresh bound).
func recv(t *testing.T, w *Watch) Change {
	t.Helper()
	select {
	case c := <-w.C():
		return c
	case <-time.After(time.Second):
		t.Fatalf("no change of %s within a second", w.PersonID())
	}
	return Change{}
}

// none checks that nothing is pending on w.
func none(t *testing.T, w *Watch) {
	t.Helper()
	select {
	case c := <-w.C():
		t.Errorf("unexpected change %+v", c)
	default:
	}
}

// TestWatchTellsOtherSessions: the changes one session's view commits
// reach the watchers of that person in other views, not its own, and not
// the watchers of another person.
func TestWatchTellsOtherSessions(t *testing.T) {
	ctx := context.Background()
	base := openFresh(t, Options{Actor: "setup"})
	cora, sam := base.As("cora"), base.As("sam")
	ann, err := base.CreatePerson(ctx, sessions.Person{Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := base.CreatePerson(ctx, sessions.Person{Name: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	coraAnn, samAnn, coraBob := cora.Watch(ann.ID), sam.Watch(ann.ID), cora.Watch(bob.ID)
	defer coraAnn.Close()
	defer samAnn.Close()
	defer coraBob.Close()

	steps := []struct {
		name string
		do   func() error
		what string
	}{
		{"profile", func() error {
			p := ann
			p.Phone = "+32 470 00 00 02"
			_, err := sam.UpdatePerson(ctx, p)
			return err
		}, ChangedProfile},
		{"ledger", func() error {
			_, _, err := sam.Post(ctx, PostRequest{PersonID: ann.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: "100"})
			return err
		}, ChangedLedger},
		{"plan", func() error {
			_, err := sam.CreatePlan(ctx, sessions.Plan{PersonID: ann.ID})
			return err
		}, ChangedPlan},
		{"guidance", func() error {
			_, err := sam.AddSession(ctx, sessions.Session{PersonID: ann.ID, At: time.Now().Add(-time.Hour), Channel: sessions.FaceToFace, Attended: true, Summary: "intake"})
			return err
		}, ChangedGuidance},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			got := recv(t, coraAnn)
			if got.PersonID != ann.ID || got.What != st.what || got.By != "sam" {
				t.Errorf("cora was told %+v; want %s of %s by sam", got, st.what, ann.ID)
			}
			none(t, samAnn)  // sam's own change
			none(t, coraBob) // another person
		})
	}
	coraAnn.Close()
	coraAnn.Close() // twice is fine
	if _, ok := <-coraAnn.C(); ok {
		t.Error("a closed watch still delivers")
	}
}

// TestStaleSavesRefused: two sessions open the same profile and plan; the
// second save on what it read is refused with who saved since, and when,
// and the first save stands.
func TestStaleSavesRefused(t *testing.T) {
	ctx := context.Background()
	base := openFresh(t, Options{Actor: "setup"})
	cora, sam := base.As("cora"), base.As("sam")
	ann, err := base.CreatePerson(ctx, sessions.Person{Name: "Ann"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("profile", func(t *testing.T) {
		coraCopy, samCopy := ann, ann
		coraCopy.Phone = "+32 470 11 11 11"
		if _, err := cora.UpdatePerson(ctx, coraCopy); err != nil {
			t.Fatal(err)
		}
		samCopy.Email = "ann@example.org"
		_, err := sam.UpdatePerson(ctx, samCopy)
		refusedBy(t, err, "cora", sessions.ChangedProfile)
		got, _ := base.Person(ctx, ann.ID)
		if got.Phone != coraCopy.Phone || got.Email != "" {
			t.Errorf("stored phone %q email %q: cora's save must stand, sam's must not be written", got.Phone, got.Email)
		}
	})
	t.Run("plan", func(t *testing.T) {
		p, err := base.CurrentPlan(ctx, ann.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		p, err = base.AddStep(ctx, p.ID, sessions.Step{Title: "A"}, sessions.Step{Title: "B"})
		if err != nil {
			t.Fatal(err)
		}
		shown := p.Version // both screens show this version
		if _, err := cora.MoveStep(ExpectVersion(ctx, p.ID, shown), p.ID, p.Steps[1].ID, 0); err != nil {
			t.Fatal(err)
		}
		_, err = sam.SetStepStatus(ExpectVersion(ctx, p.ID, shown), p.ID, p.Steps[0].ID, sessions.StepDropped)
		refusedBy(t, err, "cora", sessions.ChangedPlan)
		got, _ := base.Plan(ctx, p.ID)
		if got.Steps[0].Title != "B" || slices.ContainsFunc(got.Steps, func(s sessions.Step) bool { return s.Status == sessions.StepDropped }) {
			t.Errorf("plan after the refusal: %+v", got.Steps)
		}
	})
}

func refusedBy(t *testing.T, err error, by, what string) {
	t.Helper()
	var ae *Error
	if !errors.As(err, &ae) || ae.Kind != Refused || ae.Rule != "unchanged-since-read" || !errors.Is(err, ErrChanged) || KindOf(err) != Refused {
		t.Fatalf("err %v; want a Refused *Error by rule unchanged-since-read", err)
	}
	args := map[any]any{}
	for i := 0; i+1 < len(ae.Args); i += 2 {
		args[ae.Args[i]] = ae.Args[i+1]
	}
	if args["By"] != by || args["What"] != what {
		t.Errorf("args %v; want By %s, What %s", ae.Args, by, what)
	}
	if at, ok := args["At"].(time.Time); !ok || at.IsZero() || time.Since(at) > time.Minute {
		t.Errorf("At %v: want when the other save was made", args["At"])
	}
}
