package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/koers-project/koers/catalog"
)

// seriesOffers makes the larger credential of s and its modules: each
// module stacks towards the whole and is a prerequisite of the next.
func seriesOffers(rng *rand.Rand, s series, uris map[string]string) ([]catalog.Offer, error) {
	p, err := findProvider(s.provider)
	if err != nil {
		return nil, err
	}
	wholeID := "series-" + s.key
	start := catalog.NewDate(2026, time.September, 14).AddDays(7 * rng.IntN(20))
	mk := func(m module, id string, hoursEach float64) (catalog.Offer, error) {
		o := base(rng, p, s.lang, seriesISCED[s.key])
		o.SourceID = id
		o.Title, o.TitleI18n = pick(m.title, s.lang), others(m.title, s.lang)
		o.EQF = catalog.EQF(m.eqf)
		o.Mode = catalog.Mode(s.mode)
		o.Assessment = "project"
		o.Supervision = "none"
		o.Grade = "0-20"
		if m.ects > 0 {
			e := m.ects
			h := e * 27
			o.ECTS, o.Hours = &e, &h
		} else {
			h := hoursEach
			o.Hours = &h
		}
		var err error
		if o.Outcomes, err = outcomes(m.skills, s.lang, uris); err != nil {
			return o, fmt.Errorf("series %s: %w", s.key, err)
		}
		o.Schemes = []string{"ila"}
		if p.country == "BE" {
			o.Schemes = append(o.Schemes, "leave")
		}
		o.URL = fmt.Sprintf("https://%s.example/%s", slug(p.name), slug(m.title.en))
		return o, nil
	}
	whole, err := mk(s.whole, wholeID, 120*float64(len(s.modules)))
	if err != nil {
		return nil, err
	}
	wholeText := text{
		fmt.Sprintf("Awarded when all %d modules of the series are completed; each module is a micro-credential on its own.", len(s.modules)),
		fmt.Sprintf("Behaald na de %d modules van de reeks; elke module is een microcredential op zich.", len(s.modules)),
		fmt.Sprintf("Délivré après les %d modules de la série ; chaque module est une micro-certification à part entière.", len(s.modules)),
	}
	whole.Description = describe(rng, pick(wholeText, s.lang), p, s.lang, whole.Mode)
	whole.DescI18n = others(wholeText, s.lang)
	whole.Start = start
	whole.End = start.AddDays(7*10*len(s.modules) - 3)
	whole.ApplyBy = start.AddDays(-21)
	whole.Price, whole.Currency = money(s.price*len(s.modules)), "EUR"
	for i := range s.modules {
		whole.Relations = append(whole.Relations, catalog.Relation{Kind: catalog.PartOf, Target: moduleID(s, i), Label: pick(s.modules[i].title, s.lang)})
	}
	out := []catalog.Offer{whole}
	for i, m := range s.modules {
		o, err := mk(m, moduleID(s, i), 120)
		if err != nil {
			return nil, err
		}
		o.Stackability = "stackable"
		modText := text{
			fmt.Sprintf("Module %d of %d, stacking towards %s.", i+1, len(s.modules), s.whole.title.en),
			fmt.Sprintf("Module %d van %d, stapelbaar naar %s.", i+1, len(s.modules), s.whole.title.nl),
			fmt.Sprintf("Module %d sur %d, cumulable vers %s.", i+1, len(s.modules), s.whole.title.fr),
		}
		o.Description = describe(rng, pick(modText, s.lang), p, s.lang, o.Mode)
		o.DescI18n = others(modText, s.lang)
		o.Start = start.AddDays(70 * i)
		o.End = o.Start.AddDays(60)
		o.ApplyBy = o.Start.AddDays(-14)
		o.Price, o.Currency = money(s.price), "EUR"
		o.Relations = []catalog.Relation{{Kind: catalog.StacksTowards, Target: wholeID, Label: whole.Title}}
		if i > 0 {
			prev := pick(s.modules[i-1].title, s.lang)
			o.Prerequisites = []string{prev}
		}
		if i+1 < len(s.modules) {
			o.Relations = append(o.Relations, catalog.Relation{Kind: catalog.PrerequisiteOf, Target: moduleID(s, i+1), Label: pick(s.modules[i+1].title, s.lang)})
		}
		out = append(out, o)
	}
	return out, nil
}

// seriesISCED is the ISCED-F field of each series.
var seriesISCED = map[string]string{"ds": "0688", "reno": "0732", "zorg": "0913", "gpn": "0413", "ce": "0521", "log": "1041"}

func moduleID(s series, i int) string { return fmt.Sprintf("series-%s-%d", s.key, i+1) }

func money(eur int) *catalog.Money {
	m := catalog.Money(eur * 100)
	return &m
}
