package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/koers-project/koers/sessions"
)

// TestEraseRequests: a counsellor may not erase but may ask; the request
// is on the file and in the queue of exactly the supervisors who may
// decide it; a decline needs its reason and stays on the file; an
// approval erases; nobody decides their own request; each step is
// audited. The role table's cells for request-erase and
// decide-erase-request are exercised by who may do what.
func TestEraseRequests(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	p, err := tm.as["ann"].CreatePerson(ctx, sessions.Person{Name: "Chloé Dubois"})
	if err != nil {
		t.Fatal(err)
	}
	var ae *Error
	err = tm.as["ann"].ErasePerson(ctx, p.ID)
	if !errors.As(err, &ae) || ae.Kind != Refused || ae.Rule != "roles:counsellor/erase-person/own" || ae.Msg != "erase.err.ask" {
		t.Fatalf("a counsellor's erase: %v, want the refusal that says how to ask", err)
	}
	if msg := tm.local.Catalog().For("en").T(ae.Msg, ae.Args...); !strings.Contains(msg, "koers person erase "+p.ID+" --request") {
		t.Errorf("refusal text %q", msg)
	}
	for _, c := range []struct{ who, want string }{{"bob", "denied"}, {"carl", "denied"}, {"adam", "denied"}, {"audrey", "denied"}, {"stan", "denied"}} {
		if _, err := tm.as[c.who].RequestErase(ctx, p.ID, "asked"); outcome(err) != c.want {
			t.Errorf("%s requests: %s, want %s", c.who, outcome(err), c.want)
		}
	}
	if _, err := tm.as["ann"].RequestErase(ctx, p.ID, " "); !errors.As(err, &ae) || ae.Kind != Invalid || ae.Field != "reason" {
		t.Fatalf("a request without a reason: %v", err)
	}
	first, err := tm.as["ann"].RequestErase(ctx, p.ID, "Chloé asked to be forgotten")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.as["ann"].RequestErase(ctx, p.ID, "again"); !errors.As(err, &ae) || ae.Rule != "erase:one-open-request" {
		t.Fatalf("a second open request: %v", err)
	}
	queue := func(who string) []string {
		t.Helper()
		list, err := tm.as[who].EraseQueue(ctx)
		if err != nil {
			return []string{outcome(err)}
		}
		var ids []string
		for _, r := range list {
			ids = append(ids, r.ID+" "+r.Name)
		}
		return ids
	}
	want := []string{first.ID + " Chloé Dubois"}
	for who, w := range map[string][]string{"sue": want, "rita": want, "stan": nil, "ann": {"denied"}, "adam": {"denied"}, "audrey": {"denied"}} {
		if got := queue(who); !slices.Equal(got, w) {
			t.Errorf("%s's queue %v, want %v", who, got, w)
		}
	}
	if onFile, err := tm.as["ann"].EraseRequests(ctx, p.ID); err != nil || len(onFile) != 1 || onFile[0].Reason != "Chloé asked to be forgotten" {
		t.Errorf("on the file: %+v %v", onFile, err)
	}
	for _, c := range []struct{ who, want string }{{"ann", "denied"}, {"bob", "denied"}, {"stan", "denied"}, {"adam", "denied"}, {"audrey", "denied"}} {
		if _, err := tm.as[c.who].DecideErase(ctx, first.ID, true, ""); outcome(err) != c.want {
			t.Errorf("%s decides: %s, want %s", c.who, outcome(err), c.want)
		}
	}
	if _, err := tm.as["sue"].DecideErase(ctx, first.ID, false, ""); !errors.As(err, &ae) || ae.Kind != Invalid || ae.Field != "reason" {
		t.Fatalf("a decline without a reason: %v", err)
	}
	d, err := tm.as["sue"].DecideErase(ctx, first.ID, false, "the ledger is kept ten years")
	if err != nil || d.Status() != sessions.EraseDeclined || d.Decision.DecidedBy != "sue" {
		t.Fatalf("decline %+v %v", d, err)
	}
	if _, err := tm.as["rita"].DecideErase(ctx, first.ID, true, ""); !errors.As(err, &ae) || ae.Rule != "one-decision" {
		t.Fatalf("a second decision: %v", err)
	}
	if got := queue("sue"); len(got) != 0 {
		t.Errorf("the queue after the decline %v", got)
	}
	own, err := tm.as["sue"].RequestErase(ctx, p.ID, "the person wrote to the centre")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.as["sue"].DecideErase(ctx, own.ID, true, ""); !errors.As(err, &ae) || ae.Rule != "four-eyes" {
		t.Fatalf("deciding one's own request: %v", err)
	}
	if _, err := tm.as["rita"].DecideErase(ctx, own.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.local.Person(ctx, p.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the person after the approval: %v, want gone", err)
	}
	log, err := tm.local.AuditLog(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, e := range log {
		if strings.HasPrefix(e.Detail, "erase request") && e.Action == "change" || e.Action == "erase" {
			trail = append(trail, e.Actor+" "+e.Action+" "+strings.Fields(e.Detail + " x")[0])
		}
	}
	if want := []string{"ann change erase", "sue change erase", "sue change erase", "rita change erase", "rita erase x"}; !slices.Equal(trail, want) {
		t.Errorf("audit trail %v, want %v", trail, want)
	}
}
