package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/sessions"
)

// planFiles splits import paths into learning-plan JSON exports (which go
// to a person's file) and everything else (register and ESCO input).
func planFiles(paths []string) (plans, rest []string) {
	for _, p := range paths {
		if isPlanFile(p) {
			plans = append(plans, p)
		} else {
			rest = append(rest, p)
		}
	}
	return plans, rest
}

func isPlanFile(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Size() > 32<<20 {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimSpace(head[:n])
	if !bytes.HasPrefix(head, []byte("{")) || !bytes.Contains(head, []byte(export.Profile)) {
		return false
	}
	data, err := app.ReadBounded(path, maxPlanFile)
	if err != nil {
		return true // it says it is a plan: importPlans reports why it cannot be read
	}
	return export.IsPlanJSON(data)
}

// maxPlanFile bounds a learning-plan export read back (a plan of a
// hundred steps is about 100 kB; its whole file is decoded at once).
const maxPlanFile = 8 << 20

// importedPlan is one plan recreated on a person's file.
type importedPlan struct {
	Path     string `json:"path"`
	PersonID string `json:"person_id"`
	PlanID   string `json:"plan_id,omitempty"`
	Steps    int    `json:"steps"`
	Agreed   bool   `json:"agreed"`
}

// importPlans recreates each exported plan on its person's file: the
// target, the steps (register offers by id, their dates and funding lines).
// Goals, actions and appointments belong to sessions and are not
// recreated. Every file is checked before anything is written; with dryRun
// nothing is.
func (a *invocation) importPlans(ctx context.Context, st *app.App, paths []string, dryRun bool) ([]importedPlan, error) {
	type parsed struct {
		path string
		plan sessions.Plan
	}
	var todo []parsed
	for _, path := range paths {
		data, err := app.ReadBounded(path, maxPlanFile)
		if err != nil {
			return nil, usageErr("%s: %v", path, err)
		}
		p, err := export.ParsePlanJSON(data)
		if err != nil {
			return nil, usageErr("%s: %v", path, err)
		}
		if _, err := st.Person(ctx, p.Person.ID); errors.Is(err, app.ErrNotFound) {
			return nil, usageErr("%s: learner.id: no person %s in this database", path, p.Person.ID)
		} else if err != nil {
			return nil, err
		}
		sp, err := a.planFromExport(ctx, st, p)
		if err != nil {
			return nil, usageErr("%s: %v", path, err)
		}
		todo = append(todo, parsed{path, sp})
	}
	out := []importedPlan{}
	for _, t := range todo {
		r := importedPlan{Path: t.path, PersonID: t.plan.PersonID, Steps: len(t.plan.Steps)}
		if !dryRun {
			created, err := st.CreatePlan(ctx, t.plan)
			if err != nil {
				return out, fmt.Errorf("%s: %w", t.path, err)
			}
			r.PlanID, r.Agreed = created.ID, created.Agreed
		}
		out = append(out, r)
	}
	return out, nil
}

// planFromExport maps an exported plan back to the planner's values.
func (a *invocation) planFromExport(ctx context.Context, st *app.App, p *export.Plan) (sessions.Plan, error) {
	sp := sessions.Plan{PersonID: p.Person.ID, Name: a.tr().T("export.import.name", "Date", p.Generated.Format("2006-01-02"))}
	if t := p.Target; t != nil && strings.Contains(t.URI, "/esco/occupation/") {
		sp.OccupationURI, sp.OccupationLabel = t.URI, t.Label
	}
	for i, s := range p.Steps {
		step := sessions.Step{Kind: sessions.KindOffer, OfferID: s.OfferID, Title: s.Title, Status: sessions.StepPlanned, Start: s.Start, End: s.End}
		if s.OfferID == "" {
			step.Kind = sessions.KindGuidance
		} else if _, err := st.Offer(ctx, s.OfferID); errors.Is(err, app.ErrNotFound) {
			return sp, fmt.Errorf("learningOpportunity[%d].koers:offerId: offer %s is not in this register", i, s.OfferID)
		} else if err != nil {
			return sp, err
		}
		for _, f := range s.Funding {
			step.Funding = append(step.Funding, sessions.FundingLine{Scheme: f.Scheme, Amount: f.Amount})
		}
		sp.Steps = append(sp.Steps, step)
	}
	return sp, nil
}
