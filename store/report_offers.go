package store

import (
	"context"
	"fmt"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/report"
)

// ReportOffers reads what reports need of every offer a plan step names:
// level, form, field, whether a micro-credential (a notional workload under
// 60 ECTS, or 1,500 hours when only hours are known; unknown without
// either), stackable (stated stackability or a stacking relation) and price.
func (s *Store) ReportOffers(ctx context.Context) (map[string]OfferAttrs, error) {
	rids, err := s.rids(ctx, `SELECT o.rid FROM offers o WHERE o.id IN (SELECT DISTINCT offer_id FROM plan_steps WHERE offer_id <> '')`)
	if err != nil {
		return nil, fmt.Errorf("report offers: %w", err)
	}
	out := make(map[string]OfferAttrs, len(rids))
	for start := 0; start < len(rids); start += 2000 {
		list, err := s.offersByRIDs(ctx, rids[start:min(start+2000, len(rids))])
		if err != nil {
			return nil, err
		}
		for _, o := range list {
			if o.ID != "" {
				out[o.ID] = attrsOf(o)
			}
		}
	}
	return out, nil
}

func attrsOf(o catalog.Offer) OfferAttrs {
	a := OfferAttrs{Mode: string(o.Mode), Field: o.ISCED, Price: -1}
	if o.EQF >= 1 && o.EQF <= 8 {
		a.EQF = int(o.EQF)
	}
	if o.Price != nil {
		a.Price = int64(*o.Price)
	}
	switch {
	case o.ECTS != nil:
		a.Micro = yesNo(*o.ECTS < 60)
	case o.Hours != nil:
		a.Micro = yesNo(*o.Hours < 1500)
	}
	switch {
	case o.Stackability == "stackable":
		a.Stackable = report.Yes
	case hasStacking(o):
		a.Stackable = report.Yes
	case o.Stackability == "stand-alone":
		a.Stackable = report.No
	}
	return a
}

func hasStacking(o catalog.Offer) bool {
	for _, r := range o.Relations {
		if r.Kind == catalog.StacksTowards || r.Kind == catalog.PartOf {
			return true
		}
	}
	return false
}

func yesNo(b bool) report.Tri {
	if b {
		return report.Yes
	}
	return report.No
}
