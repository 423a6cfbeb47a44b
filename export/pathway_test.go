package export

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

func TestFromPlan(t *testing.T) {
	price := catalog.Money(48000)
	offer := catalog.Offer{ID: "o1", Source: "s", SourceID: "DL-101", Title: "Data-analyse met Python", Provider: "DigiLab Gent",
		AwardingBody: "DigiLab vzw", Country: "BE", EQF: 5, ECTS: fptr(4), Price: &price, Mode: catalog.ModeBlended,
		Start: catalog.NewDate(2027, 1, 11), End: catalog.NewDate(2027, 3, 26), Assessment: "Project", QA: "Erkend",
		Outcomes: []catalog.Outcome{{Text: "Analyseren"}}}
	in := PathwayInput{
		Plan: sessions.Plan{ID: "plan-1", Agreed: true, OccupationURI: "http://data.europa.eu/esco/occupation/x", OccupationLabel: "data-analist",
			Steps: []sessions.Step{
				{ID: "s1", OfferID: "o1", Status: sessions.StepPlanned, Funding: []sessions.FundingLine{{Scheme: "ila", Amount: 48000, Reserved: 48000}, {Scheme: "voucher", Amount: 0}}},
				{ID: "s2", OfferID: "o1", Status: sessions.StepDropped, Title: "weg"},
				{ID: "s3", Kind: sessions.KindGuidance, Title: "Validatie van competenties", Status: sessions.StepPlanned, Start: catalog.NewDate(2027, 5, 1)},
			}},
		Offers:   map[string]catalog.Offer{"o1": offer},
		Totals:   sessions.PlanTotals{Steps: 2, ECTS: 4, Cost: 48000, OutOfPocket: 8000, Schemes: []sessions.SchemeTotal{{Scheme: "ila", Unit: "EUR", Asked: 40000, Reserved: 40000}}},
		Warnings: []sessions.Warning{{StepID: "s1", Code: sessions.WarnPastStart, Date: catalog.NewDate(2027, 1, 11)}, {StepID: "s3", Code: "new_check"}},
		Gap: &catalog.Gap{Essential: catalog.GapPart{Total: 3,
			Covered: []catalog.SkillRef{{URI: "u1", Label: "rekenen"}},
			Planned: []catalog.PlannedSkill{{SkillRef: catalog.SkillRef{URI: "u2", Label: "analyseren"}, Steps: []string{"s1"}}},
			Missing: []catalog.MissingSkill{{SkillRef: catalog.SkillRef{URI: "u3", Label: "SQL"}}}}},
		Schemes: sessions.DefaultSchemes(),
	}
	pw := FromPlan(in, trFor("nl"))
	if pw.Status != "agreed" || pw.Target == nil || pw.Target.Label != "data-analist" {
		t.Errorf("status/target: %+v %+v", pw.Status, pw.Target)
	}
	if len(pw.Steps) != 2 {
		t.Fatalf("want the 2 active steps, got %d", len(pw.Steps))
	}
	s := pw.Steps[0]
	if s.Title != offer.Title || s.AwardingBody != "DigiLab vzw" || s.Start != offer.Start || s.Cost == nil || *s.Cost != 48000 || s.Currency != "EUR" {
		t.Errorf("step from offer: %+v", s)
	}
	if len(s.Funding) != 1 || s.Funding[0].Unit != UnitEUR {
		t.Errorf("funding lines (zero lines dropped, unit from scheme): %+v", s.Funding)
	}
	if g := pw.Steps[1]; g.Title != "Validatie van competenties" || g.Start != catalog.NewDate(2027, 5, 1) {
		t.Errorf("guidance step: %+v", g)
	}
	if pw.Totals.Funded != 40000 || pw.Asked["ila"] != 40000 || pw.Reserved["ila"] != 40000 {
		t.Errorf("totals: %+v asked %v reserved %v", pw.Totals, pw.Asked, pw.Reserved)
	}
	if c := pw.Coverage; c == nil || len(c.Covered) != 1 || len(c.Planned) != 1 || c.Missing[0].Label != "SQL" {
		t.Errorf("coverage: %+v", pw.Coverage)
	}
	if len(pw.Warnings) != 2 || !strings.Contains(pw.Warnings[0], "Data-analyse met Python: de startdatum 11-01-2027 is voorbij") || !strings.Contains(pw.Warnings[1], "new_check") {
		t.Errorf("warnings: %q", pw.Warnings)
	}
}

// TestFundingSummary: a scheme the plan asks of but the person holds no
// account in still shows, in its unit, with nothing available.
func TestFundingSummary(t *testing.T) {
	fs := fundingSummary([]Scheme{{Code: "ila", Unit: UnitEUR, Available: 50000}}, Pathway{
		Reserved: map[string]int64{"ila": 20000},
		Asked:    map[string]int64{"ila": 30000, "leave": 600},
		Units:    map[string]Unit{"ila": UnitEUR, "leave": UnitHours},
	})
	want := []Scheme{{Code: "ila", Unit: UnitEUR, Available: 70000, Planned: 30000}, {Code: "leave", Unit: UnitHours, Planned: 600}}
	if diff := cmp.Diff(want, fs, dateCmp); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if fs[1].Remaining() != -600 {
		t.Errorf("remaining %d", fs[1].Remaining())
	}
}
