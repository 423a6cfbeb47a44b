package sessions

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
)

// Genders a person may state; "" is not recorded (the default, and the
// answer reports count as "not recorded", never guessed from a name).
var Genders = []string{"female", "male", "other"}

// StepOutcome is a dated event of a plan step: the person enrolled,
// completed it or dropped out (with the reason). A completion may link the
// credential it earned. The step's current status moves with it (the same
// StepStatus values), so the plan and its outcomes never disagree.
type StepOutcome struct {
	ID       string       `json:"id"`
	PersonID string       `json:"person_id"`
	PlanID   string       `json:"plan_id"`
	StepID   string       `json:"step_id"`
	Status   StepStatus   `json:"status"`
	On       catalog.Date `json:"date"`
	Reason   string       `json:"reason,omitempty"`
	// CredentialID is the earned credential on the person's file a
	// completion led to ("" if none or not yet known).
	CredentialID string    `json:"credential_id,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    string    `json:"created_by"`
}

// OutcomeStatuses are the step statuses an outcome records.
var OutcomeStatuses = []StepStatus{StepEnrolled, StepCompleted, StepDropped}

// ValidateStepOutcome checks o against the step's earlier outcomes and the
// plan's creation day, reporting every problem at once with its field:
// the date is known and not after today, nothing happens before the plan
// was made, completing or dropping out comes on or after enrolling, a step
// is closed once (completed or dropped, not both), dropping out needs its
// reason and only a completion earns a credential.
func ValidateStepOutcome(o StepOutcome, earlier []StepOutcome, planMade catalog.Date, now time.Time) catalog.Problems {
	var ps catalog.Problems
	add := func(field, format string, args ...any) {
		ps = append(ps, catalog.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if !slices.Contains(OutcomeStatuses, o.Status) {
		add("status", "%q is not enrolled, completed or dropped", o.Status)
	}
	today := catalog.DateOf(now)
	switch {
	case o.On.IsZero():
		add("date", "is required")
	case o.On.After(today):
		add("date", "%s is after today (%s): record an outcome once it has happened", o.On, today)
	case !planMade.IsZero() && o.On.Before(planMade):
		add("date", "%s is before the plan was made (%s)", o.On, planMade)
	}
	if o.Status == StepDropped && strings.TrimSpace(o.Reason) == "" {
		add("reason", "dropping out needs the reason")
	}
	if o.CredentialID != "" && o.Status != StepCompleted {
		add("credential", "only a completion earns a credential")
	}
	for _, e := range earlier {
		switch {
		case e.Status == o.Status:
			add("status", "the step is already recorded %s (on %s)", e.Status, e.On)
		case e.Status != StepEnrolled && o.Status != StepEnrolled:
			add("status", "the step was already %s on %s", e.Status, e.On)
		case e.Status == StepEnrolled && !o.On.IsZero() && o.On.Before(e.On):
			add("date", "%s is before the enrolment (%s)", o.On, e.On)
		case o.Status == StepEnrolled && !o.On.IsZero() && e.On.Before(o.On):
			add("date", "%s is after the step was %s (%s)", o.On, e.Status, e.On)
		}
	}
	return ps
}

// Follow-up sources: where an employment situation was learnt.
const (
	SelfReported   = "self-reported"
	Administrative = "administrative"
)

// FollowUpMonths are the months after a plan at which employment is asked.
var FollowUpMonths = []int{6, 12}

// EmploymentOutcome is a person's employment situation 6 or 12 months after
// a plan, recorded in a follow-up guidance session.
type EmploymentOutcome struct {
	ID        string       `json:"id"`
	PersonID  string       `json:"person_id"`
	PlanID    string       `json:"plan_id"`
	SessionID string       `json:"session_id"`
	Months    int          `json:"months"`
	Situation string       `json:"situation"` // one of EmploymentStatuses
	Source    string       `json:"source"`    // SelfReported or Administrative
	On        catalog.Date `json:"date"`
	CreatedAt time.Time    `json:"created_at"`
	CreatedBy string       `json:"created_by"`
}

// Validate reports every problem of the follow-up at once: 6 or 12 months,
// a known situation and source, dated not after today and not before the
// plan ended (planEnd zero: the plan has not ended, so there is nothing to
// follow up yet).
func (e EmploymentOutcome) Validate(planEnd catalog.Date, now time.Time) catalog.Problems {
	var ps catalog.Problems
	add := func(field, format string, args ...any) {
		ps = append(ps, catalog.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if !slices.Contains(FollowUpMonths, e.Months) {
		add("at", "%d is not 6 or 12 (months after the plan)", e.Months)
	}
	if !slices.Contains(EmploymentStatuses, e.Situation) {
		add("situation", "%q is not one of %s", e.Situation, strings.Join(EmploymentStatuses, ", "))
	}
	if e.Source != SelfReported && e.Source != Administrative {
		add("source", "%q is not self-reported or administrative", e.Source)
	}
	today := catalog.DateOf(now)
	switch {
	case e.On.IsZero():
		add("date", "is required")
	case e.On.After(today):
		add("date", "%s is after today (%s)", e.On, today)
	case planEnd.IsZero():
		add("plan", "has steps still open: a follow-up comes after the plan ended")
	case e.On.Before(planEnd):
		add("date", "%s is before the plan ended (%s)", e.On, planEnd)
	}
	return ps
}

// PlanEnd is the day the plan ended: every step it has is completed or
// dropped, and the latest of their dated outcomes (or, for a step closed
// without one, the day it was last changed). ok is false while a step is
// still open or the plan has no steps.
func PlanEnd(p Plan, outcomes []StepOutcome) (end catalog.Date, ok bool) {
	if len(p.Steps) == 0 {
		return end, false
	}
	for _, st := range p.Steps {
		if st.Status.Open() {
			return catalog.Date{}, false
		}
		d := catalog.DateOf(st.UpdatedAt)
		for _, o := range outcomes {
			if o.StepID == st.ID && o.Status == st.Status {
				d = o.On
			}
		}
		if d.After(end) {
			end = d
		}
	}
	return end, true
}

// FollowUpDue is the day the follow-up months after end is due.
func FollowUpDue(end catalog.Date, months int) catalog.Date {
	return catalog.DateOf(end.Time().AddDate(0, months, 0))
}
