package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
)

// source is the register source of every sample offer.
const source = "sample"

// build makes every offer of the sample register, in a fixed order.
func build(uris map[string]string) ([]catalog.Offer, error) {
	rng := rand.New(rand.NewPCG(2026, 1209))
	var offers []catalog.Offer
	n := 0
	for _, c := range courses {
		var cands []provider
		for _, p := range providers {
			if has(p.themes, c.theme) {
				cands = append(cands, p)
			}
		}
		if len(cands) == 0 {
			return nil, fmt.Errorf("course %q: no provider for theme %s", c.title.en, c.theme)
		}
		k := min(len(cands), 7+rng.IntN(2))
		for _, i := range rng.Perm(len(cands))[:k] {
			n++
			o, err := courseOffer(rng, n, c, cands[i], uris)
			if err != nil {
				return nil, err
			}
			offers = append(offers, o)
		}
	}
	for _, s := range allSeries {
		os, err := seriesOffers(rng, s, uris)
		if err != nil {
			return nil, err
		}
		offers = append(offers, os...)
	}
	demo, err := demoOffers()
	if err != nil {
		return nil, err
	}
	return append(offers, demo...), nil
}

func has(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func findProvider(name string) (provider, error) {
	for _, p := range providers {
		if p.name == name {
			return p, nil
		}
	}
	return provider{}, fmt.Errorf("no provider %q", name)
}

// variants are optional title suffixes; the int shifts the EQF level.
var variants = map[string][]struct {
	s     string
	shift int
}{
	"nl": {{" (avondopleiding)", 0}, {" – intensief", 0}, {" voor gevorderden", 1}, {" (basis)", -1}, {" – dagtraject", 0}},
	"en": {{" (evening course)", 0}, {" – bootcamp", 0}, {" – advanced", 1}, {" for beginners", -1}, {" (part-time)", 0}},
	"fr": {{" (cours du soir)", 0}, {" – intensif", 0}, {" – perfectionnement", 1}, {" – initiation", -1}, {" (en journée)", 0}},
}

func courseOffer(rng *rand.Rand, n int, c course, p provider, uris map[string]string) (catalog.Offer, error) {
	lang := p.lang
	if c.theme == "ict" && lang == "nl" && rng.IntN(5) == 0 {
		lang = "en"
	}
	if c.theme == "lang" {
		lang = p.lang // language courses are taught from the provider's language
	}
	eqf := c.eqf[0] + rng.IntN(c.eqf[1]-c.eqf[0]+1)
	title := pick(c.title, lang)
	i18n := others(c.title, lang)
	if rng.IntN(2) == 0 {
		v := variants[lang][rng.IntN(len(variants[lang]))]
		if e := eqf + v.shift; e >= 1 && e <= 8 {
			eqf = e
		}
		title += v.s
	}
	o := base(rng, p, lang, c.isced)
	o.SourceID = fmt.Sprintf("sample-%04d", n)
	o.Title, o.TitleI18n = title, i18n
	o.EQF = catalog.EQF(eqf)
	o.Mode = pickMode(rng, c.theme)
	o.Description = describe(rng, pick(c.desc, lang), p, lang, o.Mode)
	o.DescI18n = map[string]string{}
	for l, d := range others(c.desc, lang) {
		o.DescI18n[l] = d
	}
	hours := c.hours[0] + rng.IntN(c.hours[1]-c.hours[0]+1)
	setWorkload(rng, &o, hours, c.credits)
	o.Price = pickPrice(rng, c.price)
	if o.Price != nil {
		o.Currency = "EUR"
	}
	o.Assessment = c.assess[rng.IntN(len(c.assess))]
	o.Supervision = supervision(o.Assessment, o.Mode)
	if c.credits {
		o.Grade = "0-20"
	} else {
		o.Grade = "pass-fail"
	}
	if eqf >= 5 {
		o.Prerequisites = []string{pick(text{"Upper secondary education or equivalent experience", "Diploma secundair onderwijs of gelijkwaardige ervaring", "CESS ou expérience équivalente"}, lang)}
	}
	var err error
	if o.Outcomes, err = outcomes(c.skills, lang, uris); err != nil {
		return o, fmt.Errorf("course %q: %w", c.title.en, err)
	}
	dates(rng, &o, hours)
	o.Schemes = schemes(rng, p, o)
	o.URL = fmt.Sprintf("https://%s.example/%s", slug(p.name), slug(c.title.en))
	if rng.IntN(50) == 0 {
		o.Status = catalog.StatusWithdrawn
	}
	return o, nil
}

// base fills what every offer of provider p shares.
func base(rng *rand.Rand, p provider, lang, isced string) catalog.Offer {
	o := catalog.Offer{
		Source:       source,
		Provider:     p.name,
		AwardingBody: p.name,
		Country:      p.country,
		Region:       p.region,
		QA:           p.qa,
		Languages:    []string{lang},
		ISCED:        isced,
		Status:       catalog.StatusActive,
		Stackability: "stand-alone",
	}
	if p.awarder != "" {
		o.AwardingBody = p.awarder
	}
	if p.region == "BE10" && rng.IntN(3) == 0 && lang != "en" {
		o.Languages = append(o.Languages, map[string]string{"nl": "fr", "fr": "nl"}[lang])
	}
	if p.city != "online" {
		o.Location = p.city
	}
	return o
}

func pickMode(rng *rand.Rand, theme string) catalog.Mode {
	r := rng.IntN(100)
	switch theme {
	case "ict", "mgmt", "lang", "green":
		switch {
		case r < 40:
			return catalog.ModeOnline
		case r < 75:
			return catalog.ModeBlended
		case r < 97:
			return catalog.ModeOnsite
		}
		return catalog.ModeVolunteering
	case "care", "hosp":
		switch {
		case r < 65:
			return catalog.ModeOnsite
		case r < 85:
			return catalog.ModeBlended
		}
		return catalog.ModeWorkExperience
	}
	// practical trades are never online only
	switch {
	case r < 72:
		return catalog.ModeOnsite
	case r < 92:
		return catalog.ModeBlended
	}
	return catalog.ModeWorkExperience
}

func describe(rng *rand.Rand, d string, p provider, lang string, m catalog.Mode) string {
	where := p.city
	sched := []text{
		{"Evening classes twice a week.", "Avondles, twee keer per week.", "Cours du soir, deux fois par semaine."},
		{"Daytime classes with a practical project.", "Dagonderwijs met een praktijkproject.", "Cours en journée avec un projet pratique."},
		{"Self-paced with weekly coaching.", "In eigen tempo met wekelijkse coaching.", "À votre rythme avec un coaching hebdomadaire."},
		{"Small groups and plenty of practice.", "Kleine groepen en veel oefening.", "Petits groupes et beaucoup de pratique."},
		{"Open to job seekers and employees.", "Open voor werkzoekenden en werknemers.", "Ouvert aux demandeurs d'emploi et aux travailleurs."},
	}
	var how string
	switch lang {
	case "nl":
		how = fmt.Sprintf("Georganiseerd door %s", p.name)
		if m != catalog.ModeOnline && where != "online" {
			how += " in " + where
		}
	case "fr":
		how = fmt.Sprintf("Organisé par %s", p.name)
		if m != catalog.ModeOnline && where != "online" {
			how += " à " + where
		}
	default:
		how = fmt.Sprintf("Run by %s", p.name)
		if m != catalog.ModeOnline && where != "online" {
			how += " in " + where
		}
	}
	return d + " " + how + ". " + pick(sched[rng.IntN(len(sched))], lang)
}

// setWorkload sets hours and, for credit-bearing courses, ECTS at
// 25–30 hours per credit.
func setWorkload(rng *rand.Rand, o *catalog.Offer, hours int, credits bool) {
	if !credits {
		h := float64(hours)
		o.Hours = &h
		return
	}
	e := math.Max(1, math.Round(float64(hours)/27*2)/2)
	h := math.Round(e * float64(25+rng.IntN(6)))
	o.ECTS = &e
	if rng.IntN(5) != 0 {
		o.Hours = &h
	}
}

func pickPrice(rng *rand.Rand, kind string) *catalog.Money {
	r := rng.IntN(100)
	var eur int
	switch {
	case r < 3:
		return nil
	case kind == "free":
		if r < 85 {
			eur = 0
		} else {
			eur = 25 + 5*rng.IntN(26)
		}
	case kind == "low":
		if r < 35 {
			eur = 0
		} else {
			eur = 60 + 10*rng.IntN(20)
		}
	case kind == "mid":
		if r < 15 {
			eur = 0
		} else {
			eur = 150 + 10*rng.IntN(76)
		}
	default:
		eur = 600 + 50*rng.IntN(37)
	}
	m := catalog.Money(eur * 100)
	return &m
}

func supervision(assess string, m catalog.Mode) string {
	switch assess {
	case "written-exam", "oral-exam", "practical-test":
		if m == catalog.ModeOnline {
			return "online-proctored"
		}
		return "supervised-onsite"
	}
	return "none"
}

// dates spreads starts from March 2026 to December 2027.
func dates(rng *rand.Rand, o *catalog.Offer, hours int) {
	start := catalog.NewDate(2026, time.March, 2).AddDays(7 * rng.IntN(95))
	perWeek := 4 + rng.IntN(9)
	weeks := max(1, (hours+perWeek-1)/perWeek)
	o.Start = start
	o.End = start.AddDays(7*weeks - 3)
	o.ApplyBy = start.AddDays(-14)
	o.Schedule = map[bool]string{true: "PT" + fmt.Sprint(perWeek) + "H/week", false: ""}[o.Mode != catalog.ModeOnline]
}

func schemes(rng *rand.Rand, p provider, o catalog.Offer) []string {
	var s []string
	if rng.IntN(10) != 0 {
		s = append(s, "ila")
	}
	if p.country == "BE" && o.Hours != nil && *o.Hours >= 32 && rng.IntN(3) != 0 {
		s = append(s, "leave")
	}
	if o.Price != nil && *o.Price > 0 && rng.IntN(5) < 2 {
		s = append(s, "voucher")
	}
	if s == nil {
		s = []string{}
	}
	return s
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	fold := strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ç", "c", "î", "i", "ï", "i", "ô", "o", "ö", "o", "û", "u", "ü", "u")
	for _, r := range fold.Replace(strings.ToLower(s)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
