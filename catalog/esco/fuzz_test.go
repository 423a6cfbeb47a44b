package esco

import (
	"errors"
	"strings"
	"testing"

	"github.com/koers-project/koers/catalog"
)

// FuzzDecode: any input decodes or is refused with ErrFormat (or a scanner
// error), never panics, and every relation it reports joins an occupation
// to a skill it declared.
func FuzzDecode(f *testing.F) {
	f.Add(Magic + "\nversion\t1.1.1\nO\tocc\tC\t2511\nS\tsk\tknowledge\t\nP\t0\ten\tx\nP\t1\ten\ty\nE\t0\t1\nX\t0\t1\n")
	f.Add(Magic + "\nE\t0\t0\n")
	f.Add(Magic + "\nP\t-1\ten\tx\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		_, err := Decode(strings.NewReader(in), catalog.ESCOVisitor{
			Concept: func(catalog.Concept) error { return nil },
			Relation: func(r catalog.OccupationSkill) error {
				if !strings.HasPrefix(r.OccupationURI, OccupationPrefix) || !strings.HasPrefix(r.SkillURI, SkillPrefix) {
					t.Errorf("relation %+v", r)
				}
				return nil
			},
		})
		if err != nil && !errors.Is(err, ErrFormat) && !strings.Contains(err.Error(), "esco snapshot") {
			t.Errorf("unexpected error %v", err)
		}
	})
}
