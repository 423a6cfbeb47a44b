package catalog

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
)

// ParseELM reads a European Learning Model v3 / European Digital Credential
// JSON-LD document: an issued credential (each claim's specification
// becomes a register entry) or a bare learning opportunity or
// qualification. Every Annex I element is mapped; a value that fails
// validation is dropped and flagged on the entry with its JSON pointer,
// and so are implausible values (an activity longer than the maximum
// duration). A document without a title or awarding body is refused.
func ParseELM(ctx context.Context, r io.Reader, name string, opt ParseOptions, errs *Errs) iter.Seq[Offer] {
	return func(yield func(Offer) bool) {
		d, ierr := readJSONDoc(r, name, opt.Limits)
		if ierr != nil {
			errs.Add(*ierr)
			return
		}
		type claim struct {
			node, spec map[string]any
			ptr        string
		}
		var claims []claim
		subj := d.node(d.root["credentialSubject"])
		if subj != nil {
			raw := subj["hasClaim"]
			list := d.nodes(raw)
			for i, c := range list {
				ptr := "/credentialSubject/hasClaim"
				if _, isList := raw.([]any); isList {
					ptr = fmt.Sprintf("%s/%d", ptr, i)
				}
				claims = append(claims, claim{node: c, spec: d.node(c["specifiedBy"]), ptr: ptr})
			}
		}
		if len(claims) == 0 && hasType(d.root, "LearningOpportunity", "Qualification", "LearningAchievementSpecification", "LearningSpecification") {
			spec := d.root
			if hasType(d.root, "LearningOpportunity") {
				if s := d.node(d.root["learningAchievementSpecification"]); s != nil {
					spec = s
				}
			}
			claims = append(claims, claim{node: d.root, spec: spec, ptr: ""})
		}
		if len(claims) == 0 {
			errs.Add(ImportError{File: name, Pointer: "/credentialSubject/hasClaim", Msg: "no learning achievement or learning opportunity: not an ELM credential"})
			return
		}
		for _, c := range claims {
			if ctx.Err() != nil {
				return
			}
			o, where := d.elmOffer(c.node, c.spec, c.ptr)
			if o.SourceID == "" {
				o.SourceID = idOf(d.root)
			}
			if len(claims) > 1 && idOf(c.spec) != "" && !globalID(idOf(c.spec)) {
				o.SourceID = idOf(d.root) + "#" + idOf(c.spec)
			}
			o.Source = opt.sourceFor("", name)
			if finishOffer(&o, true, name, 0, c.ptr, func(f string) string { return where[f] }, errs) && !yield(o) {
				return
			}
		}
	}
}

// globalID reports whether an id names the thing beyond its document.
func globalID(id string) bool {
	return strings.HasPrefix(id, "http://") || strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "urn:uuid:")
}

// elmOffer maps one claim (or learning opportunity) and its specification.
// where maps offer fields to the JSON pointers they came from.
func (d *jsonDoc) elmOffer(claim, spec map[string]any, ptr string) (Offer, map[string]string) {
	var o Offer
	where := map[string]string{}
	sp := ptr + "/specifiedBy"
	if spec == nil {
		spec, sp = claim, ptr
	}
	// Languages first: they choose the main title language.
	for i, l := range d.nodes(spec["language"]) {
		if code, ok := LanguageCode(idOf(l)); ok {
			o.Languages = appendUnique(o.Languages, code)
		} else {
			o.Flags = append(o.Flags, fmt.Sprintf("languages: %q is not a language koers knows; dropped (%s/language/%d)", idOf(l), sp, i))
		}
	}
	pref := ""
	if len(o.Languages) > 0 {
		pref = o.Languages[0]
	}
	if globalID(idOf(spec)) {
		o.SourceID = idOf(spec)
	}
	where["source_id"] = sp + "/id"
	titles := langMap(spec["title"])
	where["title"] = sp + "/title"
	if len(titles) == 0 {
		titles = langMap(claim["title"])
		where["title"] = ptr + "/title"
	}
	o.Title, _, o.TitleI18n = pickLang(titles, pref)
	desc := langMap(spec["description"])
	if len(desc) == 0 {
		desc = langMap(claim["description"])
	}
	o.Description, _, o.DescI18n = pickLang(desc, pref)

	// Awarding body and issuer country (Annex I 3, 4).
	body := d.node(d.get(claim, "awardedBy", "awardingBody"))
	bodyPtr := ptr + "/awardedBy/awardingBody"
	if body == nil {
		body = d.node(spec["awardingBody"])
		bodyPtr = sp + "/awardingBody"
	}
	if body == nil {
		body = d.node(d.root["issuer"])
		bodyPtr = "/issuer"
	}
	if body != nil {
		o.AwardingBody = text(body["legalName"], pref)
		if o.AwardingBody == "" {
			o.AwardingBody = text(body["name"], pref)
		}
		where["awarding_body"] = bodyPtr + "/legalName"
		for _, loc := range d.nodes(body["location"]) {
			for _, addr := range d.nodes(loc["address"]) {
				cc := idOf(d.node(addr["countryCode"]))
				if c, ok := CountryCode(cc); ok && o.Country == "" {
					o.Country = c
				} else if !ok && cc != "" {
					o.Flags = append(o.Flags, fmt.Sprintf("country: %q is not a country koers knows; dropped (%s/location/address/countryCode)", cc, bodyPtr))
				}
			}
		}
		where["country"] = bodyPtr + "/location/address/countryCode"
		if o.QA == "" {
			o.QA = d.accreditation(body["accreditation"])
		}
	}
	o.Provider = o.AwardingBody
	for _, act := range d.nodes(claim["influencedBy"]) {
		if db := d.node(act["directedBy"]); db != nil {
			if n := text(db["legalName"], pref); n != "" {
				o.Provider = n
				break
			}
		}
	}

	// Learning outcomes with their ESCO skills (Annex I 6).
	for i, lo := range d.nodes(spec["learningOutcome"]) {
		out := Outcome{Text: text(lo["title"], pref)}
		if out.Text == "" {
			out.Text = text(lo["description"], pref)
		}
		for _, sk := range d.nodes(lo["relatedESCOSkill"]) {
			if uri := idOf(sk); isESCOSkill(uri) {
				out.Skills = append(out.Skills, SkillRef{URI: uri, Label: text(sk["prefLabel"], "en")})
			} else {
				o.Flags = append(o.Flags, fmt.Sprintf("learning_outcomes[%d]: skill %q (%s) is not an ESCO URI; not linked (%s/learningOutcome/%d/relatedESCOSkill)", i, d.conceptLabel(sk), uri, sp, i))
			}
		}
		for _, sk := range d.nodes(lo["relatedSkill"]) { // other frameworks (DigComp) unless ESCO
			if uri := idOf(sk); isESCOSkill(uri) {
				out.Skills = append(out.Skills, SkillRef{URI: uri, Label: text(sk["prefLabel"], "en")})
			}
		}
		o.Outcomes = append(o.Outcomes, out)
		where[fmt.Sprintf("learning_outcomes[%d].text", i)] = fmt.Sprintf("%s/learningOutcome/%d", sp, i)
	}

	// Workload (Annex I 7): ECTS credit points and volume of learning.
	for i, cp := range d.nodes(spec["creditPoint"]) {
		fw := d.node(cp["framework"])
		label := d.conceptLabel(fw)
		pt, ok := number(cp["point"])
		where["ects"] = fmt.Sprintf("%s/creditPoint/%d/point", sp, i)
		switch {
		case !ok:
			o.Flags = append(o.Flags, fmt.Sprintf("ects: credit point %q is not a number; dropped (%s/creditPoint/%d/point)", str(cp["point"]), sp, i))
		case strings.Contains(idOf(fw), "6fcec5c5af") || strings.Contains(strings.ToUpper(label), "ECTS") || strings.Contains(label, "European Credit Transfer"):
			if o.ECTS == nil {
				o.ECTS = &pt
			}
		default:
			o.Flags = append(o.Flags, fmt.Sprintf("ects: %g credits in %s are not ECTS; not used (%s/creditPoint/%d)", pt, label, sp, i))
		}
	}
	if v := str(spec["volumeOfLearning"]); v != "" {
		where["hours"] = sp + "/volumeOfLearning"
		o.Flags = append(o.Flags, isoVolume(&o, v, sp+"/volumeOfLearning")...)
	}
	o.Flags = append(o.Flags, d.implausibleActivities(claim, spec, ptr, sp)...)

	// Level (8), assessment (9), form of participation (10), QA (11).
	for i, n := range d.nodes(spec["nqfLevel"]) { // a national level: kept as a flag, the EQF level is what koers compares
		if l := d.conceptLabel(n); l != "" {
			o.Flags = append(o.Flags, fmt.Sprintf("level: %s (%s/nqfLevel/%d)", l, sp, i))
		}
	}
	if e := idOf(d.node(spec["eqfLevel"])); e != "" {
		where["eqf"] = sp + "/eqfLevel"
		if lv, err := ParseEQF(e); err == nil {
			o.EQF = lv
		} else {
			o.Flags = append(o.Flags, fmt.Sprintf("eqf: %q is not an EQF level; dropped (%s/eqfLevel)", e, sp))
		}
	}
	assessments := d.nodes(claim["provenBy"])
	if len(assessments) == 0 {
		assessments = d.nodes(spec["provenBy"])
	}
	for _, a := range assessments {
		as := d.node(a["specifiedBy"])
		if as == nil {
			as = a
		}
		if o.Assessment == "" {
			o.Assessment = text(as["title"], pref)
			if o.Assessment == "" {
				o.Assessment = d.conceptLabel(as["dcType"])
			}
		}
		if o.Supervision == "" {
			o.Supervision = d.conceptLabel(a["idVerification"])
		}
		if o.Grade == "" {
			o.Grade = text(d.get(as, "gradingScheme", "title"), pref)
		}
	}
	for i, m := range d.nodes(spec["mode"]) {
		md, ok := modeFromText(d.conceptLabel(m) + " " + idOf(m))
		if ok && o.Mode == "" {
			o.Mode = md
		} else if !ok {
			o.Flags = append(o.Flags, fmt.Sprintf("mode: %q is not a form of participation koers knows; dropped (%s/mode/%d)", d.conceptLabel(m), sp, i))
		}
	}
	if qa := d.accreditation(spec["accreditation"]); qa != "" {
		o.QA = qa
	}

	// Optional elements: prerequisites, stackability, parts, topic, page.
	for _, er := range d.nodes(spec["entryRequirement"]) {
		if t := text(er["noteLiteral"], pref); t != "" {
			o.Prerequisites = append(o.Prerequisites, t)
		}
	}
	switch strings.ToLower(str(spec["isPartialQualification"])) {
	case "true":
		o.Stackability = "stackable"
	case "false":
		o.Stackability = "stand-alone"
	}
	for _, p := range d.nodes(spec["isPartOf"]) {
		o.Relations = append(o.Relations, Relation{Kind: PartOf, Target: idOf(p), Label: text(p["title"], pref)})
		o.Stackability = "stackable"
	}
	for _, p := range d.nodes(spec["hasPart"]) {
		o.Flags = append(o.Flags, fmt.Sprintf("has part: %s %q", idOf(p), text(p["title"], pref)))
	}
	for _, ta := range d.nodes(spec["thematicArea"]) {
		if id := idOf(ta); strings.Contains(id, "/isced-f/") {
			o.ISCED = id[strings.LastIndex(id, "/")+1:]
			where["isced"] = sp + "/thematicArea"
			break
		}
	}
	if hp := d.node(spec["homepage"]); hp != nil {
		o.URL = str(hp["contentURL"])
	}
	return o, where
}

// accreditation names the quality assurance of a list of accreditations.
func (d *jsonDoc) accreditation(v any) string {
	var names []string
	for _, a := range d.nodes(v) {
		n := text(a["title"], "en")
		if n == "" {
			n = d.conceptLabel(a["dcType"])
		}
		if n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, "; ")
}

// implausibleActivities flags learning activities whose volume of learning
// exceeds the specification's maximum duration (the EU sample's P60M
// activity against a P1M maximum).
func (d *jsonDoc) implausibleActivities(claim, spec map[string]any, ptr, sp string) []string {
	maxD := str(spec["maximumDuration"])
	mx, err := ParseISODuration(maxD)
	if maxD == "" || err != nil {
		return nil
	}
	var flags []string
	raw := claim["influencedBy"]
	for i, act := range d.nodes(raw) {
		as := d.node(act["specifiedBy"])
		vol := str(act["volumeOfLearning"])
		at := ptr + "/influencedBy"
		if _, isList := raw.([]any); isList {
			at = fmt.Sprintf("%s/%d", at, i)
		}
		if vol == "" && as != nil {
			vol = str(as["volumeOfLearning"])
			at += "/specifiedBy"
		}
		if vol == "" {
			continue
		}
		du, err := ParseISODuration(vol)
		if err != nil {
			flags = append(flags, fmt.Sprintf("implausible: learning activity volumeOfLearning %v (%s/volumeOfLearning)", err, at))
			continue
		}
		if du.Months > mx.Months {
			title := text(act["title"], "en")
			if title == "" && as != nil {
				title = text(as["title"], "en")
			}
			flags = append(flags, fmt.Sprintf("implausible: learning activity %q volumeOfLearning %s (%g months) exceeds the maximumDuration %s (%s/volumeOfLearning)", title, vol, du.Months, maxD, at))
		}
	}
	return flags
}

func appendUnique(xs []string, x string) []string {
	for _, v := range xs {
		if v == x {
			return xs
		}
	}
	return append(xs, x)
}
