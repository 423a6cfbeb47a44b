package tui

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
)

// markConflicts checks Ann out to this file with two open conflicts: her
// profile (email and employment changed here, phone and employment on the
// server) and the status of one of her actions.
func markConflicts(t *testing.T, r *peopleRun, ann string) {
	t.Helper()
	db := r.st.DB()
	for _, q := range []string{
		`INSERT INTO sync_state (one, checkout_id, server, checked_out_at, synced_at, cursor, created_by)
			VALUES (1, '0194d000-0000-7000-8000-000000000001', 'postgres://db.example.org/koers', '2026-12-03T08:15:00.000Z', '2026-12-03T09:42:00.000Z', '1000', 'tester')`,
		`INSERT INTO sync_people (person_id, copied_at) VALUES ('` + ann + `', '2026-12-03T08:15:00.000Z')`,
		`INSERT INTO sync_conflicts (id, person_id, tbl, row_id, base_version, server_version, local, server, at)
			VALUES ('c1', '` + ann + `', 'people', '` + ann + `', 1, 2,
			'{"name":"Ann Peeters","email":"ann@laptop.example","phone":"0470 11 22 33","employment":"student","eqf":4,"modes":"[]","version":2}',
			'{"name":"Ann Peeters","email":"ann@example.org","phone":"0470 99 88 77","employment":"employed","eqf":4,"modes":"[]","version":2}',
			'2026-12-03T09:42:00.000Z'),
			('c2', '` + ann + `', 'actions', 'a-1', 0, 0,
			'{"summary":"Call the training centre","status":"done"}',
			'{"summary":"Call the training centre","status":"cancelled"}',
			'2026-12-03T09:43:00.000Z')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSyncConflictsScreen: on a laptop, C on a person with open conflicts
// shows each conflict's two versions, field by field where they differ and
// in words; the counsellor keeps theirs, then mine, each confirmed; each
// choice is recorded on the conflict and in the audit log, and the header
// no longer counts the conflicts. In en and nl at both sizes (fr's texts
// are checked once).
func TestSyncConflictsScreen(t *testing.T) {
	type texts struct {
		head, screen, second, confirm, mine []string
		synced                              string
	}
	want := map[string]texts{
		"en": {head: []string{"2 conflicts", "C conflicts"},
			screen:  []string{"Conflicts of Ann Peeters", "1 of 2", "About: the profile", "ann@laptop.example", "ann@example.org", "student", "employed", "0470 99 88 77"},
			confirm: []string{"Keep the server's version?"}, mine: []string{"Keep this laptop's version?"}, synced: "synced 09:42",
			second: []string{"1 of 1", "the status of the action “Call the training centre”", "done", "cancelled"}},
		"nl": {head: []string{"2 conflicten", "C conflicten"},
			screen:  []string{"Conflicten van Ann Peeters", "1 van 2", "Over: het profiel", "ann@laptop.example", "ann@example.org"},
			confirm: []string{"Behouden: de versie van de server?"}, mine: []string{"Behouden: de versie van deze laptop?"}, synced: "gesynchroniseerd 09:42",
			second: []string{"1 van 1", "de status van de actie “Call the training centre”"}},
		"fr": {head: []string{"2 conflits", "C conflits"},
			screen:  []string{"Conflits de Ann Peeters", "1 sur 2", "Objet : le profil"},
			confirm: []string{"Garder la version du serveur ?"}, mine: []string{"Garder la version de ce portable ?"}, synced: "synchronisé 09:42",
			second: []string{"1 sur 1", "le statut de l'action « Call the training centre »"}},
	}
	for _, lang := range []string{"en", "nl", "fr"} {
		for _, sz := range peopleSizes {
			if lang == "fr" && sz.w != 120 {
				continue
			}
			t.Run(lang+"/"+sz.name, func(t *testing.T) {
				w := want[lang]
				r, ann := startPeople(t, lang, sz.w, sz.h)
				markConflicts(t, r, ann)
				r.waitFor("Ann Peeters")
				r.keys("enter")
				r.waitFor(w.head...)
				r.keys("C")
				r.waitFor(w.screen...)
				r.golden()
				r.keys("t")
				r.waitFor(w.confirm...)
				r.keys("y")
				r.waitFor(w.second...)
				var res, by string
				if err := r.st.DB().QueryRow(`SELECT resolved, resolved_by FROM sync_conflicts WHERE id='c1'`).Scan(&res, &by); err != nil || res != "theirs" || by == "" {
					t.Fatalf("conflict c1 after keeping theirs: resolved %q by %q (%v)", res, by, err)
				}
				r.keys("m")
				r.waitFor(w.mine...)
				r.keys("y")
				// The last one resolved, the person's page is back, with no
				// conflict in the header.
				r.waitFor(w.synced)
				r.waitGone(w.head[0])
				r.waitGone(w.head[1])
				var n int
				if err := r.st.DB().QueryRow(`SELECT count(*) FROM audit_log WHERE person_id=? AND action='sync-resolve'`, ann).Scan(&n); err != nil || n != 2 {
					t.Fatalf("audit rows of the choices: %d (%v), want 2", n, err)
				}
				if err := r.st.DB().QueryRow(`SELECT resolved FROM sync_conflicts WHERE id='c2'`).Scan(&res); err != nil || res != "mine" {
					t.Fatalf("conflict c2 after keeping mine: %q (%v)", res, err)
				}
				r.finish()
			})
		}
	}
}

// TestConflictDiffInWords: a plan's and a goal's conflicts are said in
// words (the plan's name, agreement and steps with their statuses; the
// goal's status), only where the versions differ, and the data is made
// terminal-safe.
func TestConflictDiffInWords(t *testing.T) {
	sh := newShared(locale.Must(), Deps{}, Options{Lang: "en"})
	c := newConflictsPage(sh, nil, "p1", "Ann")
	plan := app.PersonConflict{Table: "plans",
		Local: map[string]any{"plan": map[string]any{"name": "Care \x1b[31mpath", "agreed": json.Number("1")},
			"steps": []any{map[string]any{"title": "Intake", "status": "completed"}, map[string]any{"title": "Course", "status": "in_progress"}}},
		Server: map[string]any{"plan": map[string]any{"name": "Care \x1b[31mpath", "agreed": json.Number("0")},
			"steps": []any{map[string]any{"title": "Intake", "status": "completed"}, map[string]any{"title": "Course", "status": "dropped"}}}}
	got := c.diff(plan)
	want := []conflictField{{"Agreed", "yes", "no"}, {"Steps", "Intake (completed); Course (in progress)", "Intake (completed); Course (dropped)"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan diff = %q, want %q", got, want)
	}
	if a := c.about(plan); strings.Contains(a, "\x1b") || !strings.Contains(a, "Care") {
		t.Errorf("plan about = %q", a)
	}
	goal := app.PersonConflict{Table: "goals", Local: map[string]any{"summary": "Find work", "status": "achieved"}, Server: map[string]any{"summary": "Find work", "status": "dropped"}}
	if got := c.diff(goal); !reflect.DeepEqual(got, []conflictField{{"Status", "achieved", "dropped"}}) {
		t.Errorf("goal diff = %q", got)
	}
	if a := c.about(goal); a != "the status of the goal “Find work”" {
		t.Errorf("goal about = %q", a)
	}
}
