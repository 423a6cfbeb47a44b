package export

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// Source is what Build reads about a person; *store.Store satisfies it.
type Source interface {
	Person(ctx context.Context, id string) (sessions.Person, error)
	Balances(ctx context.Context, personID string) ([]sessions.Balance, error)
	Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error)
	OpenActions(ctx context.Context, personID string) ([]sessions.Action, error)
}

// Pathway is the plan side of the document: the agreed plan's steps with
// their register entries, totals, checks and skill coverage, already
// assembled (see FromPlan).
type Pathway struct {
	PlanID   string
	Status   string
	Target   *Target
	Steps    []Step
	Totals   Totals
	Coverage *Coverage
	Warnings []string
	// Reserved is what the plan already holds in reserve per scheme (minor
	// units); it counts as available to the plan in the funding summary.
	Reserved map[string]int64
	// Asked is what the plan asks of each scheme (minor units).
	Asked map[string]int64
	// Units are the schemes' units, by code.
	Units map[string]Unit
}

// BuildOptions say what goes into the document.
type BuildOptions struct {
	// Counsellor is who hands the plan over.
	Counsellor string
	// Notes includes the session notes (restricted: only when asked for).
	Notes bool
	// Now is the clock; it dates the document and picks the next appointment.
	Now func() time.Time
	// Pathway loads the person's agreed plan; nil leaves the pathway empty.
	Pathway func(ctx context.Context, personID string) (Pathway, error)
	// SchemeName labels a scheme code in the document language.
	SchemeName func(code string) string
}

// Build assembles the document for personID from the store: who and when,
// goals, the agreed pathway, the funding summary per scheme with its as-of
// date, open actions, the next appointment and, only if opt.Notes, the
// session notes.
func Build(ctx context.Context, src Source, personID string, opt BuildOptions) (*Plan, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	now := opt.Now().UTC()
	person, err := src.Person(ctx, personID)
	if err != nil {
		return nil, fmt.Errorf("person %s: %w", personID, err)
	}
	p := &Plan{
		ID:         person.ID,
		Person:     Person{ID: person.ID, Name: person.Name, Language: person.Language},
		Counsellor: opt.Counsellor,
		Generated:  now.Truncate(time.Second),
		Steps:      []Step{},
	}
	var pw Pathway
	if opt.Pathway != nil {
		pw, err = opt.Pathway(ctx, personID)
		if err != nil {
			return nil, fmt.Errorf("plan of %s: %w", personID, err)
		}
		p.ID, p.Status, p.Target, p.Steps, p.Totals, p.Coverage, p.Warnings = pw.PlanID, pw.Status, pw.Target, pw.Steps, pw.Totals, pw.Coverage, pw.Warnings
		if p.ID == "" {
			p.ID = person.ID
		}
	}
	balances, err := src.Balances(ctx, personID)
	if err != nil {
		return nil, fmt.Errorf("balances of %s: %w", personID, err)
	}
	for _, b := range balances {
		if b.AsOf.IsZero() && b.Balance == 0 {
			continue // the person holds no such account
		}
		p.Funding = append(p.Funding, Scheme{Code: b.Scheme, Unit: Unit(b.Unit), Available: b.Available, AsOf: catalog.DateOf(b.AsOf)})
	}
	p.Funding = fundingSummary(p.Funding, pw)
	for i := range p.Funding {
		if p.Funding[i].Name == "" && opt.SchemeName != nil {
			p.Funding[i].Name = opt.SchemeName(p.Funding[i].Code)
		}
	}
	ss, err := src.Sessions(ctx, personID, opt.Notes)
	if err != nil {
		return nil, fmt.Errorf("sessions of %s: %w", personID, err)
	}
	// Sessions come newest first; the document reads oldest first.
	for i := len(ss) - 1; i >= 0; i-- {
		g := ss[i]
		for _, goal := range g.Goals {
			if goal.Status == "dropped" {
				continue
			}
			p.Goals = append(p.Goals, Goal{Type: goal.Type, Text: goal.Summary, Due: goal.Target, Status: goal.Status})
		}
		if opt.Notes {
			for _, n := range g.Notes {
				p.Notes = append(p.Notes, Note{At: g.At.UTC(), Text: n})
			}
		}
		if !g.Next.IsZero() && !g.Next.Before(now) && (p.Next == nil || g.Next.After(p.Next.At)) {
			p.Next = &Meeting{ID: g.ID, At: g.Next.UTC(), Channel: string(g.Channel), Venue: g.Venue}
		}
	}
	actions, err := src.OpenActions(ctx, personID)
	if err != nil {
		return nil, fmt.Errorf("actions of %s: %w", personID, err)
	}
	for _, a := range actions {
		p.Actions = append(p.Actions, Action{ID: a.ID, Summary: a.Summary, Owner: a.Owner, Due: a.Due, Status: a.Status})
	}
	return p, nil
}

// fundingSummary adds what the plan asks of each scheme, and counts what
// it already holds in reserve as available to it.
func fundingSummary(fs []Scheme, pw Pathway) []Scheme {
	for i := range fs {
		fs[i].Available += pw.Reserved[fs[i].Code]
		fs[i].Planned = pw.Asked[fs[i].Code]
	}
	for code, v := range pw.Asked {
		if v > 0 && !slices.ContainsFunc(fs, func(s Scheme) bool { return s.Code == code }) {
			fs = append(fs, Scheme{Code: code, Unit: pw.Units[code], Planned: v})
		}
	}
	slices.SortStableFunc(fs, func(a, b Scheme) int { return compareStr(a.Code, b.Code) })
	return fs
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
