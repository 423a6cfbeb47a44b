package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/store"
)

// pathwayLoader loads the person's agreed plan (else their newest) for the
// export: its steps with their register entries, the planner's checks and
// totals as of today, and the skill gap towards the target occupation. A
// person without a plan gets an empty pathway.
func pathwayLoader(st *store.Store, tr *locale.Tr, now func() time.Time) func(ctx context.Context, personID string) (export.Pathway, error) {
	return func(ctx context.Context, personID string) (export.Pathway, error) {
		p, err := st.CurrentPlan(ctx, personID, false)
		if errors.Is(err, store.ErrNoPlan) {
			return export.Pathway{Steps: []export.Step{}}, nil
		}
		if err != nil {
			return export.Pathway{}, err
		}
		today := catalog.DateOf(now())
		rep, err := st.Report(ctx, p, today)
		if err != nil {
			return export.Pathway{}, fmt.Errorf("check plan %s: %w", p.ID, err)
		}
		in := export.PathwayInput{Plan: rep.Plan, Totals: rep.Totals, Warnings: rep.Warnings, Offers: map[string]catalog.Offer{}}
		for _, s := range p.Steps {
			if s.OfferID == "" || !s.Status.Active() {
				continue
			}
			o, err := st.Offer(ctx, s.OfferID)
			if errors.Is(err, store.ErrNotFound) {
				continue // the checks warn about it
			}
			if err != nil {
				return export.Pathway{}, fmt.Errorf("offer %s: %w", s.OfferID, err)
			}
			in.Offers[s.OfferID] = o
		}
		if p.StackTarget != "" {
			if o, err := st.Offer(ctx, p.StackTarget); err == nil {
				in.StackTitle = o.Title
			}
		}
		if p.OccupationURI != "" {
			oc, err := st.OccupationSkills(ctx, p.OccupationURI, tr.Lang())
			switch {
			case err == nil:
				if oc.Label != "" {
					in.Plan.OccupationLabel = oc.Label // in the document language where ESCO has it
				}
				g, err := st.Gap(ctx, personID, &p, oc, today)
				if err != nil {
					return export.Pathway{}, fmt.Errorf("skill gap: %w", err)
				}
				in.Gap = &g
			case !errors.Is(err, store.ErrNotFound):
				return export.Pathway{}, fmt.Errorf("occupation %s: %w", p.OccupationURI, err)
			}
		}
		if in.Schemes, err = st.Schemes(ctx); err != nil {
			return export.Pathway{}, err
		}
		return export.FromPlan(in, tr), nil
	}
}
