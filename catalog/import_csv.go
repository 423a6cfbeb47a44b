package catalog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// ParseCSV reads a CSV register: koers's own columns (the JSON names of
// the offer fields, multi-valued cells separated by "|", title_LANG and
// description_LANG for other languages), or, with opt.Map, a provider's
// own columns. Valid offers are yielded; problems go to errs, naming the
// line, the field and the column.
func ParseCSV(ctx context.Context, r io.Reader, name string, opt ParseOptions, errs *Errs) iter.Seq[Offer] {
	return func(yield func(Offer) bool) {
		m := opt.Map
		br := bufio.NewReaderSize(r, 256<<10)
		r, utf16 := decodeBOM(br) // a byte-order mark outranks the mapping's encoding
		if m != nil && !utf16 {
			switch strings.ToLower(m.Encoding) {
			case "latin1", "latin-1", "iso-8859-1":
				r = charmap.ISO8859_1.NewDecoder().Reader(r)
			case "windows-1252", "cp1252":
				r = charmap.Windows1252.NewDecoder().Reader(r)
			}
		}
		br = bufio.NewReaderSize(newRecordLimiter(r, name, opt.Limits.or().RecordBytes), 256<<10)
		cr := csv.NewReader(br)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		cr.Comma = sniffDelimiter(br, m)
		headerRow := 1
		if m != nil && m.HeaderRow > 1 {
			headerRow = m.HeaderRow
		}
		var head []string
		for i := 1; i <= headerRow; i++ {
			rec, err := cr.Read()
			if le, ok := asLimit(err); ok {
				errs.Add(le.ImportError())
				return
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					errs.Add(ImportError{File: name, Line: i, Msg: "no header row"})
				} else {
					errs.Add(ImportError{File: name, Line: i, Msg: "not CSV: " + csvMsg(err)})
				}
				return
			}
			head = append(head[:0], rec...)
		}
		if i, bin := binaryHeader(head); bin {
			errs.Add(ImportError{File: name, Line: headerRow, Field: fmt.Sprintf("column %d", i+1), Msg: "holds control bytes: binary data, not a CSV file"})
			return
		}
		for i, h := range head {
			if !utf8.ValidString(h) {
				errs.Add(ImportError{File: name, Line: headerRow, Field: fmt.Sprintf("column %d", i+1), Msg: latin1Hint})
				return
			}
		}
		cols, ok := csvColumns(head, m, name, headerRow, errs)
		if !ok {
			return
		}
		for n := 0; ; n++ {
			if n%1024 == 0 && ctx.Err() != nil {
				return
			}
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			if le, ok := asLimit(err); ok {
				errs.Add(le.ImportError())
				return
			}
			line := 0
			if err == nil {
				line, _ = cr.FieldPos(0)
			} else {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					line = pe.StartLine
				}
				errs.Add(ImportError{File: name, Line: line, Msg: "not CSV: " + csvMsg(err)})
				if errs.Full() || pe == nil || pe.Err != csv.ErrFieldCount {
					return
				}
				continue
			}
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			if len(rec) > len(head) {
				if errs.Add(ImportError{File: name, Line: line, Msg: rowCellsError(len(rec), len(head))}) {
					return
				}
				continue
			}
			if bad := firstInvalidUTF8(rec, head); bad != "" {
				if errs.Add(ImportError{File: name, Line: line, Field: bad, Msg: latin1Hint}) {
					return
				}
				continue
			}
			cell := func(c int) string {
				if c >= 0 && c < len(rec) {
					return strings.TrimSpace(rec[c])
				}
				return ""
			}
			cols.row++
			if m != nil && skipRow(m, cols, cell) {
				continue
			}
			o, probs := csvOffer(cols, cell, m)
			locateFlags(&o, name, line)
			src := ""
			if m != nil {
				src = m.Source
			}
			if o.Source == "" {
				o.Source = src
			}
			o.Source = opt.sourceFor(o.Source, name)
			for _, p := range probs {
				if errs.Add(ImportError{File: name, Line: line, Field: p.Field, Msg: p.Msg}) {
					return
				}
			}
			if len(probs) > 0 {
				continue
			}
			if finishOffer(&o, false, name, line, "", nil, errs) && !yieldAt(yield, o, line, opt.Lines) {
				return
			}
			if errs.Full() {
				return
			}
		}
	}
}

const latin1Hint = "not UTF-8 text (the file looks Latin-1 or Windows-1252: save it as UTF-8, or set \"encoding\": \"latin1\" in a mapping file)"

// sniffDelimiter picks the delimiter: the mapping's, else the most common
// of , ; tab in the first line.
func sniffDelimiter(br *bufio.Reader, m *Mapping) rune {
	if m != nil && m.Delimiter != "" {
		r, _ := utf8.DecodeRuneInString(m.Delimiter)
		return r
	}
	head, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := ',', bytes.Count(head, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if c := bytes.Count(head, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

// csvCols says, per offer field, which column holds it (-1: none) and how.
type csvCols struct {
	idx     map[string]int // field → column
	col     map[string]string
	perWeek map[string]int   // field → per-week column
	header  map[string]int   // header (folded) → column, for skip rules
	multi   map[string][]int // field → columns joined (a mapping's columns)
	row     int              // the data row being read, 1-based (a mapping's row)
}

func csvColumns(head []string, m *Mapping, name string, line int, errs *Errs) (csvCols, bool) {
	c := csvCols{idx: map[string]int{}, col: map[string]string{}, perWeek: map[string]int{}, header: map[string]int{}, multi: map[string][]int{}}
	exact := map[string]int{}
	for i, h := range head {
		h = strings.TrimSpace(h)
		exact[h] = i
		if _, dup := c.header[strings.ToLower(h)]; !dup {
			c.header[strings.ToLower(h)] = i
		}
	}
	find := func(h string) (int, bool) {
		if i, ok := exact[h]; ok {
			return i, true
		}
		i, ok := c.header[strings.ToLower(strings.TrimSpace(h))]
		return i, ok
	}
	ok := true
	if m == nil {
		for i, h := range head {
			f := strings.ToLower(strings.TrimSpace(h))
			if !knownField(f) {
				errs.Add(ImportError{File: name, Line: line, Field: h, Msg: "is not a koers column (use --map FILE to import a provider's own CSV)"})
				ok = false
				continue
			}
			c.idx[f], c.col[f] = i, h
		}
		for _, req := range []string{"source_id", "title"} {
			if _, has := c.idx[req]; !has {
				errs.Add(ImportError{File: name, Line: line, Field: req, Msg: "required column missing from the header"})
				ok = false
			}
		}
		return c, ok
	}
	for f, fm := range m.Fields {
		if fm.Column != "" {
			i, has := find(fm.Column)
			if !has {
				errs.Add(ImportError{File: m.name, Pointer: "/fields/" + f + "/column", Field: f, Msg: fmt.Sprintf("column %q is not in %s's header", fm.Column, name)})
				ok = false
				continue
			}
			c.idx[f], c.col[f] = i, fm.Column
		}
		for j, col := range fm.Columns {
			i, has := find(col)
			if !has {
				errs.Add(ImportError{File: m.name, Pointer: fmt.Sprintf("/fields/%s/columns/%d", f, j), Field: f, Msg: fmt.Sprintf("column %q is not in %s's header", col, name)})
				ok = false
				continue
			}
			c.multi[f] = append(c.multi[f], i)
		}
		if len(fm.Columns) > 0 {
			c.col[f] = strings.Join(fm.Columns, "+")
		}
		if fm.PerWeekColumn != "" {
			i, has := find(fm.PerWeekColumn)
			if !has {
				errs.Add(ImportError{File: m.name, Pointer: "/fields/" + f + "/per_week_column", Field: f, Msg: fmt.Sprintf("column %q is not in %s's header", fm.PerWeekColumn, name)})
				ok = false
				continue
			}
			c.perWeek[f] = i
		}
	}
	for i, s := range m.Skip {
		if _, has := find(s.Column); !has {
			errs.Add(ImportError{File: m.name, Pointer: fmt.Sprintf("/skip/%d/column", i), Msg: fmt.Sprintf("column %q is not in %s's header", s.Column, name)})
			ok = false
		}
	}
	return c, ok
}

func skipRow(m *Mapping, c csvCols, cell func(int) string) bool {
	for _, s := range m.Skip {
		i, has := c.header[strings.ToLower(strings.TrimSpace(s.Column))]
		if !has {
			continue
		}
		v := cell(i)
		if s.Empty && v == "" {
			return true
		}
		for _, x := range s.Values {
			if Fold(x) == Fold(v) {
				return true
			}
		}
		if s.re != nil && s.re.MatchString(v) {
			return true
		}
	}
	return false
}

// csvOffer builds an offer from one row. Problems name the field and, in
// the message, the column.
func csvOffer(c csvCols, cell func(int) string, m *Mapping) (Offer, Problems) {
	var o Offer
	var p Problems
	get := func(f string) (string, bool) {
		i, has := c.idx[f]
		v := ""
		if has {
			v = cell(i)
		}
		if m != nil {
			fm := m.Fields[f]
			v = mappedCell(fm, c, f, v, cell)
			if v == "" {
				v = fm.Default
			}
			if v != "" && fm.folded != nil {
				mv, ok := fm.folded[Fold(v)]
				if !ok {
					mv, ok = fm.folded["*"]
				}
				if !ok {
					p.add(f, "%q (column %q) is not in the mapping's value map", v, c.col[f])
					return "", false
				}
				v = mv
			}
		}
		return v, v != ""
	}
	bad := func(f, msg string) {
		if col := c.col[f]; col != "" && col != f {
			msg += fmt.Sprintf(" (column %q)", col)
		}
		p = append(p, FieldError{Field: f, Msg: msg})
	}
	split := func(f string) []string {
		v, ok := get(f)
		if !ok {
			return nil
		}
		sep := "|"
		if m != nil && m.Fields[f].Split != "" {
			sep = m.Fields[f].Split
		}
		var out []string
		for _, x := range strings.Split(v, sep) {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
		return out
	}
	str := func(f string) string { v, _ := get(f); return v }
	o.Source, o.SourceID, o.Title, o.Description = str("source"), str("source_id"), str("title"), str("description")
	o.Provider, o.AwardingBody, o.Country, o.Region = str("provider"), str("awarding_body"), strings.ToUpper(str("country")), strings.ToUpper(str("region"))
	o.Assessment, o.QA, o.Supervision, o.Stackability = str("assessment"), str("quality_assurance"), str("supervision"), str("stackability")
	o.FurtherInfo, o.URL, o.Grade, o.ISCED = str("further_information"), str("url"), str("grading"), str("isced")
	o.Schedule, o.Location, o.Status = str("schedule"), str("location"), Status(str("status"))
	o.Currency = strings.ToUpper(str("currency"))
	o.Prerequisites, o.Schemes = split("prerequisites"), split("schemes")
	for _, l := range split("languages") {
		if code, ok := LanguageCode(l); ok {
			o.Languages = append(o.Languages, code)
		} else {
			o.Languages = append(o.Languages, l) // validation names it
		}
	}
	i18n := make([]string, 0, 4)
	for f := range c.idx {
		i18n = append(i18n, f)
	}
	if m != nil {
		for f, fm := range m.Fields {
			if fm.Column == "" {
				i18n = append(i18n, f)
			}
		}
	}
	for _, f := range i18n {
		if mm := reI18nField.FindStringSubmatch(f); mm != nil {
			if v := str(f); v != "" {
				if mm[1] == "title" {
					if o.TitleI18n == nil {
						o.TitleI18n = map[string]string{}
					}
					o.TitleI18n[mm[2]] = v
				} else {
					if o.DescI18n == nil {
						o.DescI18n = map[string]string{}
					}
					o.DescI18n[mm[2]] = v
				}
			}
		}
	}
	for _, t := range split("learning_outcomes") {
		o.Outcomes = append(o.Outcomes, Outcome{Text: t})
	}
	if sk := split("skills"); len(sk) > 0 {
		refs, msg := skillRefs(sk)
		if msg != "" {
			bad("skills", msg)
		}
		if len(refs) > 0 {
			o.Outcomes = append(o.Outcomes, Outcome{Skills: refs})
		}
	}
	o.Level, o.Keywords = str("level"), split("keywords")
	for _, k := range []RelationKind{PartOf, StacksTowards, PrerequisiteOf} {
		for _, t := range split(string(k)) {
			o.Relations = append(o.Relations, Relation{Kind: k, Target: t})
		}
	}
	if v, ok := get("ects"); ok {
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(strings.TrimSuffix(strings.ToUpper(v), "ECTS")), ",", "."), 64)
		if err != nil {
			bad("ects", fmt.Sprintf("%q is not a number", v))
		} else {
			o.ECTS = &f
		}
	}
	csvWorkload(&o, c, cell, m, get)
	if v, ok := get("eqf"); ok {
		e, err := parseEQFCell(v)
		if err != nil {
			bad("eqf", err.Error())
		}
		o.EQF = e
	}
	if v, ok := get("mode"); ok {
		if Mode(strings.ToLower(v)).Valid() {
			o.Mode = Mode(strings.ToLower(v))
		} else if md, ok := modeFromText(v); ok {
			o.Mode = md
		} else {
			bad("mode", fmt.Sprintf("%q is not a form of participation (online, onsite, blended, volunteering, work-experience)", v))
		}
	}
	csvPrice(&o, c, get, bad)
	for _, d := range []struct {
		f   string
		dst *Date
	}{{"start", &o.Start}, {"end", &o.End}, {"apply_by", &o.ApplyBy}} {
		if v, ok := get(d.f); ok {
			dt, err := parseDateCell(v)
			if err != nil {
				bad(d.f, err.Error())
			}
			*d.dst = dt
		}
	}
	return o, p
}
