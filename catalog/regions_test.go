package catalog

import (
	"errors"
	"slices"
	"testing"
)

func TestNeighboursSymmetric(t *testing.T) {
	for a, ns := range neighbours {
		for _, b := range ns {
			if !slices.Contains(neighbours[b], a) {
				t.Errorf("%s lists %s, but %s does not list %s", a, b, b, a)
			}
		}
	}
}

func TestRegionOfPostcodeAndName(t *testing.T) {
	for in, want := range map[string]string{"6000": "BE32", "B-6001": "BE32", "1000": "BE10", "3000": "BE24", "9000": "BE23", "L-1111": "LU00", "4020": "BE33"} {
		if got, err := RegionOfPostcode(in); err != nil || got != want {
			t.Errorf("RegionOfPostcode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "600", "60000", "abcd", "NL-1234", "0999"} {
		if _, err := RegionOfPostcode(bad); !errors.Is(err, ErrRegion) {
			t.Errorf("RegionOfPostcode(%q) = %v, want ErrRegion", bad, err)
		}
	}
	for in, want := range map[string]string{"Charleroi": "BE32", "liège": "BE33", "LUIK": "BE33", "be322": "BE322", "Gent": "BE23", "": ""} {
		if got, err := ParseRegion(in); err != nil || got != want {
			t.Errorf("ParseRegion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseRegion("Atlantis"); !errors.Is(err, ErrRegion) {
		t.Errorf("ParseRegion(Atlantis) = %v", err)
	}
}

func TestReach(t *testing.T) {
	if r, on := Reach("BE322", MobilityProvince); !slices.Equal(r, []string{"BE32"}) || on {
		t.Errorf("province reach = %v, %v", r, on)
	}
	if r, _ := Reach("BE32", MobilityNeighbours); !slices.Contains(r, "BE35") || slices.Contains(r, "BE21") {
		t.Errorf("neighbours of Hainaut = %v", r)
	}
	if _, on := Reach("BE32", MobilityOnline); !on {
		t.Error("online mobility is not online only")
	}
	if r, on := Reach("", MobilityProvince); r != nil || on {
		t.Error("unknown home limits the reach")
	}
	if !InReach("BE21", ModeOnline, []string{"BE32"}) || InReach("BE21", ModeOnsite, []string{"BE32"}) || !InReach("BE322", ModeOnsite, []string{"BE32"}) {
		t.Error("InReach")
	}
}

// FuzzParseRegion: a region or postcode is read whole or refused with
// ErrRegion; what is read is a code ParseRegion keeps as it is.
func FuzzParseRegion(f *testing.F) {
	for _, s := range []string{"Charleroi", "BE322", "luik", "6000", "L-1111", "B-9000", "", "BE", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (string, error){ParseRegion, RegionOfPostcode} {
			r, err := parse(s)
			if err != nil {
				if !errors.Is(err, ErrRegion) {
					t.Errorf("%q: %v", s, err)
				}
				continue
			}
			if again, err := ParseRegion(r); err != nil || again != r {
				t.Errorf("%q read as %q, which reads back as %q, %v", s, r, again, err)
			}
		}
	})
}
