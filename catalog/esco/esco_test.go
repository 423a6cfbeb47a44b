package esco

import (
	"errors"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

func TestDecodeSmall(t *testing.T) {
	in := Magic + "\nversion\t1.1.1\nattribution\tA\nO\tocc1\tC1\t2511\nS\tsk1\tknowledge\tcross-sector\n" +
		"P\t0\ten\tdata analyst\nP\t0\tfr\tanalyste de données\nP\t1\ten\tstatistics\nE\t0\t1\n"
	var cs []catalog.Concept
	var rs []catalog.OccupationSkill
	info, err := Decode(strings.NewReader(in), catalog.ESCOVisitor{
		Concept:  func(c catalog.Concept) error { cs = append(cs, c); return nil },
		Relation: func(r catalog.OccupationSkill) error { rs = append(rs, r); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if info.Occupations != 1 || info.Skills != 1 || info.Essential != 1 || len(cs) != 3 || len(rs) != 1 {
		t.Fatalf("info %+v, %d concepts, %d relations", info, len(cs), len(rs))
	}
	if cs[1].Lang != "fr" || cs[1].Preferred != "analyste de données" || cs[1].URI != OccupationPrefix+"occ1" || cs[1].ISCO != "2511" {
		t.Errorf("french concept = %+v", cs[1])
	}
	if rs[0].SkillURI != SkillPrefix+"sk1" || !rs[0].Essential || rs[0].SkillType != "knowledge" {
		t.Errorf("relation = %+v", rs[0])
	}
	for _, bad := range []string{"", "nope\n", Magic + "\nE\t0\t1\n", Magic + "\nO\tx\n", Magic + "\nO\ta\tb\tc\nA\t0\ten\tx\n"} {
		if _, err := Decode(strings.NewReader(bad), catalog.ESCOVisitor{}); !errors.Is(err, ErrFormat) {
			t.Errorf("Decode(%q) = %v, want ErrFormat", bad, err)
		}
	}
}

func TestEmbeddedSnapshotReads(t *testing.T) {
	info, err := Read(catalog.ESCOVisitor{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Occupations != 3007 || info.Skills != 13896 || info.Relations != 123788 || !strings.Contains(info.Attribution, "European Commission") {
		t.Errorf("embedded snapshot: %+v", info)
	}
	t.Logf("embedded snapshot: %d bytes compressed", Size())
}
