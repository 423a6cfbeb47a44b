package sessions

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
)

func TestValidateStepOutcome(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	made := catalog.NewDate(2026, 6, 1)
	enrolled := StepOutcome{Status: StepEnrolled, On: catalog.NewDate(2026, 7, 1)}
	completed := StepOutcome{Status: StepCompleted, On: catalog.NewDate(2026, 9, 1)}
	cases := []struct {
		name    string
		o       StepOutcome
		earlier []StepOutcome
		want    string // "" valid, else a field:text fragment
	}{
		{"enrol", StepOutcome{Status: StepEnrolled, On: catalog.NewDate(2026, 7, 1)}, nil, ""},
		{"complete after enrolment", StepOutcome{Status: StepCompleted, On: catalog.NewDate(2026, 8, 1)}, []StepOutcome{enrolled}, ""},
		{"complete before enrolment", StepOutcome{Status: StepCompleted, On: catalog.NewDate(2026, 6, 15)}, []StepOutcome{enrolled}, "before the enrolment"},
		{"late enrolment after completion", StepOutcome{Status: StepEnrolled, On: catalog.NewDate(2026, 10, 1)}, []StepOutcome{completed}, "after the step was completed"},
		{"drop after completion", StepOutcome{Status: StepDropped, On: catalog.NewDate(2026, 10, 1), Reason: "x"}, []StepOutcome{completed}, "already completed"},
		{"twice", StepOutcome{Status: StepCompleted, On: catalog.NewDate(2026, 10, 1)}, []StepOutcome{completed}, "already recorded completed"},
		{"drop without reason", StepOutcome{Status: StepDropped, On: catalog.NewDate(2026, 10, 1)}, nil, "reason"},
		{"future", StepOutcome{Status: StepEnrolled, On: catalog.NewDate(2026, 12, 4)}, nil, "after today"},
		{"before plan", StepOutcome{Status: StepEnrolled, On: catalog.NewDate(2026, 5, 31)}, nil, "before the plan was made"},
		{"no date", StepOutcome{Status: StepEnrolled}, nil, "date: is required"},
		{"planned is no outcome", StepOutcome{Status: StepPlanned, On: catalog.NewDate(2026, 7, 1)}, nil, "not enrolled, completed or dropped"},
		{"credential on enrolment", StepOutcome{Status: StepEnrolled, On: catalog.NewDate(2026, 7, 1), CredentialID: "c"}, nil, "only a completion"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ValidateStepOutcome(c.o, c.earlier, made, now)
			switch {
			case c.want == "" && len(got) > 0:
				t.Errorf("refused: %v", got)
			case c.want != "" && !strings.Contains(got.Error(), c.want):
				t.Errorf("got %v, want %q", got, c.want)
			}
		})
	}
}

func TestPlanEndAndFollowUps(t *testing.T) {
	d := func(m, day int) catalog.Date { return catalog.NewDate(2026, time.Month(m), day) }
	p := Plan{Steps: []Step{{ID: "a", Status: StepCompleted}, {ID: "b", Status: StepDropped}}}
	outs := []StepOutcome{{StepID: "a", Status: StepEnrolled, On: d(2, 1)}, {StepID: "a", Status: StepCompleted, On: d(5, 31)}, {StepID: "b", Status: StepDropped, On: d(3, 1)}}
	end, ok := PlanEnd(p, outs)
	if !ok || end != d(5, 31) {
		t.Fatalf("end %s %v", end, ok)
	}
	if got := FollowUpDue(end, 6); got != d(12, 1) { // 31 May + 6 months: 1 December (Go's AddDate normalises 31 Nov)
		t.Errorf("6 months after %s: %s", end, got)
	}
	p.Steps = append(p.Steps, Step{ID: "c", Status: StepEnrolled})
	if _, ok := PlanEnd(p, outs); ok {
		t.Error("a plan with an open step has ended")
	}
	e := EmploymentOutcome{Months: 6, Situation: Employed, Source: SelfReported, On: d(11, 1)}
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	if ps := e.Validate(catalog.Date{}, now); len(ps) == 0 || !strings.Contains(ps.Error(), "still open") {
		t.Errorf("follow-up of an open plan: %v", ps)
	}
	if ps := e.Validate(d(5, 31), now); len(ps) != 0 {
		t.Errorf("valid follow-up refused: %v", ps)
	}
	e.Months, e.Source = 9, "rumour"
	if ps := e.Validate(d(5, 31), now); len(ps) != 2 {
		t.Errorf("want at and source refused, got %v", ps)
	}
}

func TestGeneratePopulationDeterministic(t *testing.T) {
	price := int64(30000)
	offers := []GenOffer{{ID: "o1", Title: "One", Price: &price, Hours: 40, Schemes: []string{"ila"}}, {ID: "o2", Title: "Two", Hours: 80}}
	asOf := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	a := slices.Collect(GeneratePopulation(9, 200, offers, asOf))
	b := slices.Collect(GeneratePopulation(9, 200, offers, asOf))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two populations")
	}
	c := slices.Collect(GeneratePopulation(10, 200, offers, asOf))
	if reflect.DeepEqual(a, c) {
		t.Fatal("two seeds gave the same population")
	}
	var plans, entries, follow int
	for _, gp := range a {
		if err := gp.Person.Validate(asOf).Err(); err != nil {
			t.Errorf("person %s: %v", gp.Person.ID, err)
		}
		for _, s := range gp.Sessions {
			if err := s.Validate(asOf).Err(); err != nil {
				t.Errorf("session of %s: %v", gp.Person.ID, err)
			}
		}
		if gp.Plan != nil {
			plans++
		}
		entries += len(gp.Entries)
		follow += len(gp.Employment)
	}
	if plans < 80 || entries < 1000 || follow == 0 {
		t.Errorf("%d plans, %d entries, %d follow-ups in 200 people: not the population described", plans, entries, follow)
	}
}
