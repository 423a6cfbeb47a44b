package export

import (
	"fmt"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
)

var testNow = time.Date(2026, 12, 3, 14, 30, 0, 0, time.UTC)

func fptr(v float64) *float64 { return &v }

func mptr(m catalog.Money) *catalog.Money { return &m }

// samplePlan is a hand-built plan with Dutch and French text (é, ë, ç, ’, €).
func samplePlan() *Plan {
	return &Plan{
		ID:         "0193a1b2-0000-7000-8000-000000000001",
		Status:     "agreed",
		Person:     Person{ID: "0193a1b2-0000-7000-8000-0000000000aa", Name: "Zoë Françoise D’Hondt", Language: "nl", Country: "BE"},
		Counsellor: "Léa Verstraete",
		Generated:  testNow,
		Target:     &Target{URI: "http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30", Label: "data-analist"},
		Goals: []Goal{
			{Type: "training", Text: "Werk vinden als data-analist", Due: catalog.NewDate(2027, 9, 1), Status: "open"},
		},
		Steps: []Step{
			{
				ID: "step-1", OfferID: "0193a1b2-0000-7000-8000-00000000f001", Source: "sample", SourceID: "DL-101",
				Title: "Data-analyse met Python", Provider: "DigiLab Gent", AwardingBody: "DigiLab Gent vzw",
				Country: "BE", Region: "BE234", URL: "https://example.org/dl-101",
				Start: catalog.NewDate(2027, 1, 11), End: catalog.NewDate(2027, 3, 26),
				Mode: catalog.ModeBlended, EQF: 5, ECTS: fptr(4), Hours: fptr(100),
				Cost: mptr(48000), Currency: "EUR",
				Funding: []Funding{{Scheme: "ila", Unit: UnitEUR, Amount: 48000}, {Scheme: "leave", Unit: UnitHours, Amount: 100 * 60}},
				Outcomes: []catalog.Outcome{
					{Text: "Gegevens opschonen en analyseren met pandas", Skills: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/aaaa", Label: "gegevens analyseren"}}},
					{Text: "Resultaten visualiseren"},
				},
				Assessment: "Project en mondelinge verdediging", QA: "Erkend door het Departement Onderwijs",
				Prerequisites: []string{"Basiskennis Excel"}, Languages: []string{"nl"}, ISCED: "0613",
			},
			{
				ID: "step-2", OfferID: "0193a1b2-0000-7000-8000-00000000f002", Source: "sample", SourceID: "EPS-7",
				Title: "Gestion de projet agile – certificat", Provider: "EPS Namur", AwardingBody: "Fédération Wallonie-Bruxelles",
				Country: "BE", Start: catalog.NewDate(2027, 4, 12), End: catalog.NewDate(2027, 6, 18),
				Mode: catalog.ModeOnsite, EQF: 6, ECTS: fptr(3), Hours: fptr(75.5),
				Cost: mptr(35050), Currency: "EUR",
				Funding:    []Funding{{Scheme: "voucher", Unit: UnitEUR, Amount: 17525}},
				Outcomes:   []catalog.Outcome{{Text: "Piloter un projet en sprints, avec l’équipe"}},
				Assessment: "Étude de cas écrite", QA: "Agréé par l’AEQES", Languages: []string{"fr"},
			},
			{
				ID: "step-3", Title: "Communicatie op de werkvloer", Provider: "CVO Noord",
				Mode: catalog.ModeOnline, EQF: catalog.EQFNotApplicable, Hours: fptr(20), Cost: mptr(0), Currency: "EUR",
			},
		},
		Funding: []Scheme{
			{Code: "ila", Name: "Individuele leerrekening", Unit: UnitEUR, Available: 124000, Planned: 48000, AsOf: catalog.NewDate(2026, 12, 1)},
			{Code: "leave", Name: "Betaald educatief verlof", Unit: UnitHours, Available: 125 * 60, Planned: 100 * 60, AsOf: catalog.NewDate(2026, 12, 1)},
			{Code: "voucher", Name: "Opleidingscheques", Unit: UnitEUR, Available: 25000, Planned: 17525, AsOf: catalog.NewDate(2026, 11, 30)},
		},
		Totals: Totals{ECTS: 7, Hours: 195.5, Cost: 83050, Funded: 65525, OutOfPocket: 17525, Currency: "EUR",
			Start: catalog.NewDate(2027, 1, 11), End: catalog.NewDate(2027, 6, 18)},
		Coverage: &Coverage{
			Covered: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/bbbb", Label: "rekenvaardigheid"}},
			Planned: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/aaaa", Label: "gegevens analyseren"}},
			Missing: []catalog.SkillRef{{URI: "http://data.europa.eu/esco/skill/cccc", Label: "SQL gebruiken"}},
		},
		Actions: []Action{
			{ID: "act-1", Summary: "Inschrijven voor Data-analyse met Python", Owner: "Zoë", Due: catalog.NewDate(2026, 12, 18), Status: "open"},
			{ID: "act-2", Summary: "Attest educatief verlof aanvragen bij werkgever", Owner: "Léa Verstraete", Due: catalog.NewDate(2027, 1, 4), Status: "open"},
		},
		Next:     &Meeting{ID: "sess-9", At: time.Date(2027, 2, 15, 9, 30, 0, 0, time.UTC), Channel: "face-to-face", Venue: "VDAB Gent, Kongostraat 7"},
		Warnings: []string{"Stap 2 overlapt niet met stap 1."},
	}
}

// bigPlan is a plan with n steps, for page breaks and the benchmark.
func bigPlan(n int) *Plan {
	p := samplePlan()
	base := p.Steps[0]
	p.Steps = nil
	for i := range n {
		s := base
		s.ID = fmt.Sprintf("step-%02d", i+1)
		s.Title = fmt.Sprintf("Module %d: %s", i+1, []string{"Data-analyse met Python", "Gestion de projet – niveau avancé", "Communicatie en klantgerichtheid"}[i%3])
		s.Start = catalog.NewDate(2027, 1, 4).AddDays(21 * i)
		s.End = s.Start.AddDays(18)
		p.Steps = append(p.Steps, s)
	}
	return p
}

func trFor(lang string) *locale.Tr { return locale.Must().For(lang) }

func opts(lang string) Options {
	return Options{Tr: trFor(lang), Now: func() time.Time { return testNow }}
}

// dateCmp compares catalog dates (their field is unexported).
var dateCmp = cmp.Comparer(func(a, b catalog.Date) bool { return a == b })
