package sample

import (
	"slices"
	"testing"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/esco"
)

// TestDemoOccupationsCovered: for each demo occupation, the sample offers
// in each of Dutch, French and English teach at least 70 % of its
// essential skills (ESCO v1.1.1, from the snapshot that ships with koers),
// from providers in more than one region, and stack towards a certificate.
func TestDemoOccupationsCovered(t *testing.T) {
	demo := map[string]string{
		"data analyst":         "d3edb8f8-3a06-47a0-8fb9-9b212c006aa2",
		"nurse assistant":      "87d0795a-d41f-47ee-979f-0ab7d73836e7",
		"electrician":          "4910419f-b4af-4f59-b544-9dbebc8a74f0",
		"accounting assistant": "bfe142b9-a049-4d41-89c4-fd2f34ac56b6",
		"web developer":        "c40a2919-48a9-40ea-b506-1f34f693496d",
		"warehouse worker":     "bea705fe-06ac-4147-b8e0-6e8ac1208d8f",
	}
	essential := map[string][]string{}
	if _, err := esco.Read(catalog.ESCOVisitor{Relation: func(r catalog.OccupationSkill) error {
		if r.Essential {
			essential[r.OccupationURI] = append(essential[r.OccupationURI], r.SkillURI)
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	all := offers(t)
	for name, uuid := range demo {
		t.Run(name, func(t *testing.T) {
			ess := essential[esco.OccupationPrefix+uuid]
			if len(ess) < 10 {
				t.Fatalf("%d essential skills", len(ess))
			}
			for _, lang := range []string{"nl", "fr", "en"} {
				taught := map[string]bool{}
				regions := map[string]bool{}
				stackable := 0
				for _, o := range all {
					if !slices.Contains(o.Languages, lang) {
						continue
					}
					hit := false
					for _, s := range o.Skills() {
						for _, e := range ess {
							if s.URI == e {
								taught[e], hit = true, true
							}
						}
					}
					if hit {
						regions[o.Region] = true
						if o.Stackability == "stackable" {
							stackable++
						}
					}
				}
				if share := float64(len(taught)) / float64(len(ess)); share < 0.7 {
					t.Errorf("%s: sample teaches %d of %d essential skills (%.0f %%), want ≥ 70 %%", lang, len(taught), len(ess), 100*share)
				}
				if stackable == 0 {
					t.Errorf("%s: no stackable module", lang)
				}
				if lang != "en" && len(regions) < 2 {
					t.Errorf("%s: offers in %d region(s), want several", lang, len(regions))
				}
			}
		})
	}
}
