package catalog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxLineBytes is the longest line a line-based import accepts (an offer
// with every element is a few kilobytes).
const MaxLineBytes = 4 << 20

// ParseJSONLines reads koers's own format: one Offer as JSON per line
// (what `koers gen` and `koers export register` write; blank lines are
// skipped). Unknown fields are refused so that a typo cannot drop data.
// Valid offers are yielded; problems go to errs, each naming the line, a
// JSON pointer and the field. Reading stops at errs' limit.
func ParseJSONLines(ctx context.Context, r io.Reader, name string, opt ParseOptions, errs *Errs) iter.Seq[Offer] {
	return func(yield func(Offer) bool) {
		br := bufio.NewReaderSize(r, 256<<10)
		for line := 1; ; line++ {
			if line%1024 == 0 && ctx.Err() != nil {
				return
			}
			b, err := readLine(br)
			if errors.Is(err, errLineTooLong) {
				errs.Add(ImportError{File: name, Line: line, Msg: fmt.Sprintf("line longer than %d bytes: not JSON lines (stopped reading)", MaxLineBytes)})
				return
			}
			if err != nil && !errors.Is(err, io.EOF) {
				errs.Add(ImportError{File: name, Line: line, Msg: "read: " + err.Error()})
				return
			}
			if line == 1 {
				b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
			}
			if len(bytes.TrimSpace(b)) > 0 {
				o, ok := decodeOfferLine(b, name, line, errs)
				if ok {
					o.Source = opt.sourceFor(o.Source, name)
					if finishOffer(&o, false, name, line, "", nil, errs) && !yieldAt(yield, o, line, opt.Lines) {
						return
					}
				}
				if errs.Full() {
					return
				}
			}
			if err != nil { // io.EOF
				return
			}
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline, refusing lines longer than
// MaxLineBytes without buffering them.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLineBytes {
			return nil, errLineTooLong
		}
		buf = append(buf, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}

// decodeOfferLine decodes one line, reporting every bad field.
func decodeOfferLine(b []byte, name string, line int, errs *Errs) (Offer, bool) {
	if !utf8.Valid(b) {
		errs.Add(ImportError{File: name, Line: line, Msg: "not UTF-8 text"})
		return Offer{}, false
	}
	var o Offer
	// The fast path: one pass of encoding/json, then a scan of the
	// top-level keys for unknown fields (DisallowUnknownFields needs a
	// Decoder per line, which costs twice as much).
	err := json.Unmarshal(b, &o)
	if err == nil {
		if k, ok := unknownKey(b); !ok {
			return o, true
		} else {
			errs.Add(ImportError{File: name, Line: line, Pointer: "/" + k, Field: k, Msg: fmt.Sprintf("unknown field %q", k)})
			return Offer{}, false
		}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg := "not valid JSON: " + err.Error()
		field := ""
		if se != nil {
			msg = fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, se.Error())
			if f, nf := keyBefore(b, se.Offset); f != "" {
				field = f
				if nf != "" {
					msg = nf + " is not a finite number (JSON has no NaN or infinity)"
				}
			}
		}
		errs.Add(ImportError{File: name, Line: line, Field: field, Msg: msg})
		return Offer{}, false
	}
	// Find every field that fails, one at a time.
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		errs.Add(ImportError{File: name, Line: line, Msg: "not a JSON object: " + err.Error()})
		return Offer{}, false
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	found := false
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: fields[k]})
		var probe Offer
		if ferr := strictUnmarshal(one, &probe); ferr != nil {
			found = true
			msg := ferr.Error()
			var te *json.UnmarshalTypeError
			if errors.As(ferr, &te) {
				msg = fmt.Sprintf("%s is not %s", te.Value, te.Type)
				if te.Field != "" && te.Field != k {
					k = te.Field
				}
			}
			msg = strings.TrimPrefix(msg, "json: ")
			if errs.Add(ImportError{File: name, Line: line, Pointer: "/" + strings.ReplaceAll(k, ".", "/"), Field: strings.Split(k, ".")[0], Msg: msg}) {
				break
			}
		}
	}
	if !found {
		errs.Add(ImportError{File: name, Line: line, Msg: strings.TrimPrefix(err.Error(), "json: ")})
	}
	return Offer{}, false
}

// offerKeys are the JSON names of Offer's fields.
func offerKeys() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeFor[Offer]()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}

// knownOfferKeys is computed once; it is never written after.
var knownOfferKeys = offerKeys()

// unknownKey scans the top-level keys of a JSON object that already
// decoded, and reports the first that Offer lacks.
func unknownKey(b []byte) (string, bool) {
	depth := 0
	expectKey := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{', '[':
			depth++
			expectKey = c == '{' && depth == 1
		case '}', ']':
			depth--
		case ',':
			expectKey = depth == 1
		case '"':
			start := i + 1
			esc := false
			for i++; i < len(b); i++ {
				if b[i] == '\\' {
					esc = true
					i++
					continue
				}
				if b[i] == '"' {
					break
				}
			}
			if expectKey && depth == 1 {
				expectKey = false
				raw := b[start:min(i, len(b))]
				if !esc && knownOfferKeys[string(raw)] { // no allocation
					continue
				}
				k := string(raw)
				if esc {
					var u string
					if json.Unmarshal(b[start-1:min(i+1, len(b))], &u) == nil {
						k = u
					}
				}
				if !knownOfferKeys[k] {
					return k, true
				}
			}
		}
	}
	return "", false
}

func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// WriteJSONLines writes offers as JSON lines, the form ParseJSONLines reads
// back unchanged.
func WriteJSONLines(w io.Writer, offers iter.Seq2[Offer, error]) (int, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	for o, err := range offers {
		if err != nil {
			return n, err
		}
		if err := enc.Encode(o); err != nil {
			return n, fmt.Errorf("write offer %s: %w", o.SourceID, err)
		}
		n++
	}
	return n, bw.Flush()
}
