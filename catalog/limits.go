package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits bound what one import may make koers read and hold, so that a
// small hostile file (a zip bomb, a 512 MiB title, a document of a million
// empty arrays) is refused while it streams, before it costs memory. Every
// limit is far above what a real register, credential or ESCO download
// needs (the figures say why) and far below what exhausts a laptop: with
// them, koers stays under 512 MB for any input (BENCHMARKS.md, "Hostile
// inputs").
type Limits struct {
	// EntryBytes is the uncompressed size of one zip entry. The largest
	// real entry is ESCO's skills_xx.csv, about 30 MB per language.
	EntryBytes int64
	// TotalBytes is the uncompressed size of one zip's entries together
	// (the ESCO download in all 28 languages is under 2 GB).
	TotalBytes int64
	// Ratio is the uncompressed to compressed size of one zip entry. CSV
	// and JSON text deflate 4–15 to 1; deflate cannot go beyond about 1032.
	Ratio int64
	// Entries is the number of entries in one zip (ESCO's has 19 per language).
	Entries int
	// RecordBytes is one CSV record or JSON line (an offer with every
	// element is a few kilobytes; ESCO's longest row is under 20 kB).
	RecordBytes int64
	// FieldBytes is one JSON string, XML text or attribute (an embedded
	// image is the largest real field; images are not kept).
	FieldBytes int
	// Depth is the nesting of JSON values or XML elements (the EU samples
	// nest 12 deep).
	Depth int
	// Elements is the number of JSON values or XML elements in one
	// document (the Annex I sample has about 900).
	Elements int
}

// DefaultLimits are the limits of `koers import` and of a credential
// imported onto a person's file.
func DefaultLimits() Limits {
	return Limits{
		EntryBytes:  2 << 30,
		TotalBytes:  8 << 30,
		Ratio:       200,
		Entries:     10_000,
		RecordBytes: MaxLineBytes,
		FieldBytes:  16 << 20,
		Depth:       64,
		Elements:    500_000,
	}
}

// or fills zero limits from the defaults.
func (l Limits) or() Limits {
	d := DefaultLimits()
	if l.EntryBytes <= 0 {
		l.EntryBytes = d.EntryBytes
	}
	if l.TotalBytes <= 0 {
		l.TotalBytes = d.TotalBytes
	}
	if l.Ratio <= 0 {
		l.Ratio = d.Ratio
	}
	if l.Entries <= 0 {
		l.Entries = d.Entries
	}
	if l.RecordBytes <= 0 {
		l.RecordBytes = d.RecordBytes
	}
	if l.FieldBytes <= 0 {
		l.FieldBytes = d.FieldBytes
	}
	if l.Depth <= 0 {
		l.Depth = d.Depth
	}
	if l.Elements <= 0 {
		l.Elements = d.Elements
	}
	return l
}

// ErrLimit is wrapped by every refusal for a limit; a *LimitError says
// which.
var ErrLimit = errors.New("import limit exceeded")

// LimitError is an input that exceeds one of the Limits.
type LimitError struct {
	File  string
	Line  int    // 0: not known
	Entry string // the zip entry, if any
	Limit string // which limit: "record size", "nesting depth", ...
	Got   int64  // what the input has (or reached when reading stopped)
	Max   int64
	Unit  string // "bytes", "levels", ...
}

func (e *LimitError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Entry != "" {
		fmt.Fprintf(&b, " entry %s", e.Entry)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	fmt.Fprintf(&b, ": %s", e.Msg())
	return b.String()
}

// Msg is the message without the place.
func (e *LimitError) Msg() string {
	got := fmt.Sprintf("%d", e.Got)
	if e.Unit == "ratio" {
		return fmt.Sprintf("%s %d:1 exceeds the limit of %d:1 (a zip bomb?); stopped reading", e.Limit, e.Got, e.Max)
	}
	if e.Unit == "bytes" {
		got, max := byteSize(e.Got), byteSize(e.Max)
		return fmt.Sprintf("%s %s exceeds the limit of %s; stopped reading", e.Limit, got, max)
	}
	return fmt.Sprintf("%s %s exceeds the limit of %d %s; stopped reading", e.Limit, got, e.Max, e.Unit)
}

// Is makes a LimitError an ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// ImportError is the limit as a problem of the import report.
func (e *LimitError) ImportError() ImportError {
	name := e.File
	if e.Entry != "" {
		name += "/" + e.Entry
	}
	return ImportError{File: name, Line: e.Line, Field: "limit", Msg: e.Msg()}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ZipEntry is what CheckZip needs to know of one zip entry (its header
// sizes; archive/zip refuses an entry that inflates beyond its declared
// size, so the header is what the reader will be held to).
type ZipEntry struct {
	Name               string
	Compressed, Actual uint64
}

// CheckZip refuses a zip whose entries exceed the limits, before any
// entry is inflated: the count, each entry's size and compression ratio,
// and the total.
func CheckZip(file string, entries []ZipEntry, lim Limits) error {
	lim = lim.or()
	if len(entries) > lim.Entries {
		return &LimitError{File: file, Limit: "number of zip entries", Got: int64(len(entries)), Max: int64(lim.Entries), Unit: "entries"}
	}
	var total uint64
	for _, e := range entries {
		if e.Actual > uint64(lim.EntryBytes) {
			return &LimitError{File: file, Entry: e.Name, Limit: "uncompressed size", Got: int64(min(e.Actual, 1<<62)), Max: lim.EntryBytes, Unit: "bytes"}
		}
		if e.Actual > 1<<20 && e.Actual/max(e.Compressed, 1) > uint64(lim.Ratio) {
			return &LimitError{File: file, Entry: e.Name, Limit: "compression ratio", Got: int64(e.Actual / max(e.Compressed, 1)), Max: lim.Ratio, Unit: "ratio"}
		}
		total += e.Actual
		if total > uint64(lim.TotalBytes) {
			return &LimitError{File: file, Limit: "uncompressed size of all entries", Got: int64(min(total, 1<<62)), Max: lim.TotalBytes, Unit: "bytes"}
		}
	}
	return nil
}

// recordLimiter passes a CSV stream through, refusing (with a
// *LimitError) a record longer than max bytes as soon as it gets there,
// so that csv.Reader never buffers it. Records end at a newline outside
// quotes; a doubled quote inside a quoted field toggles twice and so
// keeps the state right.
type recordLimiter struct {
	r      io.Reader
	file   string
	max    int64
	n      int64 // bytes of the current record so far
	line   int   // the physical line the current record starts on
	nl     int   // newlines seen
	quoted bool
	err    error
}

func newRecordLimiter(r io.Reader, file string, max int64) *recordLimiter {
	return &recordLimiter{r: r, file: file, max: max, line: 1}
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		switch p[i] {
		case '"':
			l.quoted = !l.quoted
		case '\n':
			l.nl++
			if !l.quoted {
				l.n, l.line = 0, l.nl+1
				continue
			}
		}
		l.n++
		if l.n > l.max {
			l.err = &LimitError{File: l.file, Line: l.line, Limit: "record size", Got: l.n, Max: l.max, Unit: "bytes"}
			return i, l.err
		}
	}
	return n, err
}

// asLimit finds a *LimitError in err.
func asLimit(err error) (*LimitError, bool) {
	var le *LimitError
	ok := errors.As(err, &le)
	return le, ok
}

// decodeJSONBounded decodes one JSON value token by token (numbers as
// json.Number), refusing at the first value nested deeper than lim.Depth,
// the first string longer than lim.FieldBytes, or the value after
// lim.Elements: a 64 MB document of empty arrays would otherwise take
// gigabytes as Go maps and slices.
func decodeJSONBounded(dec *json.Decoder, file string, lim Limits) (any, error) {
	count := 0
	var walk func(depth int) (any, error)
	walk = func(depth int) (any, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		count++
		if count > lim.Elements {
			return nil, &LimitError{File: file, Limit: "number of JSON values", Got: int64(count), Max: int64(lim.Elements), Unit: "values"}
		}
		switch t := tok.(type) {
		case json.Delim:
			if depth >= lim.Depth {
				return nil, &LimitError{File: file, Limit: "nesting depth", Got: int64(depth + 1), Max: int64(lim.Depth), Unit: "levels"}
			}
			switch t {
			case '{':
				m := map[string]any{}
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return nil, err
					}
					k, _ := kt.(string)
					if len(k) > lim.FieldBytes {
						return nil, &LimitError{File: file, Limit: "member name", Got: int64(len(k)), Max: int64(lim.FieldBytes), Unit: "bytes"}
					}
					v, err := walk(depth + 1)
					if err != nil {
						return nil, err
					}
					m[k] = v
				}
				if _, err := dec.Token(); err != nil { // '}'
					return nil, err
				}
				return m, nil
			case '[':
				var a []any
				for dec.More() {
					v, err := walk(depth + 1)
					if err != nil {
						return nil, err
					}
					a = append(a, v)
				}
				if _, err := dec.Token(); err != nil { // ']'
					return nil, err
				}
				if a == nil {
					a = []any{}
				}
				return a, nil
			}
			return nil, fmt.Errorf("unexpected %v", t)
		case string:
			if len(t) > lim.FieldBytes {
				return nil, &LimitError{File: file, Limit: "string length", Got: int64(len(t)), Max: int64(lim.FieldBytes), Unit: "bytes"}
			}
			return t, nil
		default:
			return t, nil
		}
	}
	return walk(0)
}

// limitAt is the limit as the *ImportError the document readers return.
func limitAt(le *LimitError) *ImportError {
	ie := le.ImportError()
	return &ie
}
