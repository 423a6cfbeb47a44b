package catalog

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Range is a value, or a range of values, as a source states it: Min ==
// Max for a single value. Koers never replaces a range by a point inside
// it (a midpoint would be a guess).
type Range struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Single reports whether the range is one value.
func (r Range) Single() bool { return r.Min == r.Max }

func (r Range) String() string {
	if r.Single() {
		return strconv.FormatFloat(r.Min, 'f', -1, 64)
	}
	return strconv.FormatFloat(r.Min, 'f', -1, 64) + "–" + strconv.FormatFloat(r.Max, 'f', -1, 64)
}

func (r Range) scale(f float64) Range {
	return Range{Min: round2(r.Min * f), Max: round2(r.Max * f)}
}

// LengthUnit is the calendar unit of a length.
type LengthUnit string

// Calendar units, as stated by a source (converted to nothing else).
const (
	Days   LengthUnit = "days"
	Weeks  LengthUnit = "weeks"
	Months LengthUnit = "months"
	Years  LengthUnit = "years"
)

// Length is how long a course runs on the calendar, in the unit the source
// used: "5 weeks", "4 meses", "2 or 3 years". It is not effort: a 5-week
// course may take 10 or 50 hours of work.
type Length struct {
	Range
	Unit LengthUnit `json:"unit"`
}

// Weeks is the length's upper bound in weeks (months as 52/12 weeks, years
// as 52), rounded up: a plan reserves the longest stated span. ok is false
// for a length without a known unit.
func (l Length) Weeks() (int, bool) {
	var f float64
	switch l.Unit {
	case Days:
		f = 1.0 / 7
	case Weeks:
		f = 1
	case Months:
		f = 52.0 / 12
	case Years:
		f = 52
	default:
		return 0, false
	}
	return int(math.Ceil(l.Max*f - 1e-9)), true
}

func (l Length) String() string { return l.Range.String() + " " + string(l.Unit) }

// Workload is what one workload or length cell states, kept apart:
// the total effort in hours, the effort per week in hours, and the
// calendar length. Any of them may be missing (nil).
type Workload struct {
	Hours   *Range
	PerWeek *Range
	Length  *Length
}

// IsZero reports whether the cell stated nothing.
func (w Workload) IsZero() bool { return w.Hours == nil && w.PerWeek == nil && w.Length == nil }

// ErrWorkload is wrapped by every error of ParseWorkload: the cell could
// not be read with certainty, so its value stays unknown.
var ErrWorkload = errors.New("workload not read with certainty")

// ParseWorkload reads a workload or length cell in English, Dutch, French,
// German or Spanish: "60 h", "90 minutes", "1h30", "1:30", "1,5 uur",
// "5 Weeks", "4 meses", "2 or 3 years", "9–10 hours per week",
// "6 semaines, 4 h par semaine", ISO 8601 "PT60H" and "P3M". bare is the
// unit of a number without one ("" refuses it; "hours", "minutes", "days",
// "weeks", "months", "years"). Hours per week times a length in weeks
// gives the total hours. Anything it cannot read with certainty (an
// unknown word or unit, an ambiguous "m", a thousands separator, two
// totals) is an error wrapping ErrWorkload, and the returned Workload is
// then zero: a value is never guessed. An empty cell is a zero Workload
// and no error.
func ParseWorkload(cell, bare string) (Workload, error) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return Workload{}, nil
	}
	w, err := parseWorkload(s, bare)
	if err != nil {
		return Workload{}, fmt.Errorf("%q: %w: %s", cell, ErrWorkload, err.Error())
	}
	return w, nil
}

func parseWorkload(s, bare string) (Workload, error) {
	if u := strings.ToUpper(s); len(u) > 1 && u[0] == 'P' && reISODuration.MatchString(u) {
		return isoWorkload(u)
	}
	toks, err := lexWorkload(s)
	if err != nil {
		return Workload{}, err
	}
	qs, err := groupQuantities(toks, bare)
	if err != nil {
		return Workload{}, err
	}
	return combine(qs)
}

// isoWorkload reads an ISO 8601 duration: time parts are effort (hours),
// date parts a calendar length; a duration mixing both, or date parts of
// two units, is not read (P1DT4H is not a workload a person can plan).
func isoWorkload(s string) (Workload, error) {
	m := reISODuration.FindStringSubmatch(strings.ToUpper(s))
	if m == nil || len(s) < 3 || strings.HasSuffix(s, "T") {
		return Workload{}, errors.New("not an ISO 8601 duration")
	}
	val := func(i int) (float64, bool) {
		if m[i] == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(m[i], ",", "."), 64)
		return f, err == nil && !math.IsInf(f, 0)
	}
	var w Workload
	var units []LengthUnit
	for i, u := range []LengthUnit{Years, Months, Weeks, Days} {
		if v, ok := val(i + 1); ok {
			units = append(units, u)
			w.Length = &Length{Range: Range{v, v}, Unit: u}
		}
	}
	// Exact conversions only: a year is 12 months, a week 7 days.
	y, yok := val(1)
	mo, mook := val(2)
	wk, wok := val(3)
	d, dok := val(4)
	switch {
	case len(units) == 2 && yok && mook:
		units, w.Length = units[:1], &Length{Range: Range{y*12 + mo, y*12 + mo}, Unit: Months}
	case len(units) == 2 && wok && dok:
		units, w.Length = units[:1], &Length{Range: Range{wk*7 + d, wk*7 + d}, Unit: Days}
	}
	h, hok := val(5)
	mi, mok := val(6)
	sec, sok := val(7)
	if hok || mok || sok {
		if len(units) > 0 {
			return Workload{}, errors.New("mixes a calendar length with hours")
		}
		t := round2(h + mi/60 + sec/3600)
		w.Hours = &Range{t, t}
	}
	if len(units) > 1 {
		return Workload{}, errors.New("mixes calendar units")
	}
	return w, nil
}

type wtokKind int

const (
	tNum wtokKind = iota
	tWord
	tSym
)

type wtok struct {
	kind wtokKind
	text string
	num  float64
}

// lexWorkload splits a folded cell into numbers, words and symbols.
func lexWorkload(s string) ([]wtok, error) {
	f := FoldSearch(s)
	var out []wtok
	rs := []rune(f)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f' || r == '\n' || r == '\r':
			i++
		case r >= '0' && r <= '9':
			j := i
			for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9') {
				j++
			}
			if j+1 < len(rs) && (rs[j] == '.' || rs[j] == ',') && rs[j+1] >= '0' && rs[j+1] <= '9' {
				k := j + 1
				for k < len(rs) && rs[k] >= '0' && rs[k] <= '9' {
					k++
				}
				if k-j-1 == 3 {
					return nil, fmt.Errorf("%q may be a thousands separator or a decimal", string(rs[i:k]))
				}
				j = k
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(string(rs[i:j]), ",", "."), 64)
			if err != nil || math.IsInf(v, 0) || v > 1e6 {
				return nil, fmt.Errorf("%q is not a number koers can use", string(rs[i:j]))
			}
			out = append(out, wtok{kind: tNum, text: string(rs[i:j]), num: v})
			i = j
		case r >= 'a' && r <= 'z' || r == 'ß' || r == 'ø':
			j := i
			for j < len(rs) && (rs[j] >= 'a' && rs[j] <= 'z' || rs[j] == 'ß' || rs[j] == 'ø' || rs[j] == '.' && j > i) {
				j++
			}
			out = append(out, wtok{kind: tWord, text: strings.TrimRight(string(rs[i:j]), ".")})
			i = j
		default:
			t := string(r)
			switch r {
			case '–', '—', '‒', '−':
				t = "-"
			}
			out = append(out, wtok{kind: tSym, text: t})
			i++
		}
	}
	return out, nil
}

// Words of a workload cell, folded (see FoldSearch).
var (
	unitSets = map[string][]string{
		"min": {"min", "mins", "minute", "minutes", "minuten", "minuut", "minuto", "minutos", "mn"},
		"h": {"h", "hr", "hrs", "hour", "hours", "u", "uur", "uren", "heure", "heures", "std", "stunde", "stunden",
			"hora", "horas", "hs", "lesuren", "lesuur", "contacturen"},
		"d": {"d", "day", "days", "dag", "dagen", "j", "jour", "jours", "journee", "journees", "tag", "tage", "tagen",
			"dia", "dias"},
		"w":  {"w", "wk", "wks", "week", "weeks", "weken", "sem", "semaine", "semaines", "woche", "wochen", "semana", "semanas"},
		"mo": {"mo", "mos", "month", "months", "maand", "maanden", "mois", "monat", "monate", "monaten", "mes", "meses"},
		"y": {"y", "yr", "yrs", "year", "years", "jaar", "jaren", "an", "ans", "annee", "annees", "jahr", "jahre",
			"jahren", "ano", "anos"},
	}
	// rangeWords join two numbers into a range: "4 to 6", "4 tot 6",
	// "4 à 6", "4 bis 6", "4 a 6", "2 or 3", "2 of 3", "2 ou 3", "2 oder 3", "2 o 3".
	rangeWords = map[string]bool{"to": true, "tot": true, "a": true, "bis": true, "till": true, "until": true,
		"or": true, "of": true, "ou": true, "oder": true, "o": true}
	// perWords introduce a period: "per week", "a week", "par semaine",
	// "pro Woche", "por semana", "a la semana", "each week".
	perWords = map[string]bool{"per": true, "a": true, "par": true, "pro": true, "por": true, "each": true,
		"every": true, "la": true, "die": true, "al": true, "p": true, "in": true, "de": true}
	// weeklyWords are "weekly" as one word.
	weeklyWords = map[string]bool{"weekly": true, "wekelijks": true, "hebdomadaire": true, "hebdomadaires": true,
		"wochentlich": true, "semanal": true, "semanales": true, "pw": true, "p.w": true}
	// fillerWords say nothing about the value: "approx.", "about", "ca.",
	// "ongeveer", "environ", "etwa", "aprox.", "total".
	fillerWords = map[string]bool{"approx": true, "approximately": true, "about": true, "around": true, "ca": true,
		"circa": true, "ongeveer": true, "environ": true, "etwa": true, "ungefahr": true, "aprox": true,
		"aproximadamente": true, "total": true, "totaal": true, "in": true, "of": true, "study": true, "studie": true,
		"and": true, "en": true, "et": true, "und": true, "y": true, "with": true, "met": true, "avec": true,
		"mit": true, "con": true, "over": true, "sur": true, "uber": true, "durante": true, "pendant": true,
		"gedurende": true, "for": true, "voor": true, "de": true, "d": true, "van": true, "du": true,
		"effort": true, "workload": true, "duration": true, "duur": true, "duree": true, "dauer": true,
		"duracion": true, "studiebelasting": true, "charge": true, "travail": true, "aufwand": true,
		"dedicacion": true, "le": true, "la": true, "het": true, "the": true, "long": true, "lang": true}
)

// unitOf is the unit a folded word names ("" for none).
func unitOf(w string) string {
	for u, ws := range unitSets {
		for _, x := range ws {
			if x == w {
				return u
			}
		}
	}
	return ""
}

// quantity2 is one stated amount: a range in a unit, maybe per week.
type quantity2 struct {
	r       Range
	unit    string // min, h, d, w, mo, y
	perWeek bool
}

func groupQuantities(toks []wtok, bare string) ([]quantity2, error) {
	var qs []quantity2
	at := func(k int) wtok {
		if k < len(toks) {
			return toks[k]
		}
		return wtok{kind: -1}
	}
	lastEnd := -1 // token index after the last quantity
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.kind != tNum {
			if t.kind == tSym && t.text == "-" && i == 0 && at(1).kind == tNum {
				return nil, errors.New("is negative")
			}
			if t.kind == tWord && (perWords[t.text] || weeklyWords[t.text]) || t.kind == tSym && t.text == "/" {
				j, isPeriod, week := period(toks, i)
				if isPeriod {
					if err := perWeek(qs, week, t.text); err != nil {
						return nil, err
					}
					i = j
					continue
				}
			}
			switch {
			case t.kind == tSym && strings.Contains(",;()+~≈&|·[]*", t.text), t.kind == tWord && fillerWords[t.text]:
				i++
				continue
			}
			return nil, fmt.Errorf("%q is not a unit or word koers can read here", t.text)
		}
		q, j, err := quantityAt(toks, i, bare)
		if err != nil {
			return nil, err
		}
		// "1 hour 30 minutes": minutes right after hours add to them.
		if n := len(qs); n > 0 && q.unit == "min" && q.r.Single() && qs[n-1].unit == "h" && !qs[n-1].perWeek &&
			qs[n-1].r.Single() && onlyJoiners(toks[lastEnd:i]) {
			v := round2(qs[n-1].r.Min + q.r.Min/60)
			qs[n-1].r = Range{v, v}
		} else {
			qs = append(qs, q)
		}
		i, lastEnd = j, j
	}
	if len(qs) == 0 {
		return nil, errors.New("states no number")
	}
	return qs, nil
}

// onlyJoiners reports whether toks are empty or only "and" words.
func onlyJoiners(toks []wtok) bool {
	for _, t := range toks {
		if t.kind != tWord || !map[string]bool{"and": true, "en": true, "et": true, "und": true, "y": true}[t.text] {
			return false
		}
	}
	return true
}

// perWeek marks the last quantity as effort per week.
func perWeek(qs []quantity2, week bool, word string) error {
	if !week {
		return errors.New("gives a rate per period other than a week (per day, per month, ...), which has no total")
	}
	if len(qs) == 0 {
		return fmt.Errorf("%q has no number before it", word)
	}
	last := &qs[len(qs)-1]
	if last.perWeek {
		return errors.New("states the period twice")
	}
	switch last.unit {
	case "h":
	case "min":
		last.r, last.unit = last.r.scale(1.0/60), "h"
	default:
		return errors.New("gives days, weeks or months per week, not hours")
	}
	last.perWeek = true
	return nil
}

// quantityAt reads the quantity starting at the number toks[i]: "1h30",
// "1:30", "4-6 weeks", "4 to 6 weeks", "90 min", or a bare number in
// unit bare. It returns the index after it.
func quantityAt(toks []wtok, i int, bare string) (quantity2, int, error) {
	at := func(k int) wtok {
		if k < len(toks) {
			return toks[k]
		}
		return wtok{kind: -1}
	}
	t := toks[i]
	if at(i+1).kind == tSym && at(i+1).text == ":" && at(i+2).kind == tNum {
		hh, mm := t, at(i+2)
		if len(mm.text) != 2 || mm.num >= 60 || strings.ContainsAny(hh.text+mm.text, ".,") {
			return quantity2{}, 0, fmt.Errorf("%s:%s is not hours:minutes", hh.text, mm.text)
		}
		v := round2(hh.num + mm.num/60)
		j := i + 3
		if u := unitOf(at(j).text); at(j).kind == tWord && u != "" {
			if u != "h" {
				return quantity2{}, 0, fmt.Errorf("%s:%s %s is not hours:minutes", hh.text, mm.text, at(j).text)
			}
			j++
		}
		return quantity2{r: Range{v, v}, unit: "h"}, j, nil
	}
	if at(i+1).kind == tWord && unitOf(at(i+1).text) == "h" && at(i+2).kind == tNum && !strings.ContainsAny(t.text, ".,") {
		mm := at(i + 2)
		if mm.num >= 60 || strings.ContainsAny(mm.text, ".,") {
			return quantity2{}, 0, fmt.Errorf("%sh%s is not hours and minutes", t.text, mm.text)
		}
		v := round2(t.num + mm.num/60)
		j := i + 3
		if at(j).kind == tWord && (unitOf(at(j).text) == "min" || at(j).text == "m") {
			j++
		}
		return quantity2{r: Range{v, v}, unit: "h"}, j, nil
	}
	r := Range{t.num, t.num}
	j := i + 1
	if (at(j).kind == tSym && at(j).text == "-" || at(j).kind == tWord && rangeWords[at(j).text]) && at(j+1).kind == tNum {
		r.Max = at(j + 1).num
		if r.Max < r.Min {
			return quantity2{}, 0, fmt.Errorf("range %s–%s runs backwards", t.text, at(j+1).text)
		}
		j += 2
	}
	if at(j).kind == tWord && (at(j).text == "total" || at(j).text == "totaal") && at(j+1).kind == tWord && unitOf(at(j+1).text) != "" {
		j++ // Udemy's "3.5 total hours"
	}
	unit := ""
	if at(j).kind == tWord {
		switch u := unitOf(at(j).text); {
		case u != "":
			unit = u
			j++
		case at(j).text == "m":
			return quantity2{}, 0, errors.New(`"m" may be minutes or months`)
		case at(j).text == "s":
			return quantity2{}, 0, errors.New(`"s" may be seconds or semaines`)
		}
	}
	if unit == "" {
		unit = map[string]string{"hours": "h", "minutes": "min", "days": "d", "weeks": "w", "months": "mo", "years": "y"}[bare]
		if unit == "" {
			return quantity2{}, 0, fmt.Errorf("%s has no unit", r)
		}
	}
	return quantity2{r: r, unit: unit}, j, nil
}

// period reads a period from toks[i]: "per week", "/week", "a week",
// "par semaine", "pro Woche", "por semana", "a la semana", "weekly". It
// returns the index after it, whether toks[i:] is a period at all (per-
// words followed by a unit) and whether that period is a week.
func period(toks []wtok, i int) (end int, isPeriod, week bool) {
	if toks[i].kind == tWord && weeklyWords[toks[i].text] {
		return i + 1, true, true
	}
	j := i
	for j < len(toks) && (toks[j].kind == tWord && perWords[toks[j].text] || toks[j].kind == tSym && toks[j].text == "/") {
		j++
	}
	if j < len(toks) && toks[j].kind == tWord {
		switch unitOf(toks[j].text) {
		case "w":
			return j + 1, true, true
		case "":
		default:
			return j + 1, true, false
		}
	}
	return j, false, false
}

// combine turns the quantities into a workload: at most one total effort,
// one effort per week and one length; hours per week times a length in
// weeks is the total when no total was stated.
func combine(qs []quantity2) (Workload, error) {
	var w Workload
	for _, q := range qs {
		switch {
		case q.perWeek:
			if w.PerWeek != nil {
				return Workload{}, errors.New("states two efforts per week")
			}
			r := q.r
			w.PerWeek = &r
		case q.unit == "h" || q.unit == "min":
			if w.Hours != nil {
				return Workload{}, errors.New("states two total efforts")
			}
			r := q.r
			if q.unit == "min" {
				r = r.scale(1.0 / 60)
			}
			w.Hours = &r
		default:
			if w.Length != nil {
				return Workload{}, errors.New("states two lengths")
			}
			u := map[string]LengthUnit{"d": Days, "w": Weeks, "mo": Months, "y": Years}[q.unit]
			w.Length = &Length{Range: q.r, Unit: u}
		}
	}
	if w.Hours == nil && w.PerWeek != nil && w.Length != nil && w.Length.Unit == Weeks {
		h := Range{Min: round2(w.PerWeek.Min * w.Length.Min), Max: round2(w.PerWeek.Max * w.Length.Max)}
		w.Hours = &h
	}
	return w, nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
