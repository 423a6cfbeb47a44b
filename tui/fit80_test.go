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
