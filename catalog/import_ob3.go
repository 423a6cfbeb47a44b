package catalog

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
)

// ParseOB3 reads an Open Badges 3.0 credential (OpenBadgeCredential /
// AchievementCredential) or a bare Achievement. The achievement becomes a
// register entry: name and description (language from inLanguage, which
// may be a non-standard tag such as en-EN), creator or issuer as awarding
// body, creditsAvailable as ECTS (flagged: OB3 does not name the credit
// system), alignments to ESCO skills as learning outcomes, alignments to an
// EQF level as the level, criteria as the assessment. An achievementType
// other than MicroCredential is imported and flagged.
func ParseOB3(ctx context.Context, r io.Reader, name string, opt ParseOptions, errs *Errs) iter.Seq[Offer] {
	return func(yield func(Offer) bool) {
		d, ierr := readJSONDoc(r, name, opt.Limits)
		if ierr != nil {
			errs.Add(*ierr)
			return
		}
		var ach map[string]any
		ptr := "/credentialSubject/achievement"
		if subj := d.node(d.root["credentialSubject"]); subj != nil {
			ach = d.node(subj["achievement"])
		}
		if ach == nil && hasType(d.root, "Achievement") {
			ach, ptr = d.root, ""
		}
		if ach == nil {
			errs.Add(ImportError{File: name, Pointer: "/credentialSubject/achievement", Msg: "no achievement: not an Open Badges 3.0 credential"})
			return
		}
		o, where := d.ob3Offer(ach, ptr)
		o.Source = opt.sourceFor("", name)
		if ctx.Err() == nil && finishOffer(&o, true, name, 0, ptr, func(f string) string { return where[f] }, errs) {
			yield(o)
		}
	}
}

func (d *jsonDoc) ob3Offer(ach map[string]any, ptr string) (Offer, map[string]string) {
	var o Offer
	where := map[string]string{"title": ptr + "/name", "source_id": ptr + "/id", "awarding_body": ptr + "/creator"}
	o.SourceID = idOf(ach)
	lang := ""
	if l := str(ach["inLanguage"]); l != "" {
		if code, ok := LanguageCode(l); ok {
			lang = code
			o.Languages = []string{code}
		} else {
			o.Flags = append(o.Flags, fmt.Sprintf("languages: inLanguage %q is not a language tag; dropped (%s/inLanguage)", l, ptr))
		}
	}
	names := langMap(ach["name"])
	if t, ok := names[""]; ok && lang != "" { // a plain string is in inLanguage
		delete(names, "")
		names[lang] = t
	}
	o.Title, _, o.TitleI18n = pickLang(names, lang)
	desc := langMap(ach["description"])
	if t, ok := desc[""]; ok && lang != "" {
		delete(desc, "")
		desc[lang] = t
	}
	o.Description, _, o.DescI18n = pickLang(desc, lang)
	if t := str(ach["achievementType"]); t != "" && !strings.EqualFold(t, "MicroCredential") {
		o.Flags = append(o.Flags, fmt.Sprintf("achievementType %q is not MicroCredential (%s/achievementType)", t, ptr))
	}
	body := d.node(ach["creator"])
	if body == nil || text(body["name"], lang) == "" {
		body = d.node(d.root["issuer"])
		where["awarding_body"] = "/issuer/name"
	}
	if body != nil {
		o.AwardingBody = text(body["name"], lang)
		if addr := d.node(body["address"]); addr != nil {
			for _, k := range []string{"addressCountryCode", "addressCountry"} {
				if c, ok := CountryCode(str(addr[k])); ok {
					o.Country = c
					break
				}
			}
		}
	}
	o.Provider = o.AwardingBody
	if v, ok := ach["creditsAvailable"]; ok {
		where["ects"] = ptr + "/creditsAvailable"
		if f, ok := number(v); ok {
			o.ECTS = &f
			o.Flags = append(o.Flags, fmt.Sprintf("ects: creditsAvailable %g read as ECTS (Open Badges does not name the credit system)", f))
		} else {
			o.Flags = append(o.Flags, fmt.Sprintf("ects: creditsAvailable %q is not a number; dropped (%s/creditsAvailable)", str(v), ptr))
		}
	}
	for i, al := range d.nodes(ach["alignment"]) {
		url := str(al["targetUrl"])
		name := str(al["targetName"])
		switch {
		case isESCOSkill(url):
			o.Outcomes = append(o.Outcomes, Outcome{Text: name, Skills: []SkillRef{{URI: url, Label: name}}})
			where[fmt.Sprintf("learning_outcomes[%d].text", len(o.Outcomes)-1)] = fmt.Sprintf("%s/alignment/%d", ptr, i)
		case strings.Contains(url, "data.europa.eu/snb/eqf/"):
			if e, err := ParseEQF(url); err == nil {
				o.EQF = e
				where["eqf"] = fmt.Sprintf("%s/alignment/%d/targetUrl", ptr, i)
			}
		case ob3KnownAlignment(al): // a wallet extension, read by ob3Extensions
		default:
			o.Flags = append(o.Flags, fmt.Sprintf("alignment %q (%s) is not an ESCO skill; not linked (%s/alignment/%d)", name, url, ptr, i))
		}
	}
	if c := d.node(ach["criteria"]); c != nil {
		o.Assessment = text(c["narrative"], lang)
	}
	if u := str(ach["url"]); u != "" {
		o.URL = u
	}
	if fs := str(ach["fieldOfStudy"]); fs != "" {
		o.FurtherInfo = "Field of study: " + fs
	}
	d.ob3Extensions(ach, ptr, &o, where)
	return o, where
}
