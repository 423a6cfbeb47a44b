package app

import (
	"slices"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

func TestFitPerson(t *testing.T) {
	amelie := sessions.Person{Language: "fr", Region: "BE32", Mobility: "province", Modes: []catalog.Mode{catalog.ModeOnsite, catalog.ModeOnline}, HoursPerWeek: 10}
	cases := []struct {
		name  string
		p     sessions.Person
		k     catalog.Constraints
		check func(t *testing.T, k catalog.Constraints)
	}{
		{"from the file", amelie, catalog.Constraints{}, func(t *testing.T, k catalog.Constraints) {
			if !slices.Equal(k.Languages, []string{"fr"}) || !slices.Equal(k.Regions, []string{"BE32"}) || len(k.Modes) != 2 || k.WeeklyHours != 10 {
				t.Errorf("constraints = %+v", k)
			}
		}},
		{"flags win", amelie, catalog.Constraints{Languages: []string{"nl"}, Region: "BE2", Modes: []catalog.Mode{catalog.ModeBlended}, WeeklyHours: 4}, func(t *testing.T, k catalog.Constraints) {
			if !slices.Equal(k.Languages, []string{"nl"}) || k.Regions != nil || !slices.Equal(k.Modes, []catalog.Mode{catalog.ModeBlended}) || k.WeeklyHours != 4 {
				t.Errorf("constraints = %+v", k)
			}
		}},
		{"online only", sessions.Person{Languages: []string{"fr", "en"}, Mobility: "online"}, catalog.Constraints{}, func(t *testing.T, k catalog.Constraints) {
			if !slices.Equal(k.Languages, []string{"fr", "en"}) || !slices.Equal(k.Modes, []catalog.Mode{catalog.ModeOnline}) || k.Regions != nil {
				t.Errorf("constraints = %+v", k)
			}
		}},
		{"neighbours", sessions.Person{Region: "BE322", Mobility: "neighbours"}, catalog.Constraints{}, func(t *testing.T, k catalog.Constraints) {
			if !slices.Contains(k.Regions, "BE32") || !slices.Contains(k.Regions, "BE35") || slices.Contains(k.Regions, "BE21") {
				t.Errorf("regions = %v", k.Regions)
			}
		}},
		{"older free-text mobility limits nothing", sessions.Person{Region: "BE32", Mobility: "has a bike"}, catalog.Constraints{}, func(t *testing.T, k catalog.Constraints) {
			if k.Regions != nil || k.Modes != nil || k.Languages != nil {
				t.Errorf("constraints = %+v", k)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, FitPerson(c.p, c.k)) })
	}
}
