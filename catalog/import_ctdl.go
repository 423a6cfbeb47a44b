package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strconv"
	"strings"
)

// FormatCTDL is the Credential Engine Registry's JSON-LD (the Credential
// Transparency Description Language, `ceterms:` terms).
const FormatCTDL Format = "ctdl"

// looksLikeCTDL reports whether a JSON document uses the CTDL context or
// its terms (checked before the ELM and OB3 guesses: a CTDL document also
// has an @context).
func looksLikeCTDL(b []byte) bool {
	return strings.Contains(string(b), "credreg.net/ctdl") || strings.Contains(string(b), `"ceterms:`)
}

// ctdlDoc is a decoded CTDL document: its resources (the @graph, or the
// document itself) with their JSON pointers, indexed by @id.
type ctdlDoc struct {
	name string
	res  []map[string]any
	ptr  []string
	byID map[string]int
}

// ctdlLearningTypes are the non-credential resources that become offers.
var ctdlLearningTypes = []string{"Course", "LearningProgram", "LearningOpportunityProfile", "TrainingProgram"}

// ctdlCredentialSuffixes recognise CTDL's credential classes: Certificate,
// Badge, DigitalBadge, OpenBadge, MicroCredential, Certification, the
// degrees and diplomas, licences.
var ctdlCredentialSuffixes = []string{"Credential", "Certificate", "Certification", "Badge", "Degree", "Diploma", "License", "Doctorate"}

func ctdlType(n map[string]any) (string, bool) {
	for _, t := range types(n["@type"]) {
		t = strings.TrimPrefix(t, "ceterms:")
		for _, l := range ctdlLearningTypes {
			if t == l {
				return t, true
			}
		}
		for _, s := range ctdlCredentialSuffixes {
			if strings.HasSuffix(t, s) && !strings.Contains(t, "Organization") && t != "CredentialAlignmentObject" {
				return t, true
			}
		}
	}
	return "", false
}

func isCTDLOrg(n map[string]any) bool {
	for _, t := range types(n["@type"]) {
		if strings.HasSuffix(t, "Organization") {
			return true
		}
	}
	return false
}

// ParseCTDL reads a Credential Engine Registry JSON-LD document: a single
// resource or a @graph of them. Credentials (ceterms:Certificate, Badge,
// MicroCredential, degrees, …), Course and LearningProgram become offers:
// name and description (language maps), ownedBy as awarding body and
// offeredBy as provider (organizations described in the same document),
// estimatedCost (CostProfile price and ISO 4217 currency), estimatedDuration
// (ISO 8601 through ParseWorkload: hours as effort, P3M as a length),
// creditValue in ECTS or clock hours, inLanguage, deliveryType, keyword and
// subject, subjectWebpage. hasPart (and isPartOf) make the parts part_of
// the program or credential; a program's cost and duration are checked
// against the sum of its parts, a difference is a flag. Bad optional
// values are dropped with a flag naming their JSON pointer; a resource
// without its ctid, name or organization is refused.
func ParseCTDL(ctx context.Context, r io.Reader, name string, opt ParseOptions, errs *Errs) iter.Seq[Offer] {
	return func(yield func(Offer) bool) {
		d, ierr := readCTDL(r, name)
		if ierr != nil {
			errs.Add(*ierr)
			return
		}
		offers := map[int]*Offer{}
		where := map[int]map[string]string{}
		var order []int
		for i, n := range d.res {
			if _, ok := ctdlType(n); !ok {
				continue
			}
			o, w := d.offer(i)
			o.Source = opt.sourceFor("", name)
			offers[i], where[i] = &o, w
			order = append(order, i)
		}
		if len(order) == 0 {
			errs.Add(ImportError{File: name, Pointer: d.ptr0(), Msg: "no ceterms credential, Course or LearningProgram: nothing to import"})
			return
		}
		d.link(offers)
		d.checkParts(offers)
		for _, i := range order {
			if ctx.Err() != nil {
				return
			}
			o, w := offers[i], where[i]
			if finishOffer(o, true, name, 0, d.ptr[i], func(f string) string { return w[f] }, errs) && !yield(*o) {
				return
			}
		}
	}
}

func (d *ctdlDoc) ptr0() string {
	if len(d.ptr) > 0 {
		return d.ptr[0]
	}
	return ""
}

// readCTDL decodes the document and lists its resources.
func readCTDL(r io.Reader, name string) (*ctdlDoc, *ImportError) {
	lr := &io.LimitedReader{R: r, N: MaxDocumentBytes + 1}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if lr.N <= 0 {
			return nil, &ImportError{File: name, Msg: fmt.Sprintf("larger than %d MB (stopped reading)", MaxDocumentBytes>>20)}
		}
		return nil, &ImportError{File: name, Msg: "not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	d := &ctdlDoc{name: name, byID: map[string]int{}}
	add := func(n map[string]any, ptr string) {
		d.res = append(d.res, n)
		d.ptr = append(d.ptr, ptr)
		if id := str(n["@id"]); id != "" {
			d.byID[id] = len(d.res) - 1
		}
	}
	switch x := v.(type) {
	case map[string]any:
		if g, ok := x["@graph"].([]any); ok {
			for i, e := range g {
				if n, ok := e.(map[string]any); ok {
					add(n, "/@graph/"+strconv.Itoa(i))
				}
			}
		} else {
			add(x, "")
		}
	case []any:
		for i, e := range x {
			if n, ok := e.(map[string]any); ok {
				add(n, "/"+strconv.Itoa(i))
			}
		}
	default:
		return nil, &ImportError{File: name, Msg: "not a JSON object or array"}
	}
	return d, nil
}

// ref resolves a reference (an @id string, or {"@id": …}) to a resource
// of the document; ok is false when the document does not describe it.
func (d *ctdlDoc) ref(v any) (int, string, bool) {
	id := str(v)
	if m, isMap := v.(map[string]any); isMap {
		id = str(m["@id"])
	}
	i, ok := d.byID[id]
	return i, id, ok
}

// refs is every reference of a property (a list or one value).
func refs(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func (d *ctdlDoc) orgName(v any, field, ptr string, o *Offer) string {
	for k, r := range refs(v) {
		i, id, ok := d.ref(r)
		if !ok || !isCTDLOrg(d.res[i]) {
			o.Flags = append(o.Flags, fmt.Sprintf("%s: organization %s is not described in this file (%s/%d)", field, id, ptr, k))
			continue
		}
		if n := text(d.res[i]["ceterms:name"], "en"); n != "" {
			if o.Country == "" {
				for _, a := range refs(d.res[i]["ceterms:address"]) {
					if m, ok := a.(map[string]any); ok {
						if c, ok := CountryCode(str(m["ceterms:addressCountry"])); ok {
							o.Country = c
						}
					}
				}
			}
			return n
		}
	}
	return ""
}

// offer builds resource i's offer and where each field came from.
func (d *ctdlDoc) offer(i int) (Offer, map[string]string) {
	n, p := d.res[i], d.ptr[i]
	var o Offer
	where := map[string]string{"source_id": p + "/ceterms:ctid", "title": p + "/ceterms:name", "awarding_body": p + "/ceterms:ownedBy"}
	o.SourceID = str(n["ceterms:ctid"])
	title, lang, rest := pickLang(langMap(n["ceterms:name"]), "en")
	o.Title, o.TitleI18n = title, rest
	o.Description, _, o.DescI18n = pickLang(langMap(n["ceterms:description"]), lang)
	o.AwardingBody = d.orgName(n["ceterms:ownedBy"], "awarding_body", p+"/ceterms:ownedBy", &o)
	o.Provider = d.orgName(n["ceterms:offeredBy"], "provider", p+"/ceterms:offeredBy", &o)
	if o.Provider == "" {
		o.Provider = o.AwardingBody
	}
	if o.AwardingBody == "" {
		o.AwardingBody = o.Provider
	}
	o.URL = str(n["ceterms:subjectWebpage"])
	for k, l := range refs(n["ceterms:inLanguage"]) {
		if c, ok := LanguageCode(str(l)); ok {
			o.Languages = appendUnique(o.Languages, c)
		} else {
			o.Flags = append(o.Flags, fmt.Sprintf("languages: %q is not a language tag; dropped (%s/ceterms:inLanguage/%d)", str(l), p, k))
		}
	}
	o.Mode = ctdlMode(n["ceterms:deliveryType"])
	for _, kw := range refs(n["ceterms:keyword"]) {
		for _, s := range langMapAll(kw) {
			o.Keywords = appendUnique(o.Keywords, s)
		}
	}
	for _, s := range refs(n["ceterms:subject"]) {
		if m, ok := s.(map[string]any); ok {
			if t := text(m["ceterms:targetNodeName"], lang); t != "" {
				o.Keywords = appendUnique(o.Keywords, t)
			}
		}
	}
	if st, ok := n["ceterms:lifeCycleStatusType"].(map[string]any); ok && strings.HasSuffix(str(st["ceterms:targetNode"]), "Ceased") {
		o.Status = StatusWithdrawn
	}
	d.cost(&o, n, p, where)
	d.duration(&o, n, p, where)
	d.credit(&o, n, p, where)
	return o, where
}

// langMapAll is every text of a language map whose values may be lists
// (CTDL keywords: {"en-US": ["a", "b"]}).
func langMapAll(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, strings.TrimSpace(x))
	case map[string]any:
		for _, e := range x {
			out = append(out, langMapAll(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, langMapAll(e)...)
		}
	}
	return out
}

var reISO4217 = regexp.MustCompile(`^[A-Z]{3}$`)

// cost reads the CostProfiles: prices in one ISO 4217 currency add up
// (tuition plus fees); a currency that is not a code, or two currencies,
// leave the price unknown with a flag.
func (d *ctdlDoc) cost(o *Offer, n map[string]any, p string, where map[string]string) {
	var total Money
	cur, seen := "", false
	for k, c := range refs(n["ceterms:estimatedCost"]) {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		at := fmt.Sprintf("%s/ceterms:estimatedCost/%d", p, k)
		pr, ok := m["ceterms:price"]
		if !ok {
			continue
		}
		amount, err := ParseMoney(str(pr))
		if err != nil || amount < 0 {
			o.Flags = append(o.Flags, fmt.Sprintf("price: %q is not an amount; price left unknown (%s/ceterms:price)", str(pr), at))
			return
		}
		c := strings.TrimSpace(str(m["ceterms:currency"]))
		switch {
		case !reISO4217.MatchString(c):
			o.Flags = append(o.Flags, fmt.Sprintf("price: currency %q is not an ISO 4217 code; price left unknown (%s/ceterms:currency)", c, at))
			return
		case seen && c != cur:
			o.Flags = append(o.Flags, fmt.Sprintf("price: costs in %s and %s are not added; price left unknown (%s)", cur, c, at))
			return
		}
		cur, seen = c, true
		total += amount
		where["price"] = at + "/ceterms:price"
	}
	if seen {
		o.Price, o.Currency = &total, cur
	}
}

// duration reads the first DurationProfile: an exact duration, or a
// minimum and maximum of the same kind (hours, or a length in one unit).
func (d *ctdlDoc) duration(o *Offer, n map[string]any, p string, where map[string]string) {
	profiles := refs(n["ceterms:estimatedDuration"])
	if len(profiles) == 0 {
		return
	}
	m, ok := profiles[0].(map[string]any)
	if !ok {
		return
	}
	at := p + "/ceterms:estimatedDuration/0"
	read := func(key string) (Workload, bool) {
		v := str(m[key])
		if v == "" {
			return Workload{}, false
		}
		w, err := ParseWorkload(v, "")
		if err != nil {
			o.Flags = append(o.Flags, workloadFlag("hours", err, at+"/"+key))
			return Workload{}, false
		}
		return w, true
	}
	if w, ok := read("ceterms:exactDuration"); ok {
		o.SetWorkload(w)
		where["hours"] = at + "/ceterms:exactDuration"
		return
	}
	lo, lok := read("ceterms:minimumDuration")
	hi, hok := read("ceterms:maximumDuration")
	switch {
	case !lok || !hok:
		return
	case lo.Hours != nil && hi.Hours != nil:
		o.SetWorkload(Workload{Hours: &Range{lo.Hours.Min, hi.Hours.Max}})
	case lo.Length != nil && hi.Length != nil && lo.Length.Unit == hi.Length.Unit:
		o.SetWorkload(Workload{Length: &Length{Range{lo.Length.Min, hi.Length.Max}, lo.Length.Unit}})
	default:
		o.Flags = append(o.Flags, fmt.Sprintf("hours: minimum %v and maximum %v are not of one kind; left unknown (%s)", m["ceterms:minimumDuration"], m["ceterms:maximumDuration"], at))
		return
	}
	where["hours"] = at
}

// credit reads creditValue: ECTS, or clock hours as effort.
func (d *ctdlDoc) credit(o *Offer, n map[string]any, p string, where map[string]string) {
	for k, c := range refs(n["ceterms:creditValue"]) {
		m, ok := c.(map[string]any)
		if !ok {
			continue
		}
		at := fmt.Sprintf("%s/ceterms:creditValue/%d", p, k)
		v, ok := number(m["schema:value"])
		if !ok {
			continue
		}
		unit := ""
		for _, u := range refs(m["ceterms:creditUnitType"]) {
			if um, ok := u.(map[string]any); ok {
				unit = str(um["ceterms:targetNode"])
			}
		}
		switch low := strings.ToLower(unit); {
		case strings.Contains(low, "ects") || strings.Contains(low, "europeancredit"):
			o.ECTS = &v
			where["ects"] = at
		case strings.HasSuffix(low, "clockhour"):
			if o.Hours == nil && o.HoursRange == nil {
				o.Hours = &v
				where["hours"] = at
			}
		default:
			o.Flags = append(o.Flags, fmt.Sprintf("ects: %g %s are not ECTS; not used (%s)", v, unit, at))
		}
	}
}

// link turns hasPart and isPartOf into part_of relations on the parts.
func (d *ctdlDoc) link(offers map[int]*Offer) {
	for i, whole := range offers {
		for k, r := range refs(d.res[i]["ceterms:hasPart"]) {
			j, id, ok := d.ref(r)
			part := offers[j]
			if !ok || part == nil {
				whole.Flags = append(whole.Flags, fmt.Sprintf("relations: part %s is not described in this file; not linked (%s/ceterms:hasPart/%d)", id, d.ptr[i], k))
				continue
			}
			addPartOf(part, whole.SourceID)
		}
		for _, r := range refs(d.res[i]["ceterms:isPartOf"]) {
			if j, _, ok := d.ref(r); ok && offers[j] != nil {
				addPartOf(whole, offers[j].SourceID)
			}
		}
	}
}

func addPartOf(part *Offer, target string) {
	if target == "" {
		return
	}
	for _, r := range part.Relations {
		if r.Kind == PartOf && r.Target == target {
			return
		}
	}
	part.Relations = append(part.Relations, Relation{Kind: PartOf, Target: target})
}

// ctdlMode reads deliveryType: online only, in person, both (blended) or
// blended delivery.
func ctdlMode(v any) Mode {
	var online, inPerson, blended bool
	for _, dt := range refs(v) {
		if m, ok := dt.(map[string]any); ok {
			switch str(m["ceterms:targetNode"]) {
			case "deliveryType:OnlineOnly":
				online = true
			case "deliveryType:InPerson":
				inPerson = true
			case "deliveryType:BlendedDelivery":
				blended = true
			}
		}
	}
	switch {
	case blended || online && inPerson:
		return ModeBlended
	case online:
		return ModeOnline
	case inPerson:
		return ModeOnsite
	}
	return ""
}
