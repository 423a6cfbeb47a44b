package catalog

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The extension vocabulary of Open Badges 3.0 credentials in wallets
// (issue 12, item 3). The Dutch educredentials / edubadges model adds to
// the Achievement: ECTS (credits, a number), SBU (studiebelastingsuren:
// vocational study-load hours, e.g. 240), timeInvestment (hours),
// participationType (online | onsite or blended | volunteering | work
// experience | personalized learning activities), assessmentType (testing
// | application of a skill | portfolio | recognition of prior learning),
// supervisionType, identityChecked, and alignments whose targetType is
// ext:EQF, ext:NLQF (targetCode the level) or ext:QualityAssurance. 1EdTech
// OB3 itself has creditsAvailable (no credit system named),
// resultDescription (the grading scheme) and alignments. Every value is
// read only when it can be read with certainty; anything else is flagged
// with its JSON pointer, never guessed.

// ob3ExtTypes are the alignment target types read here (not skills).
var ob3ExtTypes = map[string]bool{"ext:eqf": true, "ext:nlqf": true, "ext:nqf": true, "ext:qualityassurance": true}

// ob3KnownAlignment reports whether an alignment is one of the extension
// targets ob3Extensions reads (so that it is not flagged as a non-ESCO skill).
func ob3KnownAlignment(al map[string]any) bool {
	return ob3ExtTypes[strings.ToLower(str(al["targetType"]))]
}

var reLevel = regexp.MustCompile(`(?i)^\s*(?:eqf|nlqf|nqf|level|niveau)?\s*(?:level|niveau)?\s*(\d)\s*$`)

// ob3Extensions reads the wallet extensions of one achievement into o.
func (d *jsonDoc) ob3Extensions(ach map[string]any, ptr string, o *Offer, where map[string]string) {
	flag := func(format string, args ...any) { o.Flags = append(o.Flags, fmt.Sprintf(format, args...)) }
	if v, ok := ach["ECTS"]; ok {
		at := ptr + "/ECTS"
		if f, ok := number(v); ok {
			if o.ECTS != nil && *o.ECTS != f {
				flag("ects: ECTS %g differs from creditsAvailable %g; ECTS used (%s)", f, *o.ECTS, at)
			}
			o.ECTS = &f
			where["ects"] = at
			o.Flags = dropFlag(o.Flags, "ects: creditsAvailable ")
		} else {
			flag("ects: ECTS %q is not a number; dropped (%s)", str(v), at)
		}
	}
	for _, k := range []string{"SBU", "studyLoad", "timeInvestment"} {
		v, ok := ach[k]
		if !ok {
			continue
		}
		at := ptr + "/" + k
		h, err := studyLoadHours(v)
		if err != nil {
			flag("hours: %s %v; dropped (%s)", k, err, at)
			continue
		}
		if o.Hours == nil {
			o.Hours = &h
			where["hours"] = at
		}
	}
	var nqf string
	for i, al := range d.nodes(ach["alignment"]) {
		at := fmt.Sprintf("%s/alignment/%d", ptr, i)
		code := str(al["targetCode"])
		if code == "" {
			code = str(al["targetName"])
		}
		switch strings.ToLower(str(al["targetType"])) {
		case "ext:eqf":
			if lv, ok := levelOf(code); ok {
				o.EQF = EQF(lv)
				where["eqf"] = at + "/targetCode"
			} else {
				flag("eqf: %q is not an EQF level; dropped (%s/targetCode)", code, at)
			}
		case "ext:nlqf", "ext:nqf":
			if lv, ok := levelOf(code); ok {
				nqf = fmt.Sprintf("NLQF %d", lv)
				if strings.EqualFold(str(al["targetType"]), "ext:nqf") {
					nqf = fmt.Sprintf("NQF %d", lv)
				}
			} else {
				flag("level: %q is not a qualifications framework level; dropped (%s/targetCode)", code, at)
			}
		case "ext:qualityassurance":
			qa := str(al["targetName"])
			if c := str(al["targetCode"]); c != "" {
				qa += " (" + c + ")"
			}
			if desc := str(al["targetDescription"]); desc != "" {
				qa += ": " + desc
			}
			if qa != "" {
				o.QA = strings.TrimSpace(qa)
				where["quality_assurance"] = at
			}
		}
	}
	if nqf != "" {
		// The NLQF is referenced to the EQF level for level (NLQF 1–8 =
		// EQF 1–8); the reading is flagged so that it can be checked.
		if o.EQF == EQFUnknown {
			if lv, _ := levelOf(nqf); lv >= 1 && lv <= 8 {
				o.EQF = EQF(lv)
				flag("eqf: %d read from %s (the NLQF is referenced to the EQF level for level)", lv, nqf)
			}
		}
		flag("level: %s", nqf)
	}
	if v := str(ach["participationType"]); v != "" {
		at := ptr + "/participationType"
		switch md, ok := participationMode(v); {
		case ok:
			o.Mode = md
			where["mode"] = at
		default:
			flag("mode: participationType %q does not say one form of participation; not set (%s)", v, at)
		}
	}
	if v := str(ach["assessmentType"]); v != "" {
		o.Assessment = v
		where["assessment"] = ptr + "/assessmentType"
	}
	sup := str(ach["supervisionType"])
	if b, ok := ach["identityChecked"].(bool); ok {
		idc := "identity not checked"
		if b {
			idc = "identity checked"
		}
		if sup == "" {
			sup = idc
		} else if !strings.Contains(strings.ToLower(sup), "identity") {
			sup += "; " + idc
		}
	}
	if sup != "" {
		o.Supervision = sup
	}
	if g := d.gradingScheme(ach["resultDescription"]); g != "" {
		o.Grade = g
	}
}

// participationMode maps the educredentials participationType values;
// "onsite or blended" and "personalized learning activities" do not name
// one form of participation and are not guessed.
func participationMode(v string) (Mode, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "online":
		return ModeOnline, true
	case "onsite":
		return ModeOnsite, true
	case "blended":
		return ModeBlended, true
	case "volunteering":
		return ModeVolunteering, true
	case "work experience", "work-experience":
		return ModeWorkExperience, true
	}
	return "", false
}

// gradingScheme describes an OB3 resultDescription: name, range, pass mark.
func (d *jsonDoc) gradingScheme(v any) string {
	var out []string
	for _, rd := range d.nodes(v) {
		s := str(rd["name"])
		lo, hi := str(rd["valueMin"]), str(rd["valueMax"])
		if lo != "" && hi != "" {
			s += fmt.Sprintf(" %s–%s", lo, hi)
		}
		if req := str(rd["requiredValue"]); req != "" {
			s += " (pass " + req + ")"
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

var reHours = regexp.MustCompile(`(?i)^\s*(?:sbu|study ?load|studielast|studiebelasting(?:suren)?)?\s*[:=]?\s*(\d+(?:[.,]\d+)?)\s*(?:h|hours?|uur|uren|sbu)?\s*$`)

// studyLoadHours reads a study load in hours: a number, or a cell such as
// "SBU 240", "240 uur", "240 hours".
func studyLoadHours(v any) (float64, error) {
	if f, ok := number(v); ok {
		if f < 0 || math.IsNaN(f) || f > 1e6 {
			return 0, fmt.Errorf("%v is not a number of hours", v)
		}
		return f, nil
	}
	s := str(v)
	m := reHours.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a number of hours", s)
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number of hours", s)
	}
	return f, nil
}

// levelOf reads a framework level 1–8 from "4", "EQF level 4", "NLQF 4",
// "niveau 4".
func levelOf(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "http") {
		s = s[strings.LastIndexByte(s, '/')+1:]
	}
	m := reLevel.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, n >= 1 && n <= 8
}

// dropFlag removes the flags starting with prefix.
func dropFlag(flags []string, prefix string) []string {
	out := flags[:0]
	for _, f := range flags {
		if !strings.HasPrefix(f, prefix) {
			out = append(out, f)
		}
	}
	return out
}
