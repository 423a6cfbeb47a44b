package main

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/esco"
)

// demoOccupation is an ESCO occupation the sample register can take a person
// most of the way to: series of modules that together teach DemoCoverage
// of its essential skills, from providers in several regions, in Dutch,
// French and English.
type demoOccupation struct {
	key   string
	uuid  string // ESCO occupation UUID
	title text   // the series' name
	isced string
}

// demoOccupations are the occupations of the demo pathways.
var demoOccupations = []demoOccupation{
	{"da", "d3edb8f8-3a06-47a0-8fb9-9b212c006aa2", text{"Data analyst pathway", "Traject data-analist", "Parcours analyste de données"}, "0688"},
	{"na", "87d0795a-d41f-47ee-979f-0ab7d73836e7", text{"Nurse assistant pathway", "Traject verpleeghulp", "Parcours aide-soignant"}, "0913"},
	{"el", "4910419f-b4af-4f59-b544-9dbebc8a74f0", text{"Electrician pathway", "Traject elektricien", "Parcours électricien"}, "0713"},
	{"aa", "bfe142b9-a049-4d41-89c4-fd2f34ac56b6", text{"Accounting assistant pathway", "Traject assistent-boekhouder", "Parcours assistant comptable"}, "0411"},
	{"wd", "c40a2919-48a9-40ea-b506-1f34f693496d", text{"Web developer pathway", "Traject webontwikkelaar", "Parcours développeur web"}, "0613"},
	{"ww", "bea705fe-06ac-4147-b8e0-6e8ac1208d8f", text{"Warehouse worker pathway", "Traject magazijnmedewerker", "Parcours magasinier"}, "1041"},
}

// DemoCoverage is the share of an occupation's essential skills its demo
// modules teach together; demoModules is how many modules share them (at
// most catalog.DefaultMaxSteps, so that one suggestion can hold them all).
const (
	demoCoverage = 0.8
	demoModules  = 6
)

// demoProvider runs the demo series in one language and region.
type demoProvider struct {
	key                string
	name, region, city string
	lang               string
	mode               catalog.Mode
	price              int // euros per module; 0: free for jobseekers and workers
	hours              float64
	qa                 string
	schemes            []string
	country            string
}

// demoProviders: two regions per national language, one online provider
// in English and one in French, so that a person who cannot travel still
// has a way.
var demoProviders = []demoProvider{
	{"ant", "Opleidingshuis Antwerpen", "BE21", "Antwerpen", "nl", catalog.ModeOnsite, 0, 32, "accredited-programme", []string{"ila", "leave"}, "BE"},
	{"gnt", "Competentiecentrum Gent", "BE23", "Gent", "nl", catalog.ModeBlended, 60, 28, "recognised-provider", []string{"ila", "leave"}, "BE"},
	{"crl", "Centre de formation Charleroi Sud", "BE32", "Charleroi", "fr", catalog.ModeOnsite, 0, 32, "accredited-programme", []string{"ila", "leave"}, "BE"},
	{"lge", "Espace Compétences Liège", "BE33", "Liège", "fr", catalog.ModeBlended, 60, 28, "recognised-provider", []string{"ila", "leave"}, "BE"},
	{"frx", "Campus numérique Wallonie", "BE35", "online", "fr", catalog.ModeOnline, 40, 24, "recognised-provider", []string{"ila", "leave"}, "BE"},
	{"enx", "Open Skills Academy Luxembourg", "LU00", "online", "en", catalog.ModeOnline, 80, 24, "eqavet", []string{"ila"}, "LU"},
}

// demoSkill is an essential skill with its ESCO labels.
type demoSkill struct {
	uri    string
	labels map[string]string
}

// readDemoSkills reads, from the ESCO snapshot that ships with koers, the
// essential skills of every demo occupation, in English label order.
func readDemoSkills() (map[string][]demoSkill, map[string]map[string]string, error) {
	want := map[string]string{}
	for _, d := range demoOccupations {
		want[esco.OccupationPrefix+d.uuid] = d.key
	}
	labels := map[string]map[string]string{}
	ess := map[string][]string{}
	_, err := esco.Read(catalog.ESCOVisitor{
		Concept: func(c catalog.Concept) error {
			if labels[c.URI] == nil {
				labels[c.URI] = map[string]string{}
			}
			labels[c.URI][c.Lang] = c.Preferred
			return nil
		},
		Relation: func(r catalog.OccupationSkill) error {
			if k, ok := want[r.OccupationURI]; ok && r.Essential {
				ess[k] = append(ess[k], r.SkillURI)
			}
			return nil
		},
	})
	if err != nil {
		return nil, nil, err
	}
	out := map[string][]demoSkill{}
	for _, d := range demoOccupations {
		uris := ess[d.key]
		if len(uris) == 0 {
			return nil, nil, fmt.Errorf("demo occupation %s: no essential skills in the ESCO snapshot", d.uuid)
		}
		for _, u := range uris {
			out[d.key] = append(out[d.key], demoSkill{uri: u, labels: labels[u]})
		}
		slices.SortFunc(out[d.key], func(a, b demoSkill) int {
			return strings.Compare(a.labels["en"]+a.uri, b.labels["en"]+b.uri)
		})
	}
	return out, labels, nil
}

// label is the skill's ESCO label in lang, else in English (the Dutch and
// French ESCO files label only part of the skills).
func (s demoSkill) label(lang string) string {
	if l := s.labels[lang]; l != "" {
		return l
	}
	return s.labels["en"]
}

// demoOffers makes, per demo occupation and provider, a stackable series:
// demoModules stand-alone modules (no prerequisites, open enrolment) that
// stack towards a certificate, together teaching demoCoverage of the
// occupation's essential skills.
func demoOffers() ([]catalog.Offer, error) {
	skills, labels, err := readDemoSkills()
	if err != nil {
		return nil, err
	}
	var out []catalog.Offer
	for _, d := range demoOccupations {
		ss := skills[d.key]
		taught := ss[:int(math.Ceil(demoCoverage*float64(len(ss))))]
		chunks := make([][]demoSkill, demoModules)
		for i, s := range taught {
			chunks[i%demoModules] = append(chunks[i%demoModules], s)
		}
		occ := labels[esco.OccupationPrefix+d.uuid]
		for _, p := range demoProviders {
			wholeID := fmt.Sprintf("demo-%s-%s", d.key, p.key)
			mk := func(id string, title text) catalog.Offer {
				o := catalog.Offer{
					Source: source, SourceID: id, Provider: p.name, AwardingBody: p.name,
					Country: p.country, Region: p.region, QA: p.qa, Languages: []string{p.lang},
					ISCED: d.isced, Status: catalog.StatusActive, Mode: p.mode,
					Title: pick(title, p.lang), TitleI18n: others(title, p.lang),
					EQF: 4, Assessment: "project", Supervision: "none", Grade: "pass-fail",
					Schemes: p.schemes, URL: fmt.Sprintf("https://%s.example/%s", slug(p.name), id),
				}
				if p.city != "online" {
					o.Location = p.city
				}
				if p.price > 0 {
					o.Price, o.Currency = money(p.price), "EUR"
				} else {
					o.Price, o.Currency = money(0), "EUR"
				}
				return o
			}
			wholeTitle := text{
				fmt.Sprintf("%s: certificate (%d modules)", d.title.en, demoModules),
				fmt.Sprintf("%s: certificaat (%d modules)", d.title.nl, demoModules),
				fmt.Sprintf("%s : certificat (%d modules)", d.title.fr, demoModules),
			}
			whole := mk(wholeID, wholeTitle)
			h := p.hours * demoModules
			whole.Hours = &h
			whole.Price = money(p.price * demoModules)
			whole.Stackability = "stand-alone"
			wholeDesc := text{
				fmt.Sprintf("Awarded when all %d modules are completed; prepares for the occupation %s (ESCO).", demoModules, occ["en"]),
				fmt.Sprintf("Behaald na de %d modules; bereidt voor op het beroep %s (ESCO).", demoModules, firstNonEmpty(occ["nl"], occ["en"])),
				fmt.Sprintf("Délivré après les %d modules ; prépare au métier %s (ESCO).", demoModules, firstNonEmpty(occ["fr"], occ["en"])),
			}
			whole.Description, whole.DescI18n = pick(wholeDesc, p.lang), others(wholeDesc, p.lang)
			var mods []catalog.Offer
			for i, ch := range chunks {
				id := fmt.Sprintf("%s-%d", wholeID, i+1)
				first := ch[0]
				title := text{
					fmt.Sprintf("%s %d/%d: %s", d.title.en, i+1, demoModules, first.label("en")),
					fmt.Sprintf("%s %d/%d: %s", d.title.nl, i+1, demoModules, first.label("nl")),
					fmt.Sprintf("%s %d/%d : %s", d.title.fr, i+1, demoModules, first.label("fr")),
				}
				o := mk(id, title)
				hrs := p.hours
				o.Hours = &hrs
				o.Stackability = "stackable"
				desc := text{
					fmt.Sprintf("Module %d of %d, stacking towards %s.", i+1, demoModules, wholeTitle.en),
					fmt.Sprintf("Module %d van %d, stapelbaar naar %s.", i+1, demoModules, wholeTitle.nl),
					fmt.Sprintf("Module %d sur %d, cumulable vers %s.", i+1, demoModules, wholeTitle.fr),
				}
				o.Description, o.DescI18n = pick(desc, p.lang), others(desc, p.lang)
				for _, s := range ch {
					o.Outcomes = append(o.Outcomes, catalog.Outcome{Text: s.label(p.lang), Skills: []catalog.SkillRef{{URI: s.uri, Label: s.labels["en"]}}})
				}
				o.Relations = []catalog.Relation{{Kind: catalog.StacksTowards, Target: wholeID, Label: whole.Title}}
				whole.Relations = append(whole.Relations, catalog.Relation{Kind: catalog.PartOf, Target: id, Label: o.Title})
				whole.Outcomes = append(whole.Outcomes, o.Outcomes...)
				mods = append(mods, o)
			}
			out = append(out, whole)
			out = append(out, mods...)
		}
	}
	return out, nil
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}
