package cli

import (
	"strings"
	"testing"
)

// FuzzParseItem checks --goal/--action values never panic and that an
// accepted item's keys are the allowed ones.
func FuzzParseItem(f *testing.F) {
	for _, s := range []string{"enrol|due=2026-12-17|owner=person", "x", "|", "a|b", "a|due=", "a|offer=o|type=enrol|status=open"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sum, kv, err := parseItem("--action", s, "due", "owner", "offer", "type", "status")
		if err != nil {
			return
		}
		if strings.Contains(sum, "|") {
			t.Fatalf("summary %q keeps a separator", sum)
		}
		for k := range kv {
			if !hasString([]string{"due", "owner", "offer", "type", "status"}, k) {
				t.Fatalf("key %q accepted", k)
			}
		}
	})
}
