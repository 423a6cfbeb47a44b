package export

import (
	"slices"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/bidi"
)

// The PDF's fonts are a fallback chain (issue 14 item 8): the Go fonts
// first, then DejaVu Sans, which covers Arabic (with its presentation
// forms), Hebrew, Greek, Cyrillic and most symbols. DejaVu Sans and its
// bold add 1.46 MB to the binary (757 KB + 706 KB); a PDF embeds only the
// glyphs it uses. A character no font of the chain draws is shown as
// undrawable (U+FFFD, which the Go font draws) and reported through
// Options.Undrawable: never dropped silently. Characters beyond the
// Basic Multilingual Plane (emoji) are undrawable too: gopdf maps glyphs
// to 16-bit codes, so they would be extracted as other characters.

// undrawable is what a character no font can draw is shown as.
const undrawable = '\uFFFD'

// face is one font of the chain, with its outline table for coverage.
type face struct {
	family string
	sf     *sfnt.Font
}

// fontChain picks, rune by rune, the first font that has a glyph.
type fontChain struct {
	regular, bold []face
	buf           sfnt.Buffer
	missing       func(rune)
}

// fontData are the chain's fonts as gopdf families, in order.
var fontData = []struct {
	family string
	bold   bool
	ttf    []byte
}{
	{"go", false, goregular.TTF},
	{"dejavu", false, dejavusans.TTF},
	{"go-bold", true, gobold.TTF},
	{"dejavu-bold", true, dejavusansbold.TTF},
}

func newFontChain(missing func(rune)) (*fontChain, error) {
	c := &fontChain{missing: missing}
	for _, f := range fontData {
		sf, err := sfnt.Parse(f.ttf)
		if err != nil {
			return nil, err
		}
		if f.bold {
			c.bold = append(c.bold, face{f.family, sf})
		} else {
			c.regular = append(c.regular, face{f.family, sf})
		}
	}
	return c, nil
}

// textRun is a stretch of a line drawn in one font.
type textRun struct {
	family string
	text   string
}

// runs prepares one line for drawing: Arabic letters take their
// contextual forms, right-to-left stretches are put in visual order
// (Unicode bidi), and the line is cut into runs of one font each.
func (c *fontChain) runs(line string, bold bool) []textRun {
	faces := c.regular
	if bold {
		faces = c.bold
	}
	var out []textRun
	for _, r := range visualOrder(shapeArabic(line)) {
		family := ""
		for _, f := range faces {
			if r > 0xFFFF {
				break // gopdf's text mapping holds 16-bit codes: an emoji would come out as another character
			}
			if i, err := f.sf.GlyphIndex(&c.buf, r); err == nil && i != 0 {
				family = f.family
				break
			}
		}
		if family == "" {
			if r < ' ' || r == '\u200c' || r == '\u200d' {
				continue // a control or a joiner draws nothing
			}
			if c.missing != nil {
				c.missing(r)
			}
			r, family = undrawable, faces[0].family
		}
		if n := len(out); n > 0 && out[n-1].family == family {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, textRun{family: family, text: string(r)})
	}
	return out
}

// hasRTL reports whether s holds Hebrew or Arabic script.
func hasRTL(s string) bool {
	for _, r := range s {
		if r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF {
			return true
		}
	}
	return false
}

// visualOrder is line as it is drawn left to right, by the Unicode bidi
// algorithm (UAX #9) for a left-to-right paragraph without explicit
// embeddings, which is what a name, a title or a table cell is: strong
// right-to-left letters at level 1, European digits after them at level 2,
// neutrals between two right-to-left sides at level 1; then every run at
// or above each level reversed (L2), brackets mirrored at odd levels. (The
// package golang.org/x/text/unicode/bidi classifies, but its Order leaves
// digits and spaces in the wrong place.) A line with no right-to-left
// script is returned as it is.
func visualOrder(line string) []rune {
	rs := []rune(line)
	if !hasRTL(line) {
		return rs
	}
	const (
		l = iota
		r
		en
		neutral
	)
	kind := make([]int, len(rs))
	for i, c := range rs {
		p, _ := bidi.LookupRune(c)
		switch p.Class() {
		case bidi.R, bidi.AL:
			kind[i] = r
		case bidi.L:
			kind[i] = l
		case bidi.EN, bidi.AN:
			kind[i] = en
		default:
			kind[i] = neutral
		}
	}
	levels := make([]int, len(rs))
	lastStrong := l // sos of a left-to-right paragraph
	for i, k := range kind {
		switch k {
		case r:
			levels[i], lastStrong = 1, r
		case l:
			levels[i], lastStrong = 0, l
		case en:
			if lastStrong == r {
				levels[i] = 2
			}
		}
	}
	// Neutrals: right-to-left when the strong sides around them (digits
	// after right-to-left text count as right-to-left) are both so.
	side := func(i, step int) int {
		for j := i + step; j >= 0 && j < len(rs); j += step {
			switch {
			case kind[j] == r || kind[j] == en && levels[j] == 2:
				return r
			case kind[j] == l || kind[j] == en:
				return l
			}
		}
		return l // eos and sos of a left-to-right paragraph
	}
	for i, k := range kind {
		if k == neutral && side(i, -1) == r && side(i, +1) == r {
			levels[i] = 1
		}
	}
	for lvl := 2; lvl >= 1; lvl-- {
		for i := 0; i < len(rs); {
			if levels[i] < lvl {
				i++
				continue
			}
			j := i
			for j < len(rs) && levels[j] >= lvl {
				j++
			}
			slices.Reverse(rs[i:j])
			slices.Reverse(levels[i:j])
			i = j
		}
	}
	for i, c := range rs {
		if levels[i]%2 == 1 {
			if m, ok := mirrored[c]; ok {
				rs[i] = m
			}
		}
	}
	return rs
}

// mirrored are the brackets a right-to-left run draws the other way round.
var mirrored = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«'}

// arabicForms are the presentation forms of the Arabic letters (U+0621 to
// U+064A): isolated, final, initial, medial; a right-joining letter has
// only the first two, a non-joining one only the first.
var arabicForms = map[rune][]rune{
	0x0621: {0xFE80},
	0x0622: {0xFE81, 0xFE82}, 0x0623: {0xFE83, 0xFE84}, 0x0624: {0xFE85, 0xFE86}, 0x0625: {0xFE87, 0xFE88},
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C}, 0x0627: {0xFE8D, 0xFE8E}, 0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92},
	0x0629: {0xFE93, 0xFE94}, 0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98}, 0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C},
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0}, 0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4}, 0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8},
	0x062F: {0xFEA9, 0xFEAA}, 0x0630: {0xFEAB, 0xFEAC}, 0x0631: {0xFEAD, 0xFEAE}, 0x0632: {0xFEAF, 0xFEB0},
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4}, 0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8}, 0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC},
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0}, 0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}, 0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC}, 0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0},
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4}, 0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8}, 0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC},
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0}, 0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4}, 0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8},
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC}, 0x0648: {0xFEED, 0xFEEE}, 0x0649: {0xFEEF, 0xFEF0},
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
}

// lamAlef are the required lam-alef ligatures (isolated, final) by alef.
var lamAlef = map[rune][2]rune{0x0622: {0xFEF5, 0xFEF6}, 0x0623: {0xFEF7, 0xFEF8}, 0x0625: {0xFEF9, 0xFEFA}, 0x0627: {0xFEFB, 0xFEFC}}

// transparent marks (harakat) do not break or take part in joining.
func transparent(r rune) bool { return r >= 0x064B && r <= 0x065F || r == 0x0670 }

// joinsLeft: r connects to the letter after it (dual-joining, tatweel).
func joinsLeft(r rune) bool { return r == 0x0640 || len(arabicForms[r]) == 4 }

// joinsRight: r connects to the letter before it.
func joinsRight(r rune) bool { return r == 0x0640 || len(arabicForms[r]) >= 2 }

// shapeArabic gives each Arabic letter of s its contextual form (in
// logical order), with the lam-alef ligatures. Text without Arabic is
// returned as it is.
func shapeArabic(s string) string {
	in := []rune(s)
	if !slices.ContainsFunc(in, func(r rune) bool { return arabicForms[r] != nil }) {
		return s
	}
	neighbour := func(i, step int) rune {
		for j := i + step; j >= 0 && j < len(in); j += step {
			if !transparent(in[j]) {
				return in[j]
			}
		}
		return 0
	}
	out := make([]rune, 0, len(in))
	for i := 0; i < len(in); i++ {
		r := in[i]
		forms := arabicForms[r]
		if forms == nil {
			out = append(out, r)
			continue
		}
		prev, next := neighbour(i, -1), neighbour(i, +1)
		joinPrev := joinsLeft(prev) && joinsRight(r)
		if r == 0x0644 && i+1 < len(in) {
			if lig, ok := lamAlef[in[i+1]]; ok {
				if joinPrev {
					out = append(out, lig[1])
				} else {
					out = append(out, lig[0])
				}
				i++
				continue
			}
		}
		joinNext := joinsLeft(r) && joinsRight(next)
		switch {
		case joinPrev && joinNext:
			out = append(out, forms[3])
		case joinPrev:
			out = append(out, forms[1])
		case joinNext:
			out = append(out, forms[2])
		default:
			out = append(out, forms[0])
		}
	}
	return string(out)
}
