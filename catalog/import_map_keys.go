package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// MapValue is a value of a mapping's value map: a JSON string or number
// ("Introductory": 3 maps a provider's level to EQF 3).
type MapValue string

// UnmarshalJSON reads a string or a number.
func (v *MapValue) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = MapValue(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		// Kept marked, so ParseMapping can name its JSON pointer (a
		// decoder error would not name the map key).
		*v = MapValue(badMapValue + string(b))
		return nil
	}
	*v = MapValue(n.String())
	return nil
}

// badMapValue marks a map value that was neither a string nor a number.
const badMapValue = "\x00"

// checkSources reports a field map that names no source, or more than one.
func checkSources(fm FieldMap, ptr string, bad func(ptr, msg string)) {
	n := 0
	for _, set := range []bool{fm.Column != "", len(fm.Columns) > 0, fm.Row} {
		if set {
			n++
		}
	}
	switch {
	case n == 0 && fm.Default == "":
		bad(ptr, "needs a column, columns, row or a default")
	case n > 1:
		bad(ptr, "takes one of column, columns and row")
	}
	for i, c := range fm.Columns {
		if strings.TrimSpace(c) == "" {
			bad(fmt.Sprintf("%s/columns/%d", ptr, i), "is empty")
		}
	}
	if len(fm.Columns) == 1 {
		bad(ptr+"/columns", "names one column: use column")
	}
}

// foldSet is the folded placeholders of a mapping and one field.
func foldSet(lists ...[]string) map[string]bool {
	var out map[string]bool
	for _, l := range lists {
		for _, s := range l {
			if out == nil {
				out = map[string]bool{}
			}
			out[Fold(s)] = true
			out[strings.ToLower(strings.TrimSpace(s))] = true // "-", "?" fold to nothing
		}
	}
	return out
}

// isPlaceholder reports whether cell v is one of fm's "not known" values.
func (fm FieldMap) isPlaceholder(v string) bool {
	if fm.unknown == nil || v == "" {
		return false
	}
	return fm.unknown[strings.ToLower(v)] || (Fold(v) != "" && fm.unknown[Fold(v)])
}

// jsonKeys is the set of JSON keys of a struct type.
func jsonKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}

// unknownKeys is the JSON pointer of every key of a mapping file that is
// not a mapping key (a typo such as "colum"), in file order.
func unknownKeys(b []byte) []string {
	var top map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil {
		return nil
	}
	var out []string
	topKeys, fieldKeys, skipKeys := jsonKeys(reflect.TypeFor[Mapping]()), jsonKeys(reflect.TypeFor[FieldMap]()), jsonKeys(reflect.TypeFor[SkipRule]())
	for _, k := range keysInOrder(b, top) {
		switch {
		case !slices.Contains(topKeys, k):
			out = append(out, "/"+escapePtr(k))
		case k == "fields":
			var fields map[string]json.RawMessage
			if json.Unmarshal(top[k], &fields) != nil {
				continue
			}
			for _, f := range keysInOrder(top[k], fields) {
				var fm map[string]json.RawMessage
				if json.Unmarshal(fields[f], &fm) != nil {
					continue
				}
				for _, fk := range keysInOrder(fields[f], fm) {
					if !slices.Contains(fieldKeys, fk) {
						out = append(out, "/fields/"+escapePtr(f)+"/"+escapePtr(fk))
					}
				}
			}
		case k == "skip":
			var rules []map[string]json.RawMessage
			if json.Unmarshal(top[k], &rules) != nil {
				continue
			}
			for i, r := range rules {
				for _, rk := range keysInOrder(nil, r) {
					if !slices.Contains(skipKeys, rk) {
						out = append(out, "/skip/"+strconv.Itoa(i)+"/"+escapePtr(rk))
					}
				}
			}
		}
	}
	return out
}

// keysInOrder is m's keys in the order they appear in the object's text b
// (alphabetical when b is nil).
func keysInOrder(b []byte, m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int {
		if b != nil {
			kx, _ := json.Marshal(x)
			ky, _ := json.Marshal(y)
			if c := bytes.Index(b, kx) - bytes.Index(b, ky); c != 0 {
				return c
			}
		}
		return strings.Compare(x, y)
	})
	return keys
}

// escapePtr escapes a key for a JSON pointer (RFC 6901).
func escapePtr(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

// keyHint suggests the mapping key a typo was meant to be.
func keyHint(ptr string) string {
	parts := strings.Split(ptr, "/")
	last := parts[len(parts)-1]
	var keys []string
	switch {
	case len(parts) == 2:
		keys = jsonKeys(reflect.TypeFor[Mapping]())
	case parts[1] == "fields":
		keys = jsonKeys(reflect.TypeFor[FieldMap]())
	default:
		keys = jsonKeys(reflect.TypeFor[SkipRule]())
	}
	for _, k := range keys {
		if editDistance1(last, k) {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	return " (one of " + strings.Join(keys, ", ") + ")"
}

// editDistance1 reports whether a and b differ by one insertion, deletion,
// substitution or transposition of neighbours.
func editDistance1(a, b string) bool {
	if a == b || len(a)-len(b) > 1 || len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) == len(b) && i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i]:
		return a[i+2:] == b[i+2:] // a transposition: "feilds"
	case len(a) == len(b):
		return a[i+1:] == b[i+1:]
	case len(a) > len(b):
		return a[i+1:] == b[i:]
	}
	return a[i:] == b[i+1:]
}

// mappedCell is field f's cell under a mapping: several columns joined,
// the row number, or the column's cell; a placeholder is "" (unknown).
// A key built from columns with an empty part is "" too: half a key would
// silently collide with another row's.
func mappedCell(fm FieldMap, c csvCols, f, v string, cell func(int) string) string {
	switch {
	case fm.Row:
		return strconv.Itoa(c.row)
	case len(c.multi[f]) > 0:
		parts := make([]string, 0, len(c.multi[f]))
		for _, i := range c.multi[f] {
			p := cell(i)
			if p == "" || fm.isPlaceholder(p) {
				return ""
			}
			parts = append(parts, p)
		}
		join := fm.Join
		if join == "" {
			join = "-"
		}
		return strings.Join(parts, join)
	case fm.isPlaceholder(v):
		return ""
	}
	return v
}

// skillRefs reads a skills cell's items: "URI" or "URI label". An item
// that is not a URI (free text such as "Python, SQL") is refused whole:
// the message says so, and the caller names the column.
func skillRefs(items []string) ([]SkillRef, string) {
	var refs []SkillRef
	var notURI []string
	for _, s := range items {
		uri, label, _ := strings.Cut(s, " ")
		if !strings.HasPrefix(uri, "http://") && !strings.HasPrefix(uri, "https://") && !strings.HasPrefix(uri, "urn:") {
			notURI = append(notURI, s)
			continue
		}
		refs = append(refs, SkillRef{URI: uri, Label: strings.TrimSpace(label)})
	}
	if len(notURI) > 0 {
		return nil, fmt.Sprintf("%q is not a skill URI (want http://data.europa.eu/esco/skill/…; map free-text subjects to keywords)", notURI[0])
	}
	return refs, ""
}

// pointerAt is the JSON pointer of the value being read at byte offset
// off of document b (for a type error, whose own path leaves out map keys).
func pointerAt(b []byte, off int64) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		obj   bool
		key   string
		index int
		want  bool // an object expecting a key next
	}
	var stack []frame
	ptr := func() string {
		var sb strings.Builder
		for _, f := range stack {
			sb.WriteByte('/')
			if f.obj {
				sb.WriteString(escapePtr(f.key))
			} else {
				sb.WriteString(strconv.Itoa(f.index))
			}
		}
		return sb.String()
	}
	last := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return last
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].want {
			if k, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].want = k, false
				continue
			}
		}
		last = ptr()
		if dec.InputOffset() >= off {
			return last
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{obj: true, want: true})
			continue
		case json.Delim('['):
			stack = append(stack, frame{index: 0})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: the parent moves to its next key or index.
		if n := len(stack); n > 0 {
			if stack[n-1].obj {
				stack[n-1].want = true
			} else {
				stack[n-1].index++
			}
		}
	}
}
