// Package locale is koers's one message catalogue: every user-facing string
// of the TUI, the command line and the exports, in English, Dutch and French,
// with plural rules (go-i18n) and number formats.
//
// Messages live in messages/AREA.LANG.json (flat JSON: id → text, or id →
// {"one": …, "other": …}); every file of every area joins one bundle.
// A message missing in a language falls back to English, then to its id.
package locale

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed messages/*.json
var messageFS embed.FS

// Languages are the interface languages, in order of preference for fallback.
var Languages = []string{"en", "nl", "fr"}

// Catalog holds every message in every language. Build it once with New.
type Catalog struct {
	bundle *i18n.Bundle
}

// New loads the embedded message files. It fails only on a broken file,
// which a test catches.
func New() (*Catalog, error) {
	b := i18n.NewBundle(language.English)
	entries, err := fs.ReadDir(messageFS, "messages")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		data, err := messageFS.ReadFile("messages/" + e.Name())
		if err != nil {
			return nil, err
		}
		if _, err := b.ParseMessageFileBytes(data, e.Name()); err != nil {
			return nil, fmt.Errorf("message file %s: %w", e.Name(), err)
		}
	}
	return &Catalog{bundle: b}, nil
}

// Must is New for program start and tests.
func Must() *Catalog {
	c, err := New()
	if err != nil {
		panic(err)
	}
	return c
}

// Tr is a catalogue bound to one language.
type Tr struct {
	lang string
	loc  *i18n.Localizer
}

// For binds the catalogue to lang ("en", "nl", "fr"); other languages fall back to English.
func (c *Catalog) For(lang string) *Tr {
	lang = Normalize(lang)
	return &Tr{lang: lang, loc: i18n.NewLocalizer(c.bundle, lang, "en")}
}

// Lang is the bound language code.
func (t *Tr) Lang() string { return t.lang }

// T is the message id in this language, with optional template data given
// as key, value pairs: T("search.count", "Count", 3).
func (t *Tr) T(id string, kv ...any) string {
	return t.localize(id, nil, kv)
}

// N is the plural message id for count n; the template sees .Count and the
// other pairs.
func (t *Tr) N(id string, n int, kv ...any) string {
	return t.localize(id, n, kv)
}

// Has reports whether id exists in some language.
func (t *Tr) Has(id string) bool {
	_, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}

func (t *Tr) localize(id string, count any, kv []any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	if count != nil {
		data["Count"] = count
	}
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil || s == "" {
		return id
	}
	return s
}

// Normalize reduces a locale such as "nl_BE.UTF-8" or "fr-FR" to a supported
// interface language, or "en".
func Normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "_-.@"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Languages {
		if s == l {
			return l
		}
	}
	return "en"
}

// FromEnv picks the interface language from LC_ALL, LC_MESSAGES, LANG, else "en".
func FromEnv() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" && s != "C" && s != "POSIX" {
			return Normalize(s)
		}
	}
	return "en"
}

// IDs lists the message ids present in lang's files, for completeness tests.
func (c *Catalog) IDs(lang string) []string {
	var ids []string
	tag := language.Make(lang)
	entries, _ := fs.ReadDir(messageFS, "messages")
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "."+lang+".json") {
			continue
		}
		data, _ := messageFS.ReadFile("messages/" + e.Name())
		mf, err := i18n.ParseMessageFileBytes(data, e.Name(), map[string]i18n.UnmarshalFunc{})
		if err != nil || mf.Tag != tag {
			continue
		}
		for _, m := range mf.Messages {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// HasIn reports whether id has a text in lang itself (no fallback).
func (c *Catalog) HasIn(lang, id string) bool {
	for _, x := range c.IDs(lang) {
		if x == id {
			return true
		}
	}
	return false
}
