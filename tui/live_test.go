package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/koers-project/koers/locale"
)

// TestPlannerFollowsAnotherSession: the planner open in one session
// reloads when another session (another view of the same application)
// reorders the plan, and says who changed it; a change by its own view is
// not told back to it.
func TestPlannerFollowsAnotherSession(t *testing.T) {
	ctx := context.Background()
	st, ann := plannerStore(t)
	now := func() time.Time { return peopleNow }
	base := appOver(t, st, now)
	mine, theirs := base.As("cora"), base.As("sam")
	sh := newShared(locale.Must(), Deps{Plans: mine, Changes: mine}, Options{Lang: "en", Now: now})
	p := &peopleProbe{m: newModel(sh, NewPlannerPage(sh, ann))}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(120, 40))
	r := &peopleRun{t: t, tm: tm, p: p, st: st}
	r.waitFor("Participatory art projects", "prerequisite not met")
	plan, err := theirs.CurrentPlan(ctx, ann, false)
	if err != nil {
		t.Fatal(err)
	}
	// sam moves the basics (step 2) up: cora's warning goes without a key.
	if _, err := theirs.MoveStep(ctx, plan.ID, plan.Steps[1].ID, 0); err != nil {
		t.Fatal(err)
	}
	r.waitUntil(func(s string) bool {
		return strings.Contains(s, "sam just changed this file (plan)") && !strings.Contains(s, "prerequisite not met")
	})
	r.finish()
	if p.m.live.watch != nil {
		t.Error("the watch outlived the program's quit")
	}
}
