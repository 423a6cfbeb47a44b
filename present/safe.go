package present

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Terminal makes a string that came from data safe to print on a
// terminal, on one line: C0 and C1 control characters (ESC, and with it
// every escape sequence: colours, OSC 0 window titles, OSC 8 links, OSC 52
// clipboard writes), DEL, line and paragraph separators, bidirectional
// overrides and isolates and invisible format characters are shown as
// visible placeholders instead of acting. Line breaks and tabs become a
// visible ⏎ and a space, so a value never splits a list row.
func Terminal(s string) string { return terminal(s, false) }

// TerminalText is Terminal for multi-line text (notes, descriptions): line
// feeds and tabs stay, everything else is as Terminal.
func TerminalText(s string) string { return terminal(s, true) }

func terminal(s string, multiline bool) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune('\uFFFD')
		case r == '\n' || r == '\r':
			if multiline && r == '\n' {
				b.WriteByte('\n')
			} else if multiline {
				// a bare CR would move the cursor back over the line
				continue
			} else {
				b.WriteString(" ⏎ ")
			}
		case r == '\t':
			if multiline {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␛ for ESC, ␇ for BEL, …
		case r == 0x7f:
			b.WriteRune('␡')
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, "‹U+%04X›", r)
		case invisible(r):
			fmt.Fprintf(&b, "‹U+%04X›", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain reports whether s holds only printable ASCII and ordinary
// non-ASCII letters: the common case, returned as it is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			return !hasSpecial(s[i:])
		}
	}
	return true
}

func hasSpecial(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || invisible(r) || r == utf8.RuneError {
			return true
		}
	}
	return false
}

// invisible are the format characters that change how text around them
// reads without showing themselves: bidirectional embeddings, overrides,
// isolates and marks, zero-width spaces and joiners used to hide text,
// line and paragraph separators, the byte order mark, and tag characters.
// ZWNJ and ZWJ (U+200C, U+200D) stay: scripts and emoji need them.
func invisible(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200b, r == 0x200e, r == 0x200f, r == 0x2060, r == 0xfeff:
		return true
	case r >= 0x202a && r <= 0x202e: // LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tag characters
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotation
		return true
	}
	return false
}

// TerminalWriter makes everything written through it safe for a terminal
// (TerminalText: line feeds and tabs stay, escape sequences, other
// controls, bidirectional overrides and invisible characters are shown as
// placeholders). The CLI's text output goes through one; JSON and files go
// to Raw.
type TerminalWriter struct {
	w    io.Writer
	part []byte // an incomplete UTF-8 sequence held for the next Write
}

// NewTerminalWriter wraps w.
func NewTerminalWriter(w io.Writer) *TerminalWriter { return &TerminalWriter{w: w} }

// Raw is the writer underneath, for output that is not for a terminal
// (JSON documents, exported files written to stdout).
func (t *TerminalWriter) Raw() io.Writer { return t.w }

// Write writes p made safe; it reports len(p) when everything was written.
func (t *TerminalWriter) Write(p []byte) (int, error) {
	b := append(t.part, p...)
	t.part = nil
	// hold back a rune cut between two writes
	if cut := incompleteTail(b); cut > 0 {
		t.part = append([]byte(nil), b[len(b)-cut:]...)
		b = b[:len(b)-cut]
	}
	if _, err := io.WriteString(t.w, terminal(string(b), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// incompleteTail is the length of an incomplete UTF-8 sequence at the end
// of b (0 when b ends on a whole rune).
func incompleteTail(b []byte) int {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return 0
		}
		if c >= 0xc0 { // a leading byte: is its sequence complete?
			need := 2
			switch {
			case c >= 0xf0:
				need = 4
			case c >= 0xe0:
				need = 3
			}
			if i < need {
				return i
			}
			return 0
		}
	}
	return 0
}

// Raw is w's underlying writer when w is a TerminalWriter, else w.
func Raw(w io.Writer) io.Writer {
	if t, ok := w.(*TerminalWriter); ok {
		return t.Raw()
	}
	return w
}

// CSVCell makes a value safe for a CSV file that a spreadsheet may open: a
// cell starting with =, +, -, @, a tab or a carriage return would be read
// as a formula (CSV injection), so it is prefixed with an apostrophe, the
// spreadsheets' own "this is text" mark. Numbers written by koers itself
// do not go through here.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
