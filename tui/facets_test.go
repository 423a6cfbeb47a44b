package tui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"github.com/koers-project/koers/catalog"
)

// The facet lines keep the last cell free: beside the detail pane they
// would otherwise run into its border.
func TestFacetLinesKeepARightMargin(t *testing.T) {
	sh := testShared(t, "en")
	f := &catalog.Facets{Total: 123456,
		EQF:      []catalog.Bucket{{Value: "3", Count: 12673}, {Value: "4", Count: 37841}, {Value: "5", Count: 38052}, {Value: "6", Count: 25514}, {Value: "n/a", Count: 11}},
		Mode:     []catalog.Bucket{{Value: "online", Count: 41144}, {Value: "onsite", Count: 41221}, {Value: "blended", Count: 82493}, {Value: "work-experience", Count: 10}},
		Language: []catalog.Bucket{{Value: "nl", Count: 139482}, {Value: "en", Count: 52025}, {Value: "fr", Count: 14507}},
		Scheme:   []catalog.Bucket{{Value: "ila", Count: 59}, {Value: "leave", Count: 26}, {Value: "voucher", Count: 9}},
	}
	for w := 30; w <= 130; w++ {
		lines := facetLines(sh.P, sh.Styles, f, w, facetRows)
		if len(lines) != facetRows {
			t.Fatalf("width %d: %d lines", w, len(lines))
		}
		for _, l := range lines {
			if lw := lipgloss.Width(l); lw > w-1 {
				t.Errorf("width %d: line of %d cells: %q", w, lw, strings.TrimSpace(l))
			}
		}
	}
}
