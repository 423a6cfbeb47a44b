package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// auditDetails are the details of the person's audit rows with action.
func auditDetails(t *testing.T, st Engine, personID, action string) []string {
	t.Helper()
	log, err := st.AuditLog(context.Background(), personID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		if e.Action == action {
			out = append(out, e.Detail)
		}
	}
	return out
}

func testCaseloadTransferAndMove(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p, err := st.CreatePerson(ctx, sessions.Person{Name: "Ann Peeters", Counsellor: "ann", Centre: "gent"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Counsellor != "ann" || p.Centre != "gent" {
		t.Fatalf("created with counsellor %q centre %q", p.Counsellor, p.Centre)
	}
	// An edit of the profile keeps the responsible counsellor.
	p.Email = "ann@example.org"
	if p, err = st.UpdatePerson(ctx, p); err != nil || p.Counsellor != "ann" {
		t.Fatalf("after edit: %q %v", p.Counsellor, err)
	}
	before := len(auditDetails(t, st, p.ID, "change"))
	if err := st.TransferPerson(ctx, p.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := st.TransferPerson(ctx, p.ID, "bob"); err != nil { // no change, no row
		t.Fatal(err)
	}
	if err := st.MovePerson(ctx, p.ID, "brugge"); err != nil {
		t.Fatal(err)
	}
	got, err := st.Person(ctx, p.ID)
	if err != nil || got.Counsellor != "bob" || got.Centre != "brugge" {
		t.Fatalf("after transfer and move: %q %q %v", got.Counsellor, got.Centre, err)
	}
	owners, err := st.Owners(ctx)
	if err != nil || owners[p.ID] != (sessions.Owner{Counsellor: "bob", Centre: "brugge"}) {
		t.Errorf("owners: %+v %v", owners, err)
	}
	changes := auditDetails(t, st, p.ID, "change")[before:]
	want := []string{`transfer from "ann" to "bob"`, `move from "gent" to "brugge"`}
	if strings.Join(changes, "|") != strings.Join(want, "|") {
		t.Errorf("audited changes %q, want %q", changes, want)
	}
	if _, err := st.AddSession(ctx, sessions.Session{PersonID: p.ID, At: st.Now().Add(-time.Hour), Attended: true,
		Actions: []sessions.Action{{Summary: "call back"}}}); err != nil {
		t.Fatal(err)
	}
	acts, err := st.OpenActions(ctx, p.ID)
	if err != nil || len(acts) != 1 {
		t.Fatalf("actions: %+v %v", acts, err)
	}
	if pid, err := st.ActionPerson(ctx, acts[0].ID); err != nil || pid != p.ID {
		t.Errorf("ActionPerson = %q %v, want %s", pid, err, p.ID)
	}
	for _, id := range []string{"missing", missingID} {
		if _, err := st.ActionPerson(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ActionPerson(%q): %v", id, err)
		}
		if err := st.TransferPerson(ctx, id, "bob"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("TransferPerson(%q): %v", id, err)
		}
		if err := st.MovePerson(ctx, id, "gent"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MovePerson(%q): %v", id, err)
		}
	}
}

func testCentresAndThresholds(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	if _, err := st.AddCentre(ctx, sessions.Centre{Code: "gent", Name: "VDAB Gent"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddCentre(ctx, sessions.Centre{Code: "gent"}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second centre gent: %v", err)
	}
	if _, err := st.AddCentre(ctx, sessions.Centre{Code: "a b"}); err == nil {
		t.Error("centre code with a space accepted")
	}
	if _, ok, err := st.Threshold(ctx, "gent", "ila"); ok || err != nil {
		t.Errorf("threshold before any: %v %v", ok, err)
	}
	if err := st.SetThreshold(ctx, "gent", "ila", 50000); err != nil {
		t.Fatal(err)
	}
	if err := st.SetThreshold(ctx, "gent", "ila", 40000); err != nil { // set again: replaced
		t.Fatal(err)
	}
	if n, ok, err := st.Threshold(ctx, "gent", "ila"); n != 40000 || !ok || err != nil {
		t.Errorf("threshold = %d %v %v, want 40000", n, ok, err)
	}
	for _, tt := range []struct{ centre, scheme string }{{"nowhere", "ila"}, {"gent", "no-such-scheme"}} {
		if err := st.SetThreshold(ctx, tt.centre, tt.scheme, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetThreshold(%s, %s): %v", tt.centre, tt.scheme, err)
		}
	}
	list, err := st.Centres(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "VDAB Gent" || list[0].Thresholds["ila"] != 40000 || list[0].CreatedBy != "tester" {
		t.Errorf("centres: %+v %v", list, err)
	}
}

func testLedgerRequestsApproval(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p := newPerson(t, st, "Bram Claes")
	post(t, st, sessions.Entry{PersonID: p.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 100000, Key: "a"})
	balance := func() int64 {
		t.Helper()
		bs, err := st.Balances(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := sessions.BalanceOf(bs, "ila")
		return b.Balance
	}
	req := sessions.LedgerRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: 90000, Key: "top-1",
		Funder: "ESF", Reason: "most in need", Threshold: 50000, Centre: "gent"}
	r, err := st.RequestEntry(ctx, req)
	if err != nil || r.ID == "" || r.Status() != sessions.RequestPending || r.CreatedBy != "tester" {
		t.Fatalf("request: %+v %v", r, err)
	}
	if got := balance(); got != 100000 {
		t.Errorf("a pending top-up counted: balance %d", got)
	}
	if again, err := st.RequestEntry(ctx, req); err != nil || !again.Replayed || again.ID != r.ID {
		t.Errorf("same key again: %+v %v", again, err)
	}
	other := req
	other.Amount = 1
	if _, err := st.RequestEntry(ctx, other); !errors.Is(err, sessions.ErrKeyReused) {
		t.Errorf("key reused for another amount: %v", err)
	}
	if pend, err := st.LedgerRequests(ctx, "", true); err != nil || len(pend) != 1 || pend[0].ID != r.ID {
		t.Errorf("pending: %+v %v", pend, err)
	}
	if err := st.Exec(ctx, `UPDATE ledger_requests SET amount = 1`); !errors.Is(err, store.ErrReadOnlyRow) {
		t.Errorf("request updated: %v", err)
	}
	ok, err := st.DecideRequest(ctx, r.ID, true, "")
	if err != nil || ok.Status() != sessions.RequestApproved || ok.Decision.EntryID == "" || ok.Decision.DecidedBy != "tester" {
		t.Fatalf("approve: %+v %v", ok, err)
	}
	if got := balance(); got != 190000 {
		t.Errorf("approved top-up: balance %d, want 190000", got)
	}
	if _, err := st.DecideRequest(ctx, r.ID, false, "late"); !errors.Is(err, store.ErrDecided) {
		t.Errorf("decided twice: %v", err)
	}
	// A rejected request stays visible with its reason and counts for nothing.
	r2, err := st.RequestEntry(ctx, sessions.LedgerRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: 70000, Key: "top-2", Funder: "ESF", Threshold: 50000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideRequest(ctx, r2.ID, false, "no budget left"); err != nil {
		t.Fatal(err)
	}
	if got := balance(); got != 190000 {
		t.Errorf("rejected top-up counted: balance %d", got)
	}
	all, err := st.LedgerRequests(ctx, p.ID, false)
	if err != nil || len(all) != 2 || all[1].Status() != sessions.RequestRejected || all[1].Decision.Reason != "no budget left" {
		t.Errorf("requests: %+v %v", all, err)
	}
	if pend, _ := st.LedgerRequests(ctx, p.ID, true); len(pend) != 0 {
		t.Errorf("still pending: %+v", pend)
	}
	if err := st.Exec(ctx, `DELETE FROM ledger_decisions`); !errors.Is(err, store.ErrReadOnlyRow) {
		t.Errorf("decisions deleted: %v", err)
	}
	if _, err := st.DecideRequest(ctx, missingID, true, ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing request: %v", err)
	}
	f, err := st.ExportPerson(ctx, p.ID)
	if err != nil || len(f.Requests) != 2 {
		t.Errorf("export holds %d requests, %v", len(f.Requests), err)
	}
	if err := st.ErasePerson(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := st.Count(ctx, `SELECT count(*) FROM ledger_requests`); n != 0 || err != nil {
		t.Errorf("requests after erase: %d %v", n, err)
	}
}

func testAuditStamps(t *testing.T, open func(t *testing.T) Target) {
	ctx := context.Background()
	st := open(t)
	p := newPerson(t, st, "Chloé Dubois")
	ann := st.Acting("ann", "sess-42", "gent")
	if err := ann.AuditReason(ctx, p.ID, "break-glass", "view-person", "covering for Bob on leave"); err != nil {
		t.Fatal(err)
	}
	if err := ann.Audit(ctx, p.ID, "view", "person file"); err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(ctx, p.ID)
	if err != nil || len(log) != 3 {
		t.Fatalf("audit: %+v %v", log, err)
	}
	bg := log[1]
	if bg.Actor != "ann" || bg.Session != "sess-42" || bg.Centre != "gent" || bg.Reason != "covering for Bob on leave" || bg.Action != "break-glass" {
		t.Errorf("break-glass row: %+v", bg)
	}
	if log[0].Actor != "tester" || log[0].Session != "" {
		t.Errorf("the store's own row: %+v", log[0])
	}
	q := newPerson(t, st, "Dirk Janssens")
	if err := ann.AuditViews(ctx, []string{p.ID, q.ID}, "people list"); err != nil {
		t.Fatal(err)
	}
	if log, _ := st.AuditLog(ctx, q.ID); len(log) < 2 || log[1].Detail != "people list" || log[1].Session != "sess-42" {
		t.Errorf("list view of q: %+v", log)
	}
	by, err := st.AuditBy(ctx, "ann")
	if err != nil || len(by) < 4 || by[1].Detail != "person file" || by[2].Detail != "people list" {
		t.Errorf("audit by ann: %+v %v", by, err)
	}
	if none, err := st.AuditBy(ctx, "nobody"); err != nil || len(none) != 0 {
		t.Errorf("audit by nobody: %+v %v", none, err)
	}
}
