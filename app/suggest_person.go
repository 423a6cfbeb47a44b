package app

import (
	"context"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// FitPerson completes the constraints k of a suggestion with what the
// person's file says, for every constraint k leaves unset (what a face
// sets, from a flag or a form, wins): the languages they can learn in, the
// regions their home and mobility reach (online offers always fit), their
// preferred forms of participation (online only when that is their
// mobility) and their weekly study hours. Balances come from the accounts
// (store.SuggestInput). An unstated field limits nothing.
func FitPerson(p sessions.Person, k catalog.Constraints) catalog.Constraints {
	if len(k.Languages) == 0 {
		switch {
		case len(p.Languages) > 0:
			k.Languages = append([]string(nil), p.Languages...)
		case p.Language != "":
			k.Languages = []string{p.Language}
		}
	}
	m, err := catalog.ParseMobility(p.Mobility)
	if err != nil {
		m = "" // older free text: not stated
	}
	regions, onlineOnly := catalog.Reach(p.Region, m)
	if k.Region == "" && len(k.Regions) == 0 {
		k.Regions = regions
	}
	if len(k.Modes) == 0 {
		switch {
		case onlineOnly:
			k.Modes = []catalog.Mode{catalog.ModeOnline}
		case len(p.Modes) > 0:
			k.Modes = append([]catalog.Mode(nil), p.Modes...)
		}
	}
	if k.WeeklyHours == 0 {
		k.WeeklyHours = p.HoursPerWeek
	}
	return k
}

// SuggestConstraints are the constraints a suggestion for the person uses
// when a face sets k: k completed from the person's file (FitPerson), so
// that a face can show them before it asks.
func (a *App) SuggestConstraints(ctx context.Context, personID string, k catalog.Constraints) (catalog.Constraints, error) {
	p, err := a.people.Person(ctx, personID)
	if err != nil {
		return k, err
	}
	return FitPerson(p, k), nil
}

// AnyRegion in Constraints.Regions lets every region fit: the counsellor
// widened a person's stated mobility to "anywhere" for one suggestion.
const AnyRegion = ""

// ReachConstraints is k with the regions and modes that mobility m gives
// from the person's home region (catalog.Reach), for a suggestion in which
// the counsellor changes the person's mobility: online only keeps to
// online offers; anywhere lifts the file's limit (AnyRegion). m "" leaves
// k as it is (the file's mobility applies).
func (a *App) ReachConstraints(ctx context.Context, personID string, k catalog.Constraints, m catalog.Mobility) (catalog.Constraints, error) {
	if m == "" {
		return k, nil
	}
	p, err := a.gate(ctx, personID, sessions.OpViewPerson)
	if err != nil {
		return k, err
	}
	regions, onlineOnly := catalog.Reach(p.Region, m)
	switch {
	case onlineOnly:
		k.Modes, k.Regions = []catalog.Mode{catalog.ModeOnline}, nil
	case len(regions) == 0:
		k.Regions = []string{AnyRegion}
	default:
		k.Regions = regions
	}
	return k, nil
}
