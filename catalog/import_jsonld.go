package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// MaxDocumentBytes is the largest single JSON-LD or XML document an import
// reads (the EU samples are under 1 MB; embedded images make them grow).
const MaxDocumentBytes = 64 << 20

// jsonDoc is a decoded JSON-LD document with an index of its nodes by id,
// so that a node given only by reference ({"id": "urn:…"}) resolves to its
// full description wherever that appears.
type jsonDoc struct {
	root map[string]any
	byID map[string]map[string]any
}

// readJSONDoc decodes one JSON document of at most MaxDocumentBytes. The
// embedded images (MediaObject "content") are dropped while indexing: they
// are never stored or indexed.
// It stays within lim (nesting, values, strings; DefaultLimits when none is
// given: the optional argument keeps every caller's two-argument form).
func readJSONDoc(r io.Reader, name string, limits ...Limits) (*jsonDoc, *ImportError) {
	var lim Limits
	if len(limits) > 0 {
		lim = limits[0]
	}
	lim = lim.or()
	lr := &io.LimitedReader{R: r, N: MaxDocumentBytes + 1}
	dec := json.NewDecoder(lr)
	dec.UseNumber()
	v, err := decodeJSONBounded(dec, name, lim)
	if le, ok := asLimit(err); ok {
		ie := le.ImportError()
		return nil, &ie
	}
	if err != nil {
		if lr.N <= 0 {
			return nil, &ImportError{File: name, Msg: fmt.Sprintf("larger than %d MB: not a credential document (stopped reading)", MaxDocumentBytes>>20)}
		}
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if err == io.EOF || err == io.ErrUnexpectedEOF || strings.Contains(msg, "unexpected EOF") {
			msg = "truncated JSON: the document ends before it is complete"
		}
		line := 0
		if se, ok := err.(*json.SyntaxError); ok {
			msg = fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, se.Error())
		}
		return nil, &ImportError{File: name, Line: line, Msg: msg}
	}
	if lr.N <= 0 {
		return nil, &ImportError{File: name, Msg: fmt.Sprintf("larger than %d MB (stopped reading)", MaxDocumentBytes>>20)}
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, &ImportError{File: name, Pointer: "", Msg: "not a JSON object"}
	}
	// A signed credential wraps the credential as a JSON string payload.
	if p, ok := root["payload"].(string); ok && strings.HasPrefix(strings.TrimSpace(p), "{") {
		dec := json.NewDecoder(strings.NewReader(p))
		dec.UseNumber()
		iv, err := decodeJSONBounded(dec, name, lim)
		if le, ok := asLimit(err); ok {
			ie := le.ImportError()
			ie.Pointer = "/payload"
			return nil, &ie
		}
		inner, isObj := iv.(map[string]any)
		if err == nil && !isObj {
			err = errors.New("not a JSON object")
		}
		if err != nil {
			return nil, &ImportError{File: name, Pointer: "/payload", Msg: "signed payload is not a JSON credential: " + strings.TrimPrefix(err.Error(), "json: ")}
		}
		root = inner
	}
	d := &jsonDoc{root: root, byID: map[string]map[string]any{}}
	d.index(root, 0)
	return d, nil
}

func (d *jsonDoc) index(v any, depth int) {
	if depth > 64 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		delete(x, "content") // embedded base64 images
		if id, ok := x["id"].(string); ok && len(x) > 2 {
			if old, seen := d.byID[id]; !seen || len(x) > len(old) {
				d.byID[id] = x
			}
		}
		for _, c := range x {
			d.index(c, depth+1)
		}
	case []any:
		for _, c := range x {
			d.index(c, depth+1)
		}
	}
}

// node resolves v to an object, following an id-only reference or a bare
// id string.
func (d *jsonDoc) node(v any) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["id"].(string); ok && len(x) <= 2 {
			if full, ok := d.byID[id]; ok {
				return full
			}
		}
		return x
	case string:
		if full, ok := d.byID[x]; ok {
			return full
		}
		return map[string]any{"id": x}
	case []any:
		if len(x) > 0 {
			return d.node(x[0])
		}
	}
	return nil
}

// nodes is v as a list of objects (a single object is a list of one).
func (d *jsonDoc) nodes(v any) []map[string]any {
	var out []map[string]any
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if n := d.node(e); n != nil {
				out = append(out, n)
			}
		}
	case nil:
	default:
		if n := d.node(x); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// get walks keys from n, resolving references on the way.
func (d *jsonDoc) get(n map[string]any, keys ...string) any {
	var v any = n
	for _, k := range keys {
		m := d.node(v)
		if m == nil {
			return nil
		}
		v = m[k]
	}
	return v
}

// langMap reads a language map ({"en": "…", "nl": "…"}), a plain string
// (language unknown: ""), or a list of either.
func langMap(v any) map[string]string {
	out := map[string]string{}
	switch x := v.(type) {
	case string:
		if s := strings.TrimSpace(x); s != "" {
			out[""] = s
		}
	case map[string]any:
		for k, e := range x {
			switch t := e.(type) {
			case string:
				if s := strings.TrimSpace(t); s != "" {
					out[strings.ToLower(k)] = s
				}
			case []any:
				if len(t) > 0 {
					if s, ok := t[0].(string); ok && strings.TrimSpace(s) != "" {
						out[strings.ToLower(k)] = strings.TrimSpace(s)
					}
				}
			}
		}
	case []any:
		for _, e := range x {
			for k, s := range langMap(e) {
				if _, ok := out[k]; !ok {
					out[k] = s
				}
			}
		}
	}
	return out
}

// pickLang chooses the text in pref, else English, else the first language
// in order; rest is every other language (keyed by ISO 639-1).
func pickLang(m map[string]string, pref string) (text, lang string, rest map[string]string) {
	if len(m) == 0 {
		return "", "", nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lang = keys[0] // "" (no language) sorts first
	for _, c := range []string{"en", pref} {
		if _, ok := m[c]; ok && c != "" {
			lang = c
		}
	}
	text = m[lang]
	for _, k := range keys {
		if k != lang && m[k] != text {
			if rest == nil {
				rest = map[string]string{}
			}
			code := k
			if c, ok := LanguageCode(k); ok {
				code = c
			}
			rest[code] = m[k]
		}
	}
	return text, lang, rest
}

// text is the best single text of a language map.
func text(v any, pref string) string {
	t, _, _ := pickLang(langMap(v), pref)
	return t
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(x), ",", "."), 64)
		return f, err == nil
	case float64:
		return x, true
	}
	return 0, false
}

func types(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func hasType(n map[string]any, t ...string) bool {
	for _, have := range types(n["type"]) {
		for _, want := range t {
			if strings.EqualFold(have, want) {
				return true
			}
		}
	}
	return false
}

// idOf is a node's id.
func idOf(n map[string]any) string {
	if n == nil {
		return ""
	}
	return str(n["id"])
}

// conceptLabel is a SKOS concept's label: its prefLabel, else its id.
func (d *jsonDoc) conceptLabel(v any) string {
	n := d.node(v)
	if n == nil {
		return ""
	}
	if t := text(n["prefLabel"], "en"); t != "" {
		return t
	}
	if t := text(n["title"], "en"); t != "" {
		return t
	}
	return idOf(n)
}
