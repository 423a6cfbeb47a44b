package catalog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// ConceptKind is the kind of an ESCO concept.
type ConceptKind string

// ESCO concept kinds.
const (
	KindOccupation ConceptKind = "occupation"
	KindSkill      ConceptKind = "skill"
	KindISCOGroup  ConceptKind = "isco_group"
	KindSkillGroup ConceptKind = "skill_group"
)

// LabelKind says how a label names a concept (SKOS).
type LabelKind string

// Label kinds.
const (
	LabelPreferred LabelKind = "pref"
	LabelAlt       LabelKind = "alt"
	LabelHidden    LabelKind = "hidden"
)

// Concept is one ESCO concept as one language's CSV row describes it.
// Several languages describe the same URI; the store merges them.
type Concept struct {
	URI         string
	Kind        ConceptKind
	Lang        string // ISO 639-1 of the labels
	Code        string // ISCO code (groups), occupation code, skill group code
	ISCO        string // an occupation's ISCO group code
	SkillType   string // "skill/competence", "knowledge" or "" (a quirk the reader counts)
	ReuseLevel  string
	Status      string
	Preferred   string
	Alt         []string
	Hidden      []string
	Description string
}

// OccupationSkill is an occupation–skill relation.
type OccupationSkill struct {
	OccupationURI string
	SkillURI      string
	Essential     bool
	SkillType     string
}

// Broader says that URI sits under BroaderURI in an ESCO hierarchy.
type Broader struct {
	URI        string
	BroaderURI string
}

// ESCOVisitor receives what the reader finds, in file order: every concept
// file of an input before its relation files. A nil func skips that kind.
type ESCOVisitor struct {
	Concept  func(Concept) error
	Relation func(OccupationSkill) error
	Broader  func(Broader) error
}

// ESCOReport counts what a read found, including the quirks it survived.
type ESCOReport struct {
	Files          []string            // files read
	Ignored        []string            // CSV files of the download koers does not use
	Concepts       map[ConceptKind]int // rows per kind (all languages)
	Languages      []string            // label languages seen
	Relations      int
	Essential      int
	Optional       int
	Broader        int
	EmptySkillType int // skills and relations with an empty skillType
	Unlabelled     int // rows without any label in their language (skipped)
}

func (r *ESCOReport) lang(l string) {
	for _, x := range r.Languages {
		if x == l {
			return
		}
	}
	r.Languages = append(r.Languages, l)
}

// ErrNoESCOFiles is returned for an input that holds no ESCO CSV file.
var ErrNoESCOFiles = errors.New("no ESCO CSV files (occupations_*.csv, skills_*.csv, ISCOGroups_*.csv, skillGroups_*.csv, occupationSkillRelations*.csv)")

type escoFile int

const (
	escoNone escoFile = iota
	escoOccupations
	escoSkills
	escoISCO
	escoSkillGroups
	escoRelations
	escoBroaderOcc
	escoBroaderSkill
)

var reESCOName = regexp.MustCompile(`^(?i)(occupations|skills|iscogroups|skillgroups|occupationskillrelations|broaderrelationsoccpillar|broaderrelationsskillpillar)(?:_([a-z]{2}))?\.csv$`)

// ESCOFileKind reports whether a file name is one the reader uses, and its
// language ("" for relation files, which carry none).
func ESCOFileKind(name string) (kind string, lang string, ok bool) {
	k, l := classifyESCO(path.Base(name))
	if k == escoNone {
		return "", "", false
	}
	return strings.ToLower(strings.TrimSuffix(path.Base(name), path.Ext(name))), l, true
}

func classifyESCO(base string) (escoFile, string) {
	m := reESCOName.FindStringSubmatch(base)
	if m == nil {
		return escoNone, ""
	}
	lang := strings.ToLower(m[2])
	switch strings.ToLower(m[1]) {
	case "occupations":
		return escoOccupations, lang
	case "skills":
		return escoSkills, lang
	case "iscogroups":
		return escoISCO, lang
	case "skillgroups":
		return escoSkillGroups, lang
	case "occupationskillrelations":
		return escoRelations, lang
	case "broaderrelationsoccpillar":
		return escoBroaderOcc, lang
	case "broaderrelationsskillpillar":
		return escoBroaderSkill, lang
	}
	return escoNone, ""
}

// ReadESCO reads every ESCO CSV file in fsys (its top folder and one level
// below, as the zips are served or extracted), concept files first, and
// hands rows to v. label names the input in messages (the zip or folder).
// Row problems are collected (up to MaxImportErrors) and returned as
// ImportErrors after the whole input was read; quirks the download is known
// to have are counted in the report instead.
func ReadESCO(ctx context.Context, fsys fs.FS, label string, v ESCOVisitor) (ESCOReport, error) {
	rep := ESCOReport{Concepts: map[ConceptKind]int{}}
	type entry struct {
		name string
		kind escoFile
		lang string
	}
	var files []entry
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.Count(p, "/") >= 1 {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(path.Base(p), ".") || strings.HasPrefix(p, "__MACOSX") {
			return nil
		}
		k, l := classifyESCO(path.Base(p))
		if k == escoNone {
			if strings.EqualFold(path.Ext(p), ".csv") {
				rep.Ignored = append(rep.Ignored, p)
			}
			return nil
		}
		files = append(files, entry{p, k, l})
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("read %s: %w", label, err)
	}
	if len(files) == 0 {
		return rep, fmt.Errorf("%s: %w", label, ErrNoESCOFiles)
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].kind < files[j].kind })
	var errs Errs
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		r, err := fsys.Open(f.name)
		if err != nil {
			return rep, fmt.Errorf("read %s: %w", label, err)
		}
		name := label + "/" + f.name
		if label == "" {
			name = f.name
		}
		err = readESCOFile(ctx, r, name, f.kind, f.lang, v, &rep, &errs)
		r.Close()
		if err != nil {
			return rep, err
		}
		rep.Files = append(rep.Files, name)
		if errs.Full() {
			break
		}
	}
	return rep, errs.Err()
}

// ReadESCOFile reads one ESCO CSV file, its kind and language taken from
// its name.
func ReadESCOFile(ctx context.Context, r io.Reader, name string, v ESCOVisitor) (ESCOReport, error) {
	rep := ESCOReport{Concepts: map[ConceptKind]int{}}
	k, l := classifyESCO(path.Base(name))
	if k == escoNone {
		return rep, fmt.Errorf("%s: %w", name, ErrNoESCOFiles)
	}
	var errs Errs
	if err := readESCOFile(ctx, r, name, k, l, v, &rep, &errs); err != nil {
		return rep, err
	}
	rep.Files = append(rep.Files, name)
	return rep, errs.Err()
}

// escoColumns are the columns each file must have.
var escoColumns = map[escoFile][]string{
	escoOccupations:  {"conceptUri", "preferredLabel"},
	escoSkills:       {"conceptUri", "preferredLabel"},
	escoISCO:         {"conceptUri", "code", "preferredLabel"},
	escoSkillGroups:  {"conceptUri", "preferredLabel"},
	escoRelations:    {"occupationUri", "relationType", "skillUri"},
	escoBroaderOcc:   {"conceptUri", "broaderUri"},
	escoBroaderSkill: {"conceptUri", "broaderUri"},
}

func readESCOFile(ctx context.Context, r io.Reader, name string, kind escoFile, lang string, v ESCOVisitor, rep *ESCOReport, errs *Errs) error {
	br := bufio.NewReaderSize(newRecordLimiter(r, name, DefaultLimits().RecordBytes), 256<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // skillsHierarchy and others have ragged rows
	cr.ReuseRecord = true
	head, err := cr.Read()
	if le, ok := asLimit(err); ok {
		errs.Add(le.ImportError())
		return nil
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			errs.Add(ImportError{File: name, Line: 1, Msg: "empty file: no header row"})
			return nil
		}
		errs.Add(ImportError{File: name, Line: 1, Msg: "not CSV: " + csvMsg(err)})
		return nil
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	var missing []string
	for _, c := range escoColumns[kind] {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		errs.Add(ImportError{File: name, Line: 1, Field: strings.Join(missing, ", "), Msg: "required column missing from the header"})
		return nil
	}
	get := func(rec []string, c string) string {
		if i, ok := col[c]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	if lang != "" {
		rep.lang(lang)
	}
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if le, ok := asLimit(err); ok {
			errs.Add(le.ImportError())
			return nil
		}
		line := 0
		if err == nil {
			line, _ = cr.FieldPos(0)
		} else {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			if errs.Add(ImportError{File: name, Line: line, Msg: "not CSV: " + csvMsg(err)}) {
				return nil
			}
			if pe == nil || pe.Err != csv.ErrFieldCount {
				return nil // the reader cannot resynchronise after a quote error
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if bad := firstInvalidUTF8(rec, head); bad != "" {
			if errs.Add(ImportError{File: name, Line: line, Field: bad, Msg: "not UTF-8 text (ESCO files are UTF-8; was it saved as Latin-1?)"}) {
				return nil
			}
			continue
		}
		if err := escoRow(kind, lang, rec, get, v, rep); err != nil {
			var ie ImportError
			if errors.As(err, &ie) {
				ie.File, ie.Line = name, line
				if errs.Add(ie) {
					return nil
				}
				continue
			}
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
}

func escoRow(kind escoFile, lang string, rec []string, get func([]string, string) string, v ESCOVisitor, rep *ESCOReport) error {
	switch kind {
	case escoRelations:
		occ, sk := strings.TrimSpace(get(rec, "occupationUri")), strings.TrimSpace(get(rec, "skillUri"))
		if occ == "" || sk == "" {
			return ImportError{Field: "occupationUri/skillUri", Msg: "is empty"}
		}
		rel := OccupationSkill{OccupationURI: occ, SkillURI: sk, SkillType: strings.TrimSpace(get(rec, "skillType"))}
		switch strings.TrimSpace(get(rec, "relationType")) {
		case "essential":
			rel.Essential = true
			rep.Essential++
		case "optional":
			rep.Optional++
		default:
			return ImportError{Field: "relationType", Msg: fmt.Sprintf("%q is not essential or optional", get(rec, "relationType"))}
		}
		if rel.SkillType == "" {
			rep.EmptySkillType++
		}
		rep.Relations++
		if v.Relation != nil {
			return v.Relation(rel)
		}
		return nil
	case escoBroaderOcc, escoBroaderSkill:
		b := Broader{URI: strings.TrimSpace(get(rec, "conceptUri")), BroaderURI: strings.TrimSpace(get(rec, "broaderUri"))}
		if b.URI == "" || b.BroaderURI == "" {
			return ImportError{Field: "conceptUri/broaderUri", Msg: "is empty"}
		}
		rep.Broader++
		if v.Broader != nil {
			return v.Broader(b)
		}
		return nil
	}
	c := Concept{
		URI:         strings.TrimSpace(get(rec, "conceptUri")),
		Lang:        lang,
		Status:      strings.TrimSpace(get(rec, "status")),
		Preferred:   cleanLabel(get(rec, "preferredLabel")),
		Alt:         splitLabels(get(rec, "altLabels")),
		Hidden:      splitLabels(get(rec, "hiddenLabels")),
		Description: strings.TrimSpace(get(rec, "description")),
		Code:        strings.TrimSpace(get(rec, "code")),
	}
	switch kind {
	case escoOccupations:
		c.Kind = KindOccupation
		c.ISCO = strings.TrimSpace(get(rec, "iscoGroup"))
	case escoSkills:
		c.Kind = KindSkill
		c.SkillType = strings.TrimSpace(get(rec, "skillType"))
		c.ReuseLevel = strings.TrimSpace(get(rec, "reuseLevel"))
		if c.SkillType == "" {
			rep.EmptySkillType++
		}
	case escoISCO:
		c.Kind = KindISCOGroup
	case escoSkillGroups:
		c.Kind = KindSkillGroup
	}
	if !strings.HasPrefix(c.URI, "http://") && !strings.HasPrefix(c.URI, "https://") {
		return ImportError{Field: "conceptUri", Msg: fmt.Sprintf("%q is not a URI", c.URI)}
	}
	if c.Preferred == "" && len(c.Alt) == 0 {
		rep.Unlabelled++ // quirk: untranslated rows in older language files
		return nil
	}
	rep.Concepts[c.Kind]++
	if v.Concept != nil {
		return v.Concept(c)
	}
	return nil
}

// cleanLabel trims a label and collapses runs of spaces (the download has
// labels with trailing and double spaces).
func cleanLabel(s string) string { return strings.Join(strings.Fields(s), " ") }

// splitLabels splits a multi-valued cell (newline-separated inside a quoted
// CSV field), dropping empties and duplicates.
func splitLabels(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		l = cleanLabel(l)
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

func firstInvalidUTF8(rec, head []string) string {
	for i, f := range rec {
		if !utf8.ValidString(f) {
			if i < len(head) {
				return head[i]
			}
			return fmt.Sprintf("column %d", i+1)
		}
	}
	return ""
}

func csvMsg(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
