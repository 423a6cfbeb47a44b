package catalog

import (
	"errors"
	"testing"
)

// TestParseHome: a home region typed as a postcode, a name or a NUTS code.
func TestParseHome(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"6000", "BE32"}, {"B-2000", "BE21"}, {"L-1111", "LU00"}, {"Charleroi", "BE32"}, {"antwerpen", "BE21"},
		{"BE32", "BE32"}, {"", ""},
	} {
		got, err := ParseHome(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseHome(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"99999", "Atlantis", "0000"} {
		if _, err := ParseHome(bad); !errors.Is(err, ErrRegion) {
			t.Errorf("ParseHome(%q): %v, want ErrRegion", bad, err)
		}
	}
}
