package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// testEraseRequests: a request needs its reason and a person; one open
// request per person; a decline needs its reason, stays on the file and
// lets a new request be filed; a request is decided once; an approved
// request stays open until the erase, which takes every request of the
// person with them while the audit rows stay; requests and decisions are
// append-only.
func testEraseRequests(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	ann := newPerson(t, st, "Ann")
	bob := newPerson(t, st, "Bob")
	if _, err := st.RequestErase(ctx, ann.ID, "  "); err == nil {
		t.Fatal("a request without a reason was filed")
	}
	if _, err := st.RequestErase(ctx, missingID, "asked"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a request for nobody: %v, want ErrNotFound", err)
	}
	first, err := st.RequestErase(ctx, ann.ID, "Ann asked to be forgotten (GDPR art. 17)")
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == "" || first.PersonID != ann.ID || first.CreatedBy != "tester" || !first.CreatedAt.Equal(Clock) || first.Decision != nil {
		t.Fatalf("request %+v", first)
	}
	if _, err := st.RequestErase(ctx, ann.ID, "again"); !errors.Is(err, store.ErrErasePending) {
		t.Fatalf("a second open request: %v, want ErrErasePending", err)
	}
	bobs, err := st.RequestErase(ctx, bob.ID, "moved abroad")
	if err != nil {
		t.Fatal(err)
	}
	queue, err := st.EraseRequests(ctx, "", true)
	if err != nil || len(queue) != 2 || queue[0].ID != first.ID || queue[0].Reason != first.Reason || queue[1].ID != bobs.ID {
		t.Fatalf("queue %+v %v", queue, err)
	}
	if _, err := st.DecideErase(ctx, first.ID, false, ""); err == nil {
		t.Fatal("a decline without a reason was recorded")
	}
	declined, err := st.DecideErase(ctx, first.ID, false, "the ledger must be kept 10 years")
	if err != nil {
		t.Fatal(err)
	}
	if d := declined.Decision; d == nil || d.Decision != sessions.EraseDeclined || d.Reason != "the ledger must be kept 10 years" || d.DecidedBy != "tester" ||
		declined.Reason != first.Reason || declined.Open() {
		t.Fatalf("declined %+v", declined)
	}
	if _, err := st.DecideErase(ctx, first.ID, true, ""); !errors.Is(err, store.ErrDecided) {
		t.Fatalf("a second decision: %v, want ErrDecided", err)
	}
	if got, err := st.EraseRequest(ctx, first.ID); err != nil || got.Status() != sessions.EraseDeclined || got.Decision.Reason != declined.Decision.Reason {
		t.Fatalf("reread %+v %v", got, err)
	}
	if _, err := st.EraseRequest(ctx, missingID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown request: %v", err)
	}
	second, err := st.RequestErase(ctx, ann.ID, "Ann asked again in writing")
	if err != nil {
		t.Fatalf("a new request after a decline: %v", err)
	}
	approved, err := st.DecideErase(ctx, second.ID, true, "")
	if err != nil || approved.Status() != sessions.EraseApproved || !approved.Open() {
		t.Fatalf("approved %+v %v", approved, err)
	}
	if open, _ := st.EraseRequests(ctx, ann.ID, true); len(open) != 1 || open[0].ID != second.ID {
		t.Fatalf("an approval before the erase stays open: %+v", open)
	}
	if all, _ := st.EraseRequests(ctx, ann.ID, false); len(all) != 2 {
		t.Fatalf("Ann's requests %+v", all)
	}
	for _, sql := range []string{`UPDATE erase_requests SET centre = 'x'`, `DELETE FROM erase_requests`, `UPDATE erase_decisions SET reason = 'x'`, `DELETE FROM erase_decisions`} {
		if err := st.Exec(ctx, sql); !errors.Is(err, store.ErrReadOnlyRow) {
			t.Errorf("%s: %v, want ErrReadOnlyRow", sql, err)
		}
	}
	f, err := st.ExportPerson(ctx, ann.ID)
	if err != nil || len(f.EraseRequests) != 2 {
		t.Fatalf("the export holds %d erasure requests (%v), want 2", len(f.EraseRequests), err)
	}
	if err := st.ErasePerson(ctx, ann.ID); err != nil {
		t.Fatal(err)
	}
	if left, err := st.EraseRequests(ctx, ann.ID, false); err != nil || len(left) != 0 {
		t.Fatalf("requests left after the erase: %+v %v", left, err)
	}
	if _, err := st.EraseRequest(ctx, second.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the approved request after the erase: %v, want ErrNotFound", err)
	}
	for _, sql := range []string{`SELECT count(*) FROM erase_requests WHERE person_id = '` + ann.ID + `'`, `SELECT count(*) FROM erase_decisions WHERE person_id = '` + ann.ID + `'`} {
		if n, err := st.Count(ctx, sql); err != nil || n != 0 {
			t.Errorf("%s: %d %v", sql, n, err)
		}
	}
	details := auditDetails(t, st, ann.ID, "change")
	for _, want := range []string{"erase request " + first.ID, "erase request declined " + first.ID, "erase request approved " + second.ID} {
		if !containsPrefix(details, want) {
			t.Errorf("audit after the erase lacks %q: %v", want, details)
		}
	}
	if queue, _ := st.EraseRequests(ctx, "", true); len(queue) != 1 || queue[0].ID != bobs.ID {
		t.Fatalf("queue after the erase %+v", queue)
	}
}
