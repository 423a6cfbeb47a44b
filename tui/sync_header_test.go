package tui

import (
	"testing"
)

// markCheckedOut makes Ann a person checked out to this file (as koers
// sync checkout leaves it), with three changes waiting and one conflict.
func markCheckedOut(t *testing.T, r *peopleRun, ann string) {
	t.Helper()
	db := r.st.DB()
	for _, q := range []string{
		`INSERT INTO sync_state (one, checkout_id, server, checked_out_at, synced_at, cursor, created_by)
			VALUES (1, '0194d000-0000-7000-8000-000000000001', 'postgres://db.example.org/koers', '2026-12-03T08:15:00.000Z', '2026-12-03T09:42:00.000Z', '1000', 'tester')`,
		`INSERT INTO sync_people (person_id, copied_at) VALUES ('` + ann + `', '2026-12-03T08:15:00.000Z')`,
		`INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('ledger_entries', 'e1', '` + ann + `', 'insert'),
			('guidance_sessions', 's1', '` + ann + `', 'insert'), ('people', '` + ann + `', '` + ann + `', 'update'),
			('audit_log', 'a1', '` + ann + `', 'insert')`,
		`INSERT INTO sync_conflicts (id, person_id, tbl, row_id, base_version, server_version, local, server, at)
			VALUES ('c1', '` + ann + `', 'people', '` + ann + `', 1, 2, '{}', '{}', '2026-12-03T09:42:00.000Z')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPersonHeaderSyncState: on a laptop, the person's header says when
// the laptop last synced, how many changes wait and how many conflicts are
// open, and the balances say they are as of the checkout; in every
// language at both sizes. (The audit row in the outbox is not counted: it
// is no change of the counsellor's.)
func TestPersonHeaderSyncState(t *testing.T) {
	want := map[string][]string{
		"en": {"synced 09:42", "3 changes waiting", "1 conflict", "as of checkout 08:15"},
		"nl": {"gesynchroniseerd 09:42", "3 wijzigingen wachten", "1 conflict", "stand bij uitchecken 08:15"},
		"fr": {"synchronisé 09:42", "3 modifications en attente", "1 conflit", "à l'emport (08:15)"},
	}
	for _, lang := range []string{"en", "nl", "fr"} {
		for _, sz := range peopleSizes {
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				r, ann := startPeople(t, lang, sz.w, sz.h)
				markCheckedOut(t, r, ann)
				r.waitFor("Ann Peeters")
				r.keys("enter")
				r.waitFor(want[lang]...)
				r.golden()
				r.finish()
			})
		}
	}
}
