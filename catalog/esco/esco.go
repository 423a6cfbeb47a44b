// Package esco is the ESCO taxonomy that ships with koers: a compact
// snapshot derived from the official ESCO v1.1.1 CSV download (occupations
// and skills with their preferred labels in English, Dutch and French, and
// the essential and optional
// occupation–skill relations). A fresh database loads it on first open, so
// that the occupation picker, the skill gap and suggestions work without any
// download; `koers import` of a newer ESCO replaces it.
//
// snapshot.tsv.gz is written by the generator in ./gen from the official
// files; regenerate it with go generate. Only derived data is committed.
package esco

//go:generate go run ./gen -data ../../../shared/data/esco -o snapshot.tsv.gz

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/koers-project/koers/catalog"
)

//go:embed snapshot.tsv.gz
var snapshot []byte

// Attribution is the notice the Commission's reuse policy asks of anyone
// who reuses ESCO; koers prints it in the README and in `koers stats`.
const Attribution = "This service uses the ESCO classification of the European Commission. " +
	"ESCO v1.1.1 © European Union, 2022, https://esco.ec.europa.eu, reused under the Commission's reuse policy " +
	"(Decision 2011/833/EU; CC BY 4.0). Changes: koers keeps preferred labels in English, Dutch and French " +
	"(Dutch from ESCO v1.0; French and Dutch skill labels only where the official files carry them) " +
	"and the occupation–skill relations."

// Version is the ESCO version of the snapshot.
const Version = "1.1.1"

// Magic opens every snapshot; its second field is the format version.
const Magic = "koers-esco-snapshot\t1"

// URI prefixes of ESCO concepts; the snapshot stores the UUID only.
const (
	OccupationPrefix = "http://data.europa.eu/esco/occupation/"
	SkillPrefix      = "http://data.europa.eu/esco/skill/"
)

// Size is the compressed size of the embedded snapshot in bytes.
func Size() int { return len(snapshot) }

// Compressed is the embedded snapshot as committed (gzip).
func Compressed() []byte { return bytes.Clone(snapshot) }

// Info says what a snapshot holds.
type Info struct {
	Version     string
	Attribution string
	Occupations int
	Skills      int
	Relations   int
	Essential   int
}

// ErrFormat is returned for a snapshot that koers cannot read.
var ErrFormat = errors.New("not a koers ESCO snapshot")

// Read decodes the embedded snapshot into v: every concept once per
// language (English first), then every relation.
func Read(v catalog.ESCOVisitor) (Info, error) {
	zr, err := gzip.NewReader(bytes.NewReader(snapshot))
	if err != nil {
		return Info{}, fmt.Errorf("esco snapshot: %w", err)
	}
	defer zr.Close()
	return Decode(zr, v)
}

// concept is one concept of a snapshot being decoded.
type concept struct {
	c     catalog.Concept
	texts map[string]*catalog.Concept // per language, English included
	langs []string
}

// Decode reads a snapshot in its text form (see the generator for the
// grammar) and calls v for its concepts and relations.
func Decode(r io.Reader, v catalog.ESCOVisitor) (Info, error) {
	var info Info
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	var cs []*concept
	var rels []catalog.OccupationSkill
	fail := func(format string, args ...any) (Info, error) {
		return info, fmt.Errorf("esco snapshot line %d: %s: %w", line, fmt.Sprintf(format, args...), ErrFormat)
	}
	get := func(s string) (*concept, bool) {
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 || i >= len(cs) {
			return nil, false
		}
		return cs[i], true
	}
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if line == 1 {
			if sc.Text() != Magic {
				return fail("header %q", sc.Text())
			}
			continue
		}
		switch f[0] {
		case "version", "attribution":
			if len(f) != 2 {
				return fail("%s wants one value", f[0])
			}
			if f[0] == "version" {
				info.Version = f[1]
			} else {
				info.Attribution = f[1]
			}
		case "O", "S":
			if len(f) != 4 {
				return fail("concept wants 4 fields, has %d", len(f))
			}
			c := catalog.Concept{Status: "released"}
			if f[0] == "O" {
				c.Kind, c.URI, c.Code, c.ISCO = catalog.KindOccupation, OccupationPrefix+f[1], f[2], f[3]
				info.Occupations++
			} else {
				c.Kind, c.URI, c.SkillType, c.ReuseLevel = catalog.KindSkill, SkillPrefix+f[1], f[2], f[3]
				info.Skills++
			}
			cs = append(cs, &concept{c: c, texts: map[string]*catalog.Concept{}})
		case "P", "A":
			if len(f) != 4 || f[3] == "" {
				return fail("label wants index, language and text")
			}
			c, ok := get(f[1])
			if !ok {
				return fail("label of unknown concept %q", f[1])
			}
			t := c.texts[f[2]]
			if t == nil {
				if f[0] != "P" {
					return fail("alternative label before the preferred one")
				}
				x := c.c
				x.Lang, x.Preferred = f[2], f[3]
				c.texts[f[2]], c.langs = &x, append(c.langs, f[2])
				continue
			}
			t.Alt = append(t.Alt, f[3])
		case "E", "X":
			if len(f) != 3 {
				return fail("relations want an occupation and a skill list")
			}
			o, ok := get(f[1])
			if !ok || o.c.Kind != catalog.KindOccupation {
				return fail("relations of unknown occupation %q", f[1])
			}
			for _, s := range strings.Split(f[2], " ") {
				sk, ok := get(s)
				if !ok || sk.c.Kind != catalog.KindSkill {
					return fail("relation to unknown skill %q", s)
				}
				rels = append(rels, catalog.OccupationSkill{OccupationURI: o.c.URI, SkillURI: sk.c.URI, Essential: f[0] == "E", SkillType: sk.c.SkillType})
				if f[0] == "E" {
					info.Essential++
				}
			}
		default:
			return fail("unknown record %q", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return info, fmt.Errorf("esco snapshot: %w", err)
	}
	if line == 0 {
		return fail("empty")
	}
	info.Relations = len(rels)
	if v.Concept != nil {
		for _, c := range cs {
			for _, l := range c.langs {
				if err := v.Concept(*c.texts[l]); err != nil {
					return info, err
				}
			}
		}
	}
	if v.Relation != nil {
		for _, r := range rels {
			if err := v.Relation(r); err != nil {
				return info, err
			}
		}
	}
	return info, nil
}
