package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FoldSearch lower-cases s and removes diacritics, the way the store's FTS5
// tokenizer (unicode61 remove_diacritics 2) folds text, so that "énergie",
// "ENERGIE" and "Energie" all fold to "energie". Characters without a
// decomposition (ø, ß, ł) are kept lower-cased. (Fold, for ESCO concept
// matching, also rewrites those and drops punctuation.)
func FoldSearch(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isTokenRune is what unicode61 treats as part of a token: letters, numbers
// and private-use characters. Everything else separates tokens.
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// Words splits s into folded tokens the way the FTS5 tokenizer does: runs
// of letters and numbers; every other character separates.
func Words(s string) []string {
	f := FoldSearch(s)
	return strings.FieldsFunc(f, func(r rune) bool { return !isTokenRune(r) })
}

// Initials is a bit set of the first characters of the folded words of s:
// bits 0–25 for a–z, 26–35 for 0–9 and 36 for any other first character.
// The store keeps it per offer title, so that a one-letter last search term
// can be answered without an FTS prefix query.
func Initials(s string) uint64 {
	var m uint64
	for _, w := range Words(s) {
		m |= InitialBit(w)
	}
	return m
}

// InitialBit is the Initials bit of the first character of the folded
// word w, or 0 for an empty word.
func InitialBit(w string) uint64 {
	r, _ := utf8.DecodeRuneInString(w)
	switch {
	case w == "":
		return 0
	case r >= 'a' && r <= 'z':
		return 1 << (r - 'a')
	case r >= '0' && r <= '9':
		return 1 << (26 + r - '0')
	}
	return 1 << 36
}
