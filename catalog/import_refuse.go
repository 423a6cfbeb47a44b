package catalog

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// This file holds the checks that refuse what an importer cannot read with
// certainty (issue 14, item 6): numbers that are not finite, rows with more
// cells than their header, text in an encoding other than UTF-8 that the
// file itself declares or marks with a byte-order mark, and binary data
// handed over as text.

// floatFields are the indexes of Offer's float64 and *float64 fields,
// computed once: NaN and ±Inf pass every range check (a comparison with
// NaN is false), so they are refused by kind, not by field name.
var floatFields = func() []int {
	var out []int
	t := reflect.TypeFor[Offer]()
	for i := 0; i < t.NumField(); i++ {
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Float64 || ft.Kind() == reflect.Float32 {
			out = append(out, i)
		}
	}
	return out
}()

// nonFinite lists every numeric field of o that holds NaN or an infinity,
// by JSON name.
func nonFinite(o *Offer) Problems {
	var p Problems
	v := reflect.ValueOf(o).Elem()
	t := v.Type()
	for _, i := range floatFields {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		if x := f.Float(); math.IsNaN(x) || math.IsInf(x, 0) {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			p.add(name, "%v is not a finite number", x)
		}
	}
	return p
}

// refuseNonFinite reports every non-finite number of o as an import error
// (file, line or pointer, field) and says whether there was one. Such a
// value is refused in every format, never salvaged: it means the producer
// is broken, not that one optional element is missing.
func refuseNonFinite(o *Offer, file string, line int, pointer string, where func(string) string, errs *Errs) bool {
	p := nonFinite(o)
	for _, fe := range p {
		at := pointer
		if where != nil {
			if w := where(fe.Field); w != "" {
				at = w
			}
		}
		if errs.Add(ImportError{File: file, Line: line, Pointer: at, Field: fe.Field, Msg: fe.Msg}) {
			break
		}
	}
	return len(p) > 0
}

// rowCellsError is the message for a CSV row with more cells than its
// header: a value with an unquoted delimiter shifts every later value one
// column to the right, so the row cannot be read with certainty.
func rowCellsError(cells, header int) string {
	return fmt.Sprintf("row has %d cells, the header %d: a value holds an unquoted delimiter or the row has a stray cell (quote the value or remove the cell)", cells, header)
}

// binaryHeader reports the first header cell holding control bytes other
// than tab (a zip, an image or a spreadsheet given as CSV), so that the
// refusal never echoes binary data as a column name.
func binaryHeader(head []string) (int, bool) {
	for i, h := range head {
		for j := 0; j < len(h); j++ {
			if c := h[j]; (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f {
				return i, true
			}
		}
	}
	return 0, false
}

// decodeBOM looks at the first bytes of br: text marked as UTF-16 by a
// byte-order mark is decoded to UTF-8 (a spreadsheet's "Unicode text"
// export); a UTF-8 mark is dropped. utf16 says whether a decoder was put in.
func decodeBOM(br *bufio.Reader) (r io.Reader, utf16 bool) {
	b, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br, false
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Reader(br), true
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Reader(br), true
	}
	return br, false
}

// ErrCharset is wrapped by the refusal of an XML document that declares an
// encoding koers cannot decode.
var ErrCharset = fmt.Errorf("unsupported character encoding")

// xmlCharsetReader decodes the encodings an XML declaration may name
// (ISO-8859-1, Windows-1252 and the other IANA names x/text knows).
// decodedUTF16 is true when the input was already decoded from UTF-16 by
// its byte-order mark: the declaration "UTF-16" then describes bytes that
// are UTF-8 by now. A refusal is also kept in *refused, because
// encoding/xml flattens it into its own message.
func xmlCharsetReader(decodedUTF16 bool, refused *error) func(label string, input io.Reader) (io.Reader, error) {
	return func(label string, input io.Reader) (io.Reader, error) {
		l := strings.ToLower(strings.TrimSpace(label))
		if decodedUTF16 && strings.HasPrefix(l, "utf-16") {
			return input, nil
		}
		var enc encoding.Encoding
		switch l {
		case "iso-8859-1", "latin1", "latin-1", "iso_8859-1", "l1":
			enc = charmap.ISO8859_1
		case "windows-1252", "cp1252":
			enc = charmap.Windows1252
		default:
			e, err := ianaindex.IANA.Encoding(label)
			if err != nil || e == nil || strings.HasPrefix(l, "utf-16") || strings.HasPrefix(l, "utf-32") {
				*refused = fmt.Errorf("%w %q declared (koers reads UTF-8, UTF-16 with a byte-order mark, ISO-8859-1, Windows-1252 and other single-byte encodings)", ErrCharset, label)
				return nil, *refused
			}
			enc = e
		}
		return enc.NewDecoder().Reader(input), nil
	}
}

// IsZip reports whether head starts like a zip archive: a local file
// header, or the end-of-directory record alone (an empty zip).
func IsZip(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06"))
}

// keyBefore names the member whose value a JSON syntax error at byte off
// (1-based, as encoding/json counts) sits in: `"ects": NaN` gives "ects".
// nonFinite is the token when it spells NaN or an infinity.
func keyBefore(b []byte, off int64) (key, nonFinite string) {
	i := int(off) - 1
	if i < 0 || i > len(b) {
		return "", ""
	}
	rest := b[i:]
	for _, w := range []string{"NaN", "-Infinity", "Infinity", "+Infinity", "-Inf", "Inf", "+Inf", "nan", "inf", "-inf"} {
		if bytes.HasPrefix(rest, []byte(w)) {
			nonFinite = w
			break
		}
	}
	j := i - 1
	for j >= 0 && (b[j] == ' ' || b[j] == '\t') {
		j--
	}
	if j < 0 || b[j] != ':' {
		return "", ""
	}
	for j--; j >= 0 && (b[j] == ' ' || b[j] == '\t'); j-- {
	}
	if j < 1 || b[j] != '"' {
		return "", ""
	}
	end := j
	for j--; j >= 0 && b[j] != '"'; j-- {
	}
	if j < 0 {
		return "", ""
	}
	return string(b[j+1 : end]), nonFinite
}
