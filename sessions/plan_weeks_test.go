package sessions

import (
	"testing"

	"github.com/koers-project/koers/catalog"
)

// TestTallyWeeksFromStatedLength is issue 12's four 5-week courses: the
// plan spans 20 weeks (their stated length), not 24 (40 h each at 8 h a
// week would be 5 weeks each, but 45–50 h at 8 h a week was 6–7 each).
func TestTallyWeeksFromStatedLength(t *testing.T) {
	ctx := &PlanContext{Offers: map[string]catalog.Candidate{}}
	p := &Plan{}
	for _, id := range []string{"a", "b", "c", "d"} {
		o := offer(id, 0, 47.5, 0)
		o.Weeks = 5
		ctx.Offers[id] = o
		p.Steps = append(p.Steps, step(id, id))
	}
	if got := Tally(p, ctx).Weeks; got != 20 {
		t.Errorf("weeks %d, want 20", got)
	}
	// Without a stated length, hours at 8 a week: 47.5 h is 6 weeks each.
	for id, o := range ctx.Offers {
		o.Weeks = 0
		ctx.Offers[id] = o
	}
	if got := Tally(p, ctx).Weeks; got != 24 {
		t.Errorf("weeks without a length %d, want 24", got)
	}
}
