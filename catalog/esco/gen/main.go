// Command gen writes koers's embedded ESCO snapshot (snapshot.tsv.gz) from
// the official ESCO CSV files: the v1.1.1 English classification and
// relations zips, the French v1.1.1 files and the Dutch v1.0 files. It is
// deterministic: the same files give the same text (and, with the same Go
// release, the same compressed bytes).
//
//	go run ./gen -data ../../../shared/data/esco -o snapshot.tsv.gz
//
// The snapshot is UTF-8 text, one record per line, fields separated by tabs:
//
//	koers-esco-snapshot	1
//	version	1.1.1
//	attribution	TEXT
//	O	UUID	CODE	ISCO            an occupation (index = its line among O and S lines)
//	S	UUID	SKILLTYPE	REUSE       a skill
//	P	INDEX	LANG	LABEL           a preferred label
//	A	INDEX	LANG	LABEL           an alternative label (after its language's P)
//	E	INDEX	INDEX INDEX …           an occupation's essential skills
//	X	INDEX	INDEX INDEX …           an occupation's optional skills
package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/catalog/esco"
)

// withAlt keeps occupations' alternative labels. Off by default: they
// double what a first open writes (61 000 labels and their folded forms)
// for a picker that preferred labels already serve; an import of the full
// download adds them.
var withAlt = flag.Bool("alt", false, "keep occupations' alternative labels")

func main() {
	data := flag.String("data", "", "folder holding v1.1.1-en/, v1.1.1-fr/ and v1.0-nl/ as in ../shared/data/esco")
	out := flag.String("o", "snapshot.tsv.gz", "output file")
	flag.Parse()
	if err := run(*data, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(data, out string) error {
	text, err := build(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(text); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %s (%d bytes, %d uncompressed)\n", out, buf.Len(), len(text))
	return nil
}

// entry is one concept being collected.
type entry struct {
	kind       catalog.ConceptKind
	uuid       string
	code, isco string // occupations
	skillType  string // skills
	reuse      string
	pref       map[string]string   // per language
	alt        map[string][]string // per language (occupations only)
	essential  []string            // skill URIs
	optional   []string
}

type collector struct {
	byURI map[string]*entry
}

func clean(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimSpace(s)
}

// visit takes the concepts of one language; en creates them, other
// languages only label concepts English has.
func (c *collector) visit(create bool) catalog.ESCOVisitor {
	return catalog.ESCOVisitor{
		Concept: func(x catalog.Concept) error {
			if x.Kind != catalog.KindOccupation && x.Kind != catalog.KindSkill {
				return nil
			}
			e := c.byURI[x.URI]
			if e == nil {
				if !create {
					return nil
				}
				prefix := esco.OccupationPrefix
				if x.Kind == catalog.KindSkill {
					prefix = esco.SkillPrefix
				}
				if !strings.HasPrefix(x.URI, prefix) {
					return fmt.Errorf("%s: URI outside %s", x.URI, prefix)
				}
				e = &entry{kind: x.Kind, uuid: strings.TrimPrefix(x.URI, prefix), code: x.Code, isco: x.ISCO,
					skillType: x.SkillType, reuse: x.ReuseLevel, pref: map[string]string{}, alt: map[string][]string{}}
				c.byURI[x.URI] = e
			}
			if e.kind != x.Kind {
				return nil
			}
			lang := x.Lang
			if p := clean(x.Preferred); p != "" {
				e.pref[lang] = p
			} else {
				return nil
			}
			if e.kind == catalog.KindOccupation && *withAlt {
				for _, a := range x.Alt {
					if a = clean(a); a != "" && a != e.pref[lang] && !slices.Contains(e.alt[lang], a) {
						e.alt[lang] = append(e.alt[lang], a)
					}
				}
			}
			return nil
		},
		Relation: func(r catalog.OccupationSkill) error {
			o, s := c.byURI[r.OccupationURI], c.byURI[r.SkillURI]
			if o == nil || s == nil || o.kind != catalog.KindOccupation || s.kind != catalog.KindSkill {
				return nil // dangling in the download: not kept
			}
			if r.Essential {
				o.essential = append(o.essential, r.SkillURI)
			} else {
				o.optional = append(o.optional, r.SkillURI)
			}
			return nil
		},
	}
}

// collection reads a skills collection file (French, Dutch) for the
// preferred labels of the skills it lists.
func (c *collector) collection(path, lang string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ui, li := slices.Index(head, "conceptUri"), slices.Index(head, "preferredLabel")
	if ui < 0 || li < 0 {
		return fmt.Errorf("%s: no conceptUri or preferredLabel column", path)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if ui >= len(rec) || li >= len(rec) {
			continue
		}
		e := c.byURI[rec[ui]]
		if e == nil || e.kind != catalog.KindSkill {
			continue
		}
		if p := clean(rec[li]); p != "" && e.pref[lang] == "" {
			e.pref[lang] = p
		}
	}
}

func readZip(ctx context.Context, path string, v catalog.ESCOVisitor) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	_, err = catalog.ReadESCO(ctx, &zr.Reader, filepath.Base(path), v)
	return err
}

// readDir reads a folder's ESCO files (collections are read apart).
func readDir(ctx context.Context, dir string, v catalog.ESCOVisitor) error {
	_, err := catalog.ReadESCO(ctx, os.DirFS(dir), dir, v)
	return err
}

func build(data string) ([]byte, error) {
	if data == "" {
		return nil, fmt.Errorf("-data: the ESCO folder is required")
	}
	ctx := context.Background()
	c := &collector{byURI: map[string]*entry{}}
	en := filepath.Join(data, "v1.1.1-en")
	classification := filepath.Join(en, "ESCO dataset - v1.1.1 - classification - en - csv.zip")
	relations := filepath.Join(en, "ESCO dataset - v1.1.1 - classification -  - csv.zip")
	if err := readZip(ctx, classification, c.visit(true)); err != nil {
		return nil, err
	}
	if err := readZip(ctx, relations, c.visit(false)); err != nil {
		return nil, err
	}
	for _, d := range []struct{ dir, lang string }{{"v1.1.1-fr", "fr"}, {"v1.0-nl", "nl"}} {
		dir := filepath.Join(data, d.dir)
		if err := readDir(ctx, dir, c.visit(false)); err != nil {
			return nil, err
		}
		files, err := fs.Glob(os.DirFS(dir), "*SkillsCollection_*.csv")
		if err != nil {
			return nil, err
		}
		slices.Sort(files)
		for _, f := range files {
			if err := c.collection(filepath.Join(dir, f), d.lang); err != nil {
				return nil, err
			}
		}
	}
	return c.text(), nil
}

// text writes the snapshot: occupations then skills, each by URI.
func (c *collector) text() []byte {
	var occ, sk []*entry
	for _, e := range c.byURI {
		if e.pref["en"] == "" {
			continue // every kept concept has an English label
		}
		if e.kind == catalog.KindOccupation {
			occ = append(occ, e)
		} else {
			sk = append(sk, e)
		}
	}
	byUUID := func(a, b *entry) int { return strings.Compare(a.uuid, b.uuid) }
	slices.SortFunc(occ, byUUID)
	slices.SortFunc(sk, byUUID)
	all := append(occ, sk...)
	idx := map[string]int{}
	for i, e := range all {
		prefix := esco.OccupationPrefix
		if e.kind == catalog.KindSkill {
			prefix = esco.SkillPrefix
		}
		idx[prefix+e.uuid] = i
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nversion\t%s\nattribution\t%s\n", esco.Magic, esco.Version, esco.Attribution)
	for _, e := range all {
		if e.kind == catalog.KindOccupation {
			fmt.Fprintf(&b, "O\t%s\t%s\t%s\n", e.uuid, e.code, e.isco)
		} else {
			fmt.Fprintf(&b, "S\t%s\t%s\t%s\n", e.uuid, e.skillType, e.reuse)
		}
	}
	for i, e := range all {
		for _, l := range []string{"en", "nl", "fr"} {
			if p := e.pref[l]; p != "" {
				fmt.Fprintf(&b, "P\t%d\t%s\t%s\n", i, l, p)
				for _, a := range e.alt[l] {
					fmt.Fprintf(&b, "A\t%d\t%s\t%s\n", i, l, a)
				}
			}
		}
	}
	list := func(uris []string) string {
		ns := make([]int, 0, len(uris))
		for _, u := range uris {
			if j, ok := idx[u]; ok && !slices.Contains(ns, j) {
				ns = append(ns, j)
			}
		}
		slices.Sort(ns)
		ss := make([]string, len(ns))
		for k, n := range ns {
			ss[k] = strconv.Itoa(n)
		}
		return strings.Join(ss, " ")
	}
	for i, e := range occ {
		if s := list(e.essential); s != "" {
			fmt.Fprintf(&b, "E\t%d\t%s\n", i, s)
		}
		if s := list(e.optional); s != "" {
			fmt.Fprintf(&b, "X\t%d\t%s\n", i, s)
		}
	}
	return b.Bytes()
}
