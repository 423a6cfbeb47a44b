package catalog

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

func TestSkillGap(t *testing.T) {
	a := cand("a", 20000, 10, "s:1", "s:2")
	b := cand("b", 10000, 10, "s:2")
	c := cand("c", 5000, 10, "s:2")
	c.Withdrawn = true
	d := cand("d", 100, 10, "s:2")
	d.Start = NewDate(2025, 1, 1) // started already
	in := GapInput{
		Essential:  skills("s:0", "s:1", "s:2", "s:3"),
		Optional:   skills("s:4", "s:0"),
		Held:       []string{"s:0"},
		Planned:    map[string][]string{"s:3": {"step-1"}},
		Candidates: []Candidate{d, c, b, a},
		Today:      NewDate(2026, 1, 1),
	}
	g := SkillGap(in)
	e := g.Essential
	if e.Total != 4 || len(e.Covered) != 1 || len(e.Planned) != 1 || len(e.Missing) != 2 {
		t.Fatalf("essential %+v", e)
	}
	if e.Planned[0].URI != "s:3" || !slices.Equal(e.Planned[0].Steps, []string{"step-1"}) {
		t.Errorf("planned %+v", e.Planned)
	}
	var got []string
	for _, o := range e.Missing[1].Offers {
		got = append(got, o.ID)
	}
	// s:2: a teaches two missing skills, then b (cheaper than a but one
	// skill), then d, which has started; c is withdrawn.
	if want := []string{"a", "b", "d"}; !slices.Equal(got, want) {
		t.Errorf("offers for s:2: %v, want %v", got, want)
	}
	if o := g.Optional; o.Total != 2 || len(o.Covered) != 1 || len(o.Missing) != 1 || len(o.Missing[0].Offers) != 0 {
		t.Errorf("optional %+v", o)
	}
}

// sharedData is ../shared/data from the repository root, or "" (skip).
func sharedData(t *testing.T, parts ...string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(append([]string{wd, "..", "..", "shared", "data"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s absent: %v", p, err)
	}
	return p
}

// TestSkillGapRealESCO: a person holding the four ESCO skills of the ELM
// Annex I sample who targets "community artist" covers 1 of its 24
// essential skills.
func TestSkillGapRealESCO(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the ESCO download")
	}
	elm, err := os.ReadFile(sharedData(t, "elm", "Sample-MC-Annex1-unsigned.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	var held []string
	for _, m := range regexp.MustCompile(`http://data\.europa\.eu/esco/skill/[0-9a-f-]+`).FindAllString(string(elm), -1) {
		if !slices.Contains(held, m) {
			held = append(held, m)
		}
	}
	if len(held) != 4 {
		t.Fatalf("ELM sample has %d ESCO skills, want 4", len(held))
	}
	dir := sharedData(t, "esco", "v1.1.1-en")
	occ := ""
	labels := map[string]string{}
	var rels []OccupationSkill
	v := ESCOVisitor{
		Concept: func(c Concept) error {
			if c.Kind == KindOccupation && c.Preferred == "community artist" {
				occ = c.URI
			}
			if c.Kind == KindSkill {
				labels[c.URI] = c.Preferred
			}
			return nil
		},
		Relation: func(r OccupationSkill) error { rels = append(rels, r); return nil },
		Broader:  func(Broader) error { return nil },
	}
	for _, name := range []string{"ESCO dataset - v1.1.1 - classification - en - csv.zip", "ESCO dataset - v1.1.1 - classification -  - csv.zip"} {
		z, err := zip.OpenReader(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadESCO(context.Background(), z, name, v); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		z.Close()
	}
	if occ == "" {
		t.Fatal("no occupation labelled community artist")
	}
	var ess, opt []SkillRef
	for _, r := range rels {
		if r.OccupationURI != occ {
			continue
		}
		s := SkillRef{URI: r.SkillURI, Label: labels[r.SkillURI]}
		if r.Essential {
			ess = append(ess, s)
		} else {
			opt = append(opt, s)
		}
	}
	g := SkillGap(GapInput{Essential: ess, Optional: opt, Held: held})
	if e := g.Essential; e.Total != 24 || len(e.Covered) != 1 || len(e.Missing) != 23 {
		t.Fatalf("community artist: total %d covered %d missing %d, want 24, 1, 23", e.Total, len(e.Covered), len(e.Missing))
	}
	t.Logf("covered: %s", g.Essential.Covered[0].Label)
	sg := Suggest(SuggestInput{Essential: ess, Held: held})
	if len(sg.Missing) != 23 || len(sg.Untaught) != 23 || sg.Blocked == nil || sg.Blocked.Constraint != "untaught" {
		t.Errorf("suggest with an empty register: missing %d untaught %d blocked %+v", len(sg.Missing), len(sg.Untaught), sg.Blocked)
	}
}
