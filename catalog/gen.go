package catalog

import (
	"fmt"
	"hash/fnv"
	"iter"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Generate yields n synthetic offers, the same ones for the same seed and
// n: a register realistic enough to benchmark search with. Titles and
// descriptions mix Dutch and English (some French) with a Zipf-like spread
// of words, descriptions have 30–80 words, there are thousands of providers,
// skills carry ESCO-style URIs (some real), and every field is filled.
func Generate(seed uint64, n int) iter.Seq[Offer] {
	return func(yield func(Offer) bool) {
		g := newGen(seed)
		for i := range n {
			if !yield(g.offer(i)) {
				return
			}
		}
	}
}

type genDomain struct {
	isced  string
	nl, en []string // title words, most typical first
	fr     []string
	skills []SkillRef
}

// realSkills are real ESCO v1.1.1 skills.
var realSkills = []SkillRef{
	{"http://data.europa.eu/esco/skill/47a49cd6-097d-457a-9f7b-c290c14930d5", "analyse big data"},
	{"http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be", "use spreadsheets software"},
	{"http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "Python (computer programming)"},
	{"http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742", "SQL"},
	{"http://data.europa.eu/esco/skill/cb668e89-6ef5-4ff3-ab4a-506010e7e70b", "manage a team"},
	{"http://data.europa.eu/esco/skill/00735755-adc6-4ea0-b034-b8caff339c9f", "install heat pump"},
	{"http://data.europa.eu/esco/skill/3993c87c-7719-4186-811b-8ddfb40e76be", "write English"},
	{"http://data.europa.eu/esco/skill/13e1c0a2-b90d-46f4-be51-11730360b38d", "lay bricks"},
	{"http://data.europa.eu/esco/skill/953c0b65-537a-42fe-a90b-26cd36c64361", "manage logistics"},
	{"http://data.europa.eu/esco/skill/7111b95d-0ce3-441a-9d92-4c75d05c4388", "project management"},
	{"http://data.europa.eu/esco/skill/15a33d76-4640-438d-ae64-fdc0c1d3eebc", "customer service"},
	{"http://data.europa.eu/esco/skill/50b100ea-74fd-4706-99db-3e4ca55e51b8", "perform data cleansing"},
	{"http://data.europa.eu/esco/skill/ab1e97ed-2319-4293-a8b7-072d2648822f", "database management systems"},
	{"http://data.europa.eu/esco/skill/bd14968e-e409-45af-b362-3495ed7b10e0", "cloud technologies"},
	{"http://data.europa.eu/esco/skill/386774ac-fe5b-431a-b485-9aec0bf5c09e", "maintain electrical equipment"},
	{"http://data.europa.eu/esco/skill/22c45bf7-e52b-475f-847b-c32a87f65a5d", "circular economy"},
	{"http://data.europa.eu/esco/skill/40f65a56-ccbe-4601-9f32-1cc6cdd24f28", "waste management"},
	{"http://data.europa.eu/esco/skill/63359272-1303-41d5-a437-f4522f5abcc2", "manage warehouse organisation"},
	{"http://data.europa.eu/esco/skill/7ee4c2ea-b349-4bd2-81a3-ec31475d4833", "statistics"},
	{"http://data.europa.eu/esco/skill/3a2d5b45-56e4-4f5a-a55a-4a4a65afdc43", "machine learning"},
	{"http://data.europa.eu/esco/skill/0da516ee-e70e-4384-be13-f5ff80be8127", "communicate with customers"},
	{"http://data.europa.eu/esco/skill/8c8da904-cdb3-47d9-bfbf-15ade747d9ec", "work in a hospitality team"},
	{"http://data.europa.eu/esco/skill/7bb01a18-4637-4535-ba18-258f48f705b8", "clean rooms"},
}

var genDomains = []genDomain{
	{"0613", w("data analyse programmeren python software netwerk cloud beveiliging databank web app digitaal ontwikkelaar systeembeheer"),
		w("data analysis programming python software network cloud security database web app digital developer devops"),
		w("données analyse programmation logiciel réseau sécurité numérique"), realSkills[0:4]},
	{"0913", w("zorg verpleging thuiszorg zorgkundige ouderenzorg kinderopvang begeleiding gezondheid patiënt welzijn"),
		w("care nursing homecare elderly childcare support health patient wellbeing"),
		w("soins infirmier aide santé patient accompagnement"), []SkillRef{realSkills[10], realSkills[20]}},
	{"0732", w("bouw renovatie metselen isolatie dakwerken schrijnwerk elektriciteit sanitair ruwbouw afwerking"),
		w("construction renovation bricklaying insulation roofing carpentry electrical plumbing"),
		w("construction rénovation maçonnerie isolation toiture électricité"), []SkillRef{realSkills[7], realSkills[14]}},
	{"0713", w("energie zonnepanelen warmtepomp installateur duurzaam elektrisch laadpalen energieaudit"),
		w("energy solar heat pump installer sustainable electric charging audit"),
		w("énergie solaire pompe chaleur installateur durable"), []SkillRef{realSkills[5], realSkills[14]}},
	{"1041", w("logistiek magazijn heftruck transport chauffeur voorraad planning orderpicking"),
		w("logistics warehouse forklift transport driver stock planning"),
		w("logistique entrepôt transport chauffeur stock"), []SkillRef{realSkills[8], realSkills[17]}},
	{"1013", w("horeca keuken kok bediening hotel onthaal catering barista"),
		w("hospitality kitchen cook service hotel reception catering"),
		w("hôtellerie cuisine service accueil restauration"), []SkillRef{realSkills[21], realSkills[22]}},
	{"0231", w("nederlands frans engels duits taal conversatie schrijven spreken"),
		w("dutch french english german language conversation writing speaking"),
		w("néerlandais français anglais langue conversation"), []SkillRef{realSkills[6]}},
	{"0413", w("management leiderschap projectmanagement team coaching boekhouding ondernemen verkoop"),
		w("management leadership project team coaching accounting entrepreneurship sales"),
		w("gestion leadership projet équipe comptabilité vente"), []SkillRef{realSkills[4], realSkills[9]}},
	{"0712", w("circulair afval recyclage groen klimaat biodiversiteit duurzaamheid"),
		w("circular waste recycling green climate biodiversity sustainability"),
		w("circulaire déchets recyclage vert climat durabilité"), []SkillRef{realSkills[15], realSkills[16]}},
}

// Filler vocabularies, most frequent first (Zipf picks from the front).
var (
	fillNL = w("de het een en van in voor met op te is dat je leer werken praktijk basis opleiding cursus module vaardigheden kennis " +
		"toepassen nieuwe methode opdrachten begeleiding groep deelnemers werkplek sector beroep stage oefeningen examen attest " +
		"competenties inzicht efficiënt veilig kwaliteit klant project planning gebruik systemen tools ervaring niveau gevorderd " +
		"beginners professioneel regio samenwerking innovatie digitale energie zorg data analyse wetgeving normen procedures")
	fillEN = w("the and of to in for with you a is on learn work practice basic training course module skills knowledge " +
		"apply new method assignments guidance group participants workplace sector profession internship exercises exam certificate " +
		"competences insight efficient safe quality customer project planning use systems tools experience level advanced " +
		"beginners professional region collaboration innovation digital energy care data analysis legislation standards procedures")
	titleNL  = w("basis gevorderd inleiding praktijk opleiding module cursus workshop traject specialisatie")
	titleEN  = w("fundamentals advanced introduction practical training module course workshop pathway specialisation")
	orgKinds = w("CVO Syntra VDAB DigiLab Academie Hogeschool Opleidingscentrum Campus Bruxelles-Formation IFAPME EPS Forem Leerwerkplaats Kenniscentrum Instituut")
	places   = []struct{ city, nuts, country string }{
		{"Gent", "BE234", "BE"}, {"Antwerpen", "BE211", "BE"}, {"Brugge", "BE251", "BE"}, {"Leuven", "BE241", "BE"},
		{"Hasselt", "BE221", "BE"}, {"Mechelen", "BE212", "BE"}, {"Kortrijk", "BE254", "BE"}, {"Aalst", "BE231", "BE"},
		{"Brussel", "BE100", "BE"}, {"Namur", "BE352", "BE"}, {"Liège", "BE332", "BE"}, {"Mons", "BE323", "BE"},
		{"Charleroi", "BE322", "BE"}, {"Arlon", "BE341", "BE"}, {"Wavre", "BE310", "BE"}, {"Genk", "BE221", "BE"},
		{"Maastricht", "NL423", "NL"}, {"Eindhoven", "NL414", "NL"}, {"Breda", "NL411", "NL"}, {"Lille", "FRE11", "FR"},
		{"Luxembourg", "LU000", "LU"}, {"Aachen", "DEA2D", "DE"},
	}
	assessments = []string{"written exam", "practical assessment", "portfolio", "project", "oral exam", "continuous assessment"}
	qas         = []string{"accredited by NVAO", "Flemish quality label", "AQ-ESG review", "ISO 29993", "Erkend door VDAB", "AEQES evaluation"}
	schemes     = []string{"ila", "voucher", "leave", "ila", "ila"}
)

func w(s string) []string { return strings.Fields(s) }

type gen struct {
	r        *rand.Rand
	zipfNL   *rand.Zipf
	zipfEN   *rand.Zipf
	zipfDom  *rand.Zipf
	orgs     []string
	orgPlace []int
	zipfOrg  *rand.Zipf
	skills   []SkillRef // synthetic ESCO-like skills
}

func newGen(seed uint64) *gen {
	r := rand.New(rand.NewPCG(seed, 0x6b6f657273))
	g := &gen{r: r}
	g.zipfNL = rand.NewZipf(r, 1.1, 2, uint64(len(fillNL)-1))
	g.zipfEN = rand.NewZipf(r, 1.1, 2, uint64(len(fillEN)-1))
	g.zipfDom = rand.NewZipf(r, 1.2, 1, 12)
	// Thousands of providers: kind × place × campus.
	for _, kind := range orgKinds {
		for p, pl := range places {
			for c := range 12 {
				name := kind + " " + pl.city
				if c > 0 {
					name = fmt.Sprintf("%s %s %s", kind, pl.city, []string{"", "Noord", "Zuid", "Centrum", "Campus 2", "Oost", "West", "Haven", "Stad", "Rand", "Plus", "Pro"}[c])
				}
				g.orgs = append(g.orgs, name)
				g.orgPlace = append(g.orgPlace, p)
			}
		}
	}
	g.zipfOrg = rand.NewZipf(r, 1.05, 8, uint64(len(g.orgs)-1))
	// ESCO-like skills: deterministic URIs from labels.
	for _, d := range genDomains {
		for _, a := range d.en {
			for _, b := range w("basics methods tools safety planning quality") {
				label := a + " " + b
				h := fnv.New128a()
				h.Write([]byte(label))
				u := h.Sum(nil)
				g.skills = append(g.skills, SkillRef{
					URI:   fmt.Sprintf("http://data.europa.eu/esco/skill/%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]),
					Label: label,
				})
			}
		}
	}
	return g
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// head picks from the front of xs more often.
func (g *gen) head(xs []string) string { return xs[min(g.r.IntN(len(xs)), g.r.IntN(len(xs)))] }

func (g *gen) words(n int, lang string, d genDomain) string {
	out := make([]string, n)
	for i := range out {
		switch {
		case g.r.IntN(5) == 0 && lang == "nl":
			out[i] = g.head(d.nl)
		case g.r.IntN(5) == 0:
			out[i] = g.head(d.en)
		case lang == "nl":
			out[i] = fillNL[g.zipfNL.Uint64()]
		default:
			out[i] = fillEN[g.zipfEN.Uint64()]
		}
	}
	return capitalise(strings.Join(out, " ")) + "."
}

func (g *gen) title(lang string, d genDomain) string {
	n := 3 + g.r.IntN(8)
	out := make([]string, 0, n)
	for len(out) < n {
		switch j := g.r.IntN(10); {
		case j < 5 && lang == "fr":
			out = append(out, g.head(d.fr))
		case j < 5 && lang == "nl":
			out = append(out, g.head(d.nl))
		case j < 5:
			out = append(out, g.head(d.en))
		case j < 7 && lang == "en":
			out = append(out, g.head(titleEN))
		case j < 7:
			out = append(out, g.head(titleNL))
		case lang == "en":
			out = append(out, fillEN[g.zipfEN.Uint64()])
		default:
			out = append(out, fillNL[g.zipfNL.Uint64()])
		}
	}
	return capitalise(strings.Join(out, " "))
}

// capitalise upper-cases the first letter of s ("énergie" → "Énergie").
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func (g *gen) offer(i int) Offer {
	d := genDomains[int(g.zipfDom.Uint64())%len(genDomains)]
	lang := []string{"nl", "nl", "nl", "en", "en", "fr"}[g.r.IntN(6)]
	other := map[string]string{"nl": "en", "en": "nl", "fr": "nl"}[lang]
	org := int(g.zipfOrg.Uint64())
	pl := places[g.orgPlace[org]]
	o := Offer{
		Source:       "gen",
		SourceID:     fmt.Sprintf("gen-%07d", i+1),
		Title:        g.title(lang, d),
		TitleI18n:    map[string]string{other: g.title(other, d)},
		Description:  g.words(30+g.r.IntN(51), lang, d),
		Provider:     g.orgs[org],
		AwardingBody: g.orgs[(org/12)*12],
		Country:      pl.country,
		Region:       pl.nuts,
		Assessment:   g.pick(assessments),
		Mode:         Modes[min(g.r.IntN(4), 2)],
		QA:           g.pick(qas),
		Supervision:  g.pick([]string{"supervised on site, identity checked", "online proctoring with ID check", "none"}),
		FurtherInfo:  "Contact the provider for dates and admission.",
		URL:          fmt.Sprintf("https://example.org/offer/%d", i+1),
		Grade:        g.pick([]string{"pass/fail", "0–20", "A–F"}),
		Languages:    []string{lang},
		ISCED:        d.isced,
		Currency:     "EUR",
		Schedule:     g.pick([]string{"evenings", "daytime", "weekends", "self-paced", "two days a week"}),
		Location:     pl.city,
		Schemes:      []string{g.pick(schemes)},
		Status:       StatusActive,
	}
	if g.r.IntN(4) == 0 {
		o.Languages = append(o.Languages, other)
		o.Schemes = append(o.Schemes, "voucher")
	}
	for range 2 + g.r.IntN(3) {
		oc := Outcome{Text: g.words(6+g.r.IntN(8), lang, d)}
		if g.r.IntN(3) == 0 && len(d.skills) > 0 {
			oc.Skills = append(oc.Skills, d.skills[g.r.IntN(len(d.skills))])
		}
		oc.Skills = append(oc.Skills, g.skills[g.r.IntN(len(g.skills))])
		o.Outcomes = append(o.Outcomes, oc)
	}
	e := []EQF{2, 3, 4, 4, 4, 5, 5, 5, 6, 6, 7, 8, EQFNotApplicable}[g.r.IntN(13)]
	o.EQF = e
	ects := float64(1 + g.r.IntN(12))
	hours := ects * float64(25+g.r.IntN(6))
	o.ECTS, o.Hours = &ects, &hours
	price := Money(g.r.IntN(40) * 2500)
	o.Price = &price
	start := NewDate(2027, time.January, 1).AddDays(g.r.IntN(540))
	o.Start, o.End, o.ApplyBy = start, start.AddDays(14+g.r.IntN(200)), start.AddDays(-14)
	if g.r.IntN(5) == 0 {
		series := fmt.Sprintf("gen-series-%d", i/5)
		o.Stackability = "stackable"
		o.Relations = []Relation{{Kind: StacksTowards, Target: series, Label: "Certificate " + d.en[0]}}
		o.Prerequisites = []string{"module 1 of the series"}
	} else {
		o.Stackability = "stand-alone"
		o.Prerequisites = []string{g.pick([]string{"none", "basic computer skills", "A2 Dutch", "secondary school"})}
	}
	return o
}
