package sessions

import (
	"fmt"
	"slices"
	"time"

	"github.com/koers-project/koers/catalog"
)

// StepStatus is where a plan step stands.
type StepStatus string

// Step statuses, in the order a step moves through them.
const (
	StepPlanned    StepStatus = "planned"
	StepApplied    StepStatus = "applied"
	StepEnrolled   StepStatus = "enrolled"
	StepInProgress StepStatus = "in_progress"
	StepCompleted  StepStatus = "completed"
	StepDropped    StepStatus = "dropped"
)

// StepStatuses lists every status in order.
var StepStatuses = []StepStatus{StepPlanned, StepApplied, StepEnrolled, StepInProgress, StepCompleted, StepDropped}

// Valid reports whether s is a known status.
func (s StepStatus) Valid() bool { return slices.Contains(StepStatuses, s) }

// Active reports whether the step still counts in the plan (not dropped).
func (s StepStatus) Active() bool { return s != StepDropped && s != "" }

// Open reports whether the step still needs funds (neither completed nor dropped).
func (s StepStatus) Open() bool { return s != StepDropped && s != StepCompleted }

// StepKind is what a step is.
type StepKind string

// Step kinds: a register offer, or a validation or guidance step.
const (
	KindOffer      StepKind = "offer"
	KindValidation StepKind = "validation"
	KindGuidance   StepKind = "guidance"
)

// FundingLine is what one scheme is asked to pay for a step, in the
// scheme's minor unit, and how much of it the ledger holds in reserve.
type FundingLine struct {
	Scheme   string `json:"scheme"`
	Amount   int64  `json:"amount_minor"`
	Reserved int64  `json:"reserved_minor"`
}

// Step is one step of a learning plan.
type Step struct {
	ID      string     `json:"id"`
	Kind    StepKind   `json:"kind"`
	OfferID string     `json:"offer_id,omitempty"`
	Title   string     `json:"title"`
	Status  StepStatus `json:"status"`
	// Start and End override the offer's dates when set (a chosen session).
	Start   catalog.Date  `json:"start"`
	End     catalog.Date  `json:"end"`
	Funding []FundingLine `json:"funding"`
	Note    string        `json:"note,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// ReserveRef is the ledger reference of the reservation for a step.
func ReserveRef(stepID string) string { return "plan-step:" + stepID }

// Line is the step's funding line for scheme, or a zero line.
func (s *Step) Line(scheme string) FundingLine {
	for _, l := range s.Funding {
		if l.Scheme == scheme {
			return l
		}
	}
	return FundingLine{Scheme: scheme}
}

// Plan is a learning plan on a person's file: a goal and ordered steps. A
// person may keep several plans; one of them is the agreed plan.
type Plan struct {
	ID       string `json:"id"`
	PersonID string `json:"person_id"`
	Name     string `json:"name"`
	// OccupationURI is the ESCO occupation aimed at ("" if none).
	OccupationURI   string `json:"occupation_uri,omitempty"`
	OccupationLabel string `json:"occupation_label,omitempty"`
	// StackTarget is the register offer (a larger credential) the steps
	// stack towards ("" if none).
	StackTarget string `json:"stack_target,omitempty"`
	Agreed      bool   `json:"agreed"`
	Steps       []Step `json:"steps"`

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	// Version counts the plan's saves (1 when created); an edit made on an
	// older version can be refused (see ChangedError).
	Version int64 `json:"version"`
}

// Step returns the index of the step with id, or -1.
func (p *Plan) Step(id string) int {
	return slices.IndexFunc(p.Steps, func(s Step) bool { return s.ID == id })
}

// Move puts the step with id at position to (0-based, clamped) and keeps
// the order of the others.
func (p *Plan) Move(id string, to int) error {
	i := p.Step(id)
	if i < 0 {
		return fmt.Errorf("plan has no step %s", id)
	}
	to = max(0, min(to, len(p.Steps)-1))
	s := p.Steps[i]
	p.Steps = slices.Delete(p.Steps, i, i+1)
	p.Steps = slices.Insert(p.Steps, to, s)
	return nil
}

// DefaultFunding is what each scheme the person holds is asked to pay for
// an offer under the rules: voucher its share up to the cap, ILA the rest,
// leave the hours; only schemes the offer is eligible for.
//
// Only schemes the person holds ask anything, so without a voucher the ILA
// is asked the whole price.
func DefaultFunding(r catalog.FundingRules, c catalog.Candidate, held []string) []FundingLine {
	eligible := c.Schemes
	if held != nil {
		eligible = nil
		for _, sc := range c.Schemes {
			if slices.Contains(held, sc) {
				eligible = append(eligible, sc)
			}
		}
	}
	req := catalog.Request(r, c.FundablePrice(), c.Hours, eligible) // a scheme pays only in its own currency
	var out []FundingLine
	for _, sc := range []string{catalog.SchemeVoucher, catalog.SchemeILA, catalog.SchemeLeave} {
		if v := req[sc]; v > 0 {
			out = append(out, FundingLine{Scheme: sc, Amount: v})
		}
	}
	return out
}

// RulesFrom reads the funding rules from the scheme definitions (the
// voucher's share and cap).
func RulesFrom(schemes []Scheme) catalog.FundingRules {
	r := catalog.DefaultRules()
	if v, ok := FindScheme(schemes, catalog.SchemeVoucher); ok {
		r.VoucherPercent, r.VoucherCap = v.SharePercent, catalog.Money(v.Cap)
	}
	return r
}

// Spare is what the person's accounts can still give to new steps:
// available per scheme, less what the plan's open steps ask and have not
// reserved yet, never below zero. A suggestion plans within it and an
// accepted pathway is funded from it, so the two agree.
func Spare(available map[string]int64, p *Plan) map[string]int64 {
	out := make(map[string]int64, len(available))
	for sc, v := range available {
		out[sc] = v
	}
	if p != nil {
		for _, st := range p.Steps {
			if !st.Status.Open() {
				continue
			}
			for _, l := range st.Funding {
				out[l.Scheme] -= max(l.Amount-l.Reserved, 0)
			}
		}
	}
	for sc, v := range out {
		out[sc] = max(v, 0)
	}
	return out
}

// PathwayFunding is the funding lines of a pathway's new steps, from the
// one function a suggestion costs them with (catalog.Allocate) within the
// same budget (Spare): the accepted plan asks no scheme more than the
// suggestion showed it giving, and what is beyond the budget stays the
// person's (out of pocket, or their own time for hours).
func PathwayFunding(r catalog.FundingRules, cs []catalog.Candidate, budget map[string]int64) [][]FundingLine {
	fcs := make([]catalog.FundCourse, len(cs))
	for i, c := range cs {
		fcs[i] = catalog.FundCourse{Price: c.Price, Hours: c.Hours, Schemes: c.Schemes}
	}
	cov := catalog.Allocate(r, fcs, budget)
	out := make([][]FundingLine, len(cs))
	for i := range cs {
		for _, sc := range []string{catalog.SchemeVoucher, catalog.SchemeILA, catalog.SchemeLeave} {
			if v := cov[i][sc]; v > 0 {
				out[i] = append(out[i], FundingLine{Scheme: sc, Amount: v})
			}
		}
	}
	return out
}
