package tui

import "testing"

// TestPeopleListDutchDate (issue 13 item 10): the Dutch "last seen" date
// is whole at 80 and at 120 columns, written the Dutch way.
func TestPeopleListDutchDate(t *testing.T) {
	for _, sz := range peopleSizes {
		t.Run(sz.name, func(t *testing.T) {
			r, _ := startPeople(t, "nl", sz.w, sz.h)
			r.waitFor("3 personen", "Ann Peeters", "laatst gezien 19-11-2026")
			r.golden()
			r.finish()
		})
	}
}

// TestFilterPanelWithHelp (issue 13 item 10): with the full help open the
// filter panel keeps its bottom border and its last row, and without help
// the results stay in view under it.
func TestFilterPanelWithHelp(t *testing.T) {
	for _, c := range []struct{ lang, last, title string }{
		{"en", "Passed offers", "Machine learning in practice"},
		{"nl", "Verlopen aanbod", "Machine learning in practice"},
	} {
		for _, sz := range peopleSizes {
			t.Run(c.lang+"/"+sz.name, func(t *testing.T) {
				s := newSearchSession(t, c.lang, sz.w, sz.h, nil)
				s.tm.Type("machine learning")
				s.waitFor(s.count("machine learning"))
				s.keys("esc", "f")
				s.waitFor(c.last, "╰", c.title) // the results under the open panel
				s.keys("f1")
				s.waitFor(c.last, "╰", "ctrl+c") // the full help lists ctrl+c, the short one does not
				s.golden()
			})
		}
	}
}
