package catalog

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// xnode is an XML element with the line it starts on and its path.
type xnode struct {
	name  string // local name
	attrs map[string]string
	text  string
	kids  []*xnode
	line  int
	path  string
}

func (n *xnode) all(name string) []*xnode {
	var out []*xnode
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

func (n *xnode) first(name string) *xnode {
	for _, k := range n.all(name) {
		return k
	}
	return nil
}

func (n *xnode) attr(a string) string {
	if n == nil {
		return ""
	}
	return strings.TrimSpace(n.attrs[a])
}

func (n *xnode) textOf(name string) string {
	if k := n.first(name); k != nil {
		return strings.TrimSpace(k.text)
	}
	return ""
}

// at is where a node is, for messages: "line 12, /Courses/…/title".
func (n *xnode) at() string { return fmt.Sprintf("line %d, %s", n.line, n.path) }

// langTexts is the language map of the repeated element name.
func (n *xnode) langTexts(name string) map[string]string {
	out := map[string]string{}
	for _, k := range n.all(name) {
		if t := strings.TrimSpace(k.text); t != "" {
			l := strings.ToLower(k.attr("language"))
			if _, ok := out[l]; !ok {
				out[l] = t
			}
		}
	}
	return out
}

// readXML builds the element tree of one document of at most
// MaxDocumentBytes, keeping no text of embedded "content" elements.
func readXML(r io.Reader, name string, lim Limits) (*xnode, *ImportError) {
	lim = lim.or()
	elements := 0
	lr := &io.LimitedReader{R: r, N: MaxDocumentBytes + 1}
	text, utf16 := decodeBOM(bufio.NewReader(lr))
	dec := xml.NewDecoder(text)
	dec.Strict = true
	var charsetErr error
	dec.CharsetReader = xmlCharsetReader(utf16, &charsetErr)
	var stack []*xnode
	var root *xnode
	count := map[string]int{}
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if lr.N <= 0 {
				return nil, &ImportError{File: name, Line: line, Msg: fmt.Sprintf("larger than %d MB (stopped reading)", MaxDocumentBytes>>20)}
			}
			if charsetErr != nil {
				return nil, &ImportError{File: name, Line: line, Msg: charsetErr.Error()}
			}
			msg := strings.TrimPrefix(err.Error(), "XML syntax error on line ")
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line, msg = se.Line, se.Msg
			}
			return nil, &ImportError{File: name, Line: line, Msg: "not valid XML: " + msg}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if elements++; elements > lim.Elements {
				return nil, limitAt(&LimitError{File: name, Line: line, Limit: "number of XML elements", Got: int64(elements), Max: int64(lim.Elements), Unit: "elements"})
			}
			n := &xnode{name: t.Name.Local, attrs: map[string]string{}, line: line}
			for _, a := range t.Attr {
				if len(a.Value) > lim.FieldBytes {
					return nil, limitAt(&LimitError{File: name, Line: line, Limit: "attribute length", Got: int64(len(a.Value)), Max: int64(lim.FieldBytes), Unit: "bytes"})
				}
				n.attrs[a.Name.Local] = a.Value
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1].path
			}
			key := parent + "/" + n.name
			count[key]++
			n.path = fmt.Sprintf("%s[%d]", key, count[key])
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
			if len(stack) > lim.Depth {
				return nil, limitAt(&LimitError{File: name, Line: line, Limit: "nesting depth", Got: int64(len(stack)), Max: int64(lim.Depth), Unit: "levels"})
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1].name != "content" {
				top := stack[len(stack)-1]
				if len(top.text)+len(t) > lim.FieldBytes {
					return nil, limitAt(&LimitError{File: name, Line: line, Limit: "text of one element", Got: int64(len(top.text) + len(t)), Max: int64(lim.FieldBytes), Unit: "bytes"})
				}
				top.text += string(t)
			}
		}
	}
	if root == nil {
		return nil, &ImportError{File: name, Line: 1, Msg: "no XML element"}
	}
	return root, nil
}

// ParseLOQ reads an ELM learning-opportunity register document (LOQ XML,
// root Courses): every learningOpportunity becomes a register entry, with
// its learning achievement specification, outcomes, provider, location,
// assessment and accreditation resolved through their references. The EU
// samples hold schema-generated junk values: a bad optional value is
// dropped and flagged on the entry, naming its line and XML path; an entry
// without its required id, title or provider is refused.
func ParseLOQ(ctx context.Context, r io.Reader, name string, opt ParseOptions, errs *Errs) iter.Seq[Offer] {
	return func(yield func(Offer) bool) {
		root, ierr := readXML(r, name, opt.Limits)
		if ierr != nil {
			errs.Add(*ierr)
			return
		}
		if root.name != "Courses" {
			errs.Add(ImportError{File: name, Line: root.line, Pointer: "/" + root.name, Msg: "root element is not Courses: not an LOQ document"})
			return
		}
		byID := map[string]*xnode{}
		for _, sec := range root.kids {
			for _, n := range sec.kids {
				if id := n.attr("id"); id != "" {
					byID[id] = n
				}
			}
		}
		los := root.first("learningOpportunityReferences").all("learningOpportunity")
		if len(los) == 0 {
			errs.Add(ImportError{File: name, Line: root.line, Pointer: root.path + "/learningOpportunityReferences", Msg: "no learningOpportunity elements"})
			return
		}
		partOf := map[string][]string{} // part id → whole ids
		for _, lo := range los {
			for _, hp := range lo.all("hasPart") {
				partOf[hp.attr("idref")] = append(partOf[hp.attr("idref")], lo.attr("id"))
			}
		}
		for _, lo := range los {
			if ctx.Err() != nil {
				return
			}
			o, where, hard := loqOffer(lo, byID)
			for _, w := range partOf[o.SourceID] {
				o.Relations = append(o.Relations, Relation{Kind: PartOf, Target: w})
				o.Stackability = "stackable"
			}
			o.Source = opt.sourceFor("", name)
			if len(hard) > 0 {
				for _, h := range hard {
					errs.Add(ImportError{File: name, Line: h.line, Pointer: h.path, Field: h.field, Msg: h.msg})
				}
				continue
			}
			if finishOffer(&o, true, name, lo.line, lo.path, func(f string) string { return where[f] }, errs) && !yield(o) {
				return
			}
		}
	}
}

type loqProblem struct {
	line        int
	path, field string
	msg         string
}

func loqOffer(lo *xnode, byID map[string]*xnode) (Offer, map[string]string, []loqProblem) {
	var o Offer
	var hard []loqProblem
	where := map[string]string{}
	flag := func(n *xnode, field, format string, args ...any) {
		o.Flags = append(o.Flags, fmt.Sprintf("%s: %s; dropped (%s)", field, fmt.Sprintf(format, args...), n.at()))
	}
	ref := func(n *xnode) *xnode {
		if n == nil {
			return nil
		}
		return byID[n.attr("idref")]
	}
	o.SourceID = lo.attr("id")
	if o.SourceID == "" {
		hard = append(hard, loqProblem{lo.line, lo.path, "source_id", "learningOpportunity has no id attribute"})
	}
	o.Title, _, o.TitleI18n = pickLang(lo.langTexts("title"), "")
	where["title"] = lo.at()
	spec := ref(lo.first("learningAchievementSpecification"))
	if o.Title == "" && spec != nil {
		o.Title, _, o.TitleI18n = pickLang(spec.langTexts("title"), "")
	}
	if o.Title == "" {
		hard = append(hard, loqProblem{lo.line, lo.path + "/title", "title", "required element title is missing"})
	}
	o.Description, _, o.DescI18n = pickLang(lo.langTexts("description"), "")

	// Provider and location (Annex I 3, 4).
	for _, p := range lo.all("providedBy") {
		org := ref(p)
		if org == nil {
			flag(p, "provider", "reference %q resolves to nothing", p.attr("idref"))
			continue
		}
		if n, _, _ := pickLang(org.langTexts("legalName"), "en"); n != "" && o.Provider == "" {
			o.Provider = n
		}
	}
	if o.Provider == "" {
		hard = append(hard, loqProblem{lo.line, lo.path + "/providedBy", "awarding_body", "required element providedBy (an organisation with a legalName) is missing"})
	}
	o.AwardingBody = o.Provider
	for _, l := range lo.all("location") {
		loc := ref(l)
		if loc == nil {
			continue
		}
		for _, addr := range loc.all("address") {
			cc := addr.first("countryCode")
			if cc == nil {
				continue
			}
			if c, ok := CountryCode(cc.attr("uri")); ok && o.Country == "" {
				o.Country = c
				where["country"] = cc.at()
			} else if !ok {
				flag(cc, "country", "%q is not a country koers knows", cc.attr("uri"))
			}
		}
	}
	if t := lo.first("temporal"); t != nil {
		o.Start = loqDate(t.first("startDate"), "start", flag)
		o.End = loqDate(t.first("endDate"), "end", flag)
		where["start"], where["end"] = t.at(), t.at()
	}
	if ad := lo.first("applicationDeadline"); ad != nil {
		o.ApplyBy = loqDate(ad, "apply_by", flag)
		where["apply_by"] = ad.at()
	}
	for _, pd := range lo.all("priceDetail") {
		amt := pd.first("amount")
		if amt == nil || o.Price != nil {
			continue
		}
		v := amt.first("value")
		if v == nil {
			continue
		}
		m, err := ParseMoney(strings.TrimSpace(v.text))
		if err != nil {
			flag(v, "price", "%v", err)
			continue
		}
		o.Price = &m
		o.Currency = lastSegment(amt.first("unit").attr("uri"))
		where["price"], where["currency"] = v.at(), amt.at()
	}
	if hp := lo.first("homepage"); hp != nil {
		o.URL = hp.textOf("contentUrl")
	}
	for _, m := range lo.all("mode") {
		loqMode(&o, m, flag)
	}
	if spec != nil {
		loqSpec(&o, spec, byID, where, flag)
	}
	return o, where, hard
}

func loqSpec(o *Offer, spec *xnode, byID map[string]*xnode, where map[string]string, flag func(*xnode, string, string, ...any)) {
	ref := func(n *xnode) *xnode { return byID[n.attr("idref")] }
	if e := spec.first("EQFLevel"); e != nil {
		if lv, err := ParseEQF(e.attr("uri")); err == nil {
			o.EQF = lv
			where["eqf"] = e.at()
		} else {
			flag(e, "eqf", "%q is not an EQF level", e.attr("uri"))
		}
	}
	for _, cp := range spec.all("creditPoint") {
		fw := cp.first("framework").attr("uri")
		pt := cp.first("point")
		if pt == nil || !strings.Contains(fw, "6fcec5c5af") {
			continue
		}
		f, ok := number(strings.TrimSpace(pt.text))
		if !ok {
			flag(pt, "ects", "%q is not a number", strings.TrimSpace(pt.text))
			continue
		}
		o.ECTS = &f
		where["ects"] = pt.at()
	}
	if v := spec.first("volumeOfLearning"); v != nil {
		o.Flags = append(o.Flags, isoVolume(o, v.text, v.at())...)
		where["hours"] = v.at()
	}
	for _, l := range spec.all("language") {
		if c, ok := LanguageCode(l.attr("uri")); ok {
			o.Languages = appendUnique(o.Languages, c)
		} else {
			flag(l, "languages", "%q is not a language koers knows", l.attr("uri"))
		}
	}
	if o.Mode == "" {
		for _, m := range spec.all("mode") {
			loqMode(o, m, flag)
		}
	}
	for _, c := range spec.all("ISCEDFCode") {
		if id := c.attr("uri"); strings.Contains(id, "/isced-f/") && o.ISCED == "" {
			o.ISCED = lastSegment(id)
			where["isced"] = c.at()
		}
	}
	for _, lr := range spec.all("learningOutcome") {
		lo := ref(lr)
		if lo == nil {
			flag(lr, "learning_outcomes", "reference %q resolves to nothing", lr.attr("idref"))
			continue
		}
		out := Outcome{}
		out.Text, _, _ = pickLang(lo.langTexts("title"), "en")
		for _, sk := range lo.all("relatedESCOSkill") {
			if uri := sk.attr("uri"); isESCOSkill(uri) {
				out.Skills = append(out.Skills, SkillRef{URI: uri})
			} else {
				flag(sk, "learning_outcomes", "skill %q is not an ESCO URI", uri)
			}
		}
		if out.Text != "" || len(out.Skills) > 0 {
			where[fmt.Sprintf("learning_outcomes[%d].text", len(o.Outcomes))] = lo.at()
			o.Outcomes = append(o.Outcomes, out)
		}
	}
	for _, er := range spec.all("entryRequirement") {
		if t, _, _ := pickLang(er.langTexts("noteLiteral"), "en"); t != "" {
			o.Prerequisites = append(o.Prerequisites, t)
		}
	}
	switch strings.TrimSpace(spec.textOf("isPartialQualification")) {
	case "true":
		o.Stackability = "stackable"
	case "false":
		o.Stackability = "stand-alone"
	}
	for _, p := range spec.all("provenBy") {
		if a := ref(p); a != nil && o.Assessment == "" {
			o.Assessment, _, _ = pickLang(a.langTexts("title"), "en")
		}
	}
	var qa []string
	for _, a := range spec.all("accreditation") {
		if acc := ref(a); acc != nil {
			if t, _, _ := pickLang(acc.langTexts("title"), "en"); t != "" {
				qa = append(qa, t)
			}
		}
	}
	o.QA = strings.Join(qa, "; ")
}

func loqMode(o *Offer, m *xnode, flag func(*xnode, string, string, ...any)) {
	md, ok := modeFromText(m.attr("uri"))
	switch {
	case ok && o.Mode == "":
		o.Mode = md
	case !ok:
		flag(m, "mode", "%q is not a form of participation koers knows", m.attr("uri"))
	}
}

func loqDate(n *xnode, field string, flag func(*xnode, string, string, ...any)) Date {
	if n == nil {
		return Date{}
	}
	d, err := parseDateCell(n.text)
	if err != nil {
		flag(n, field, "%v", err)
		return Date{}
	}
	return d
}

func lastSegment(uri string) string {
	uri = strings.TrimRight(uri, "/")
	return uri[strings.LastIndexByte(uri, '/')+1:]
}
