package app

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/koers-project/koers/sessions"
)

// team is a centre's accounts over one database, each with its own App as
// a server session gives it.
type team struct {
	local *App
	as    map[string]*App
}

func newTeam(t *testing.T) team {
	t.Helper()
	ctx := context.Background()
	local := openFresh(t, Options{Actor: "setup"})
	for _, c := range []string{"gent", "brugge"} {
		if _, err := local.AddCentre(ctx, sessions.Centre{Code: c}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := local.SetThreshold(ctx, "gent", "ila", "500.00"); err != nil {
		t.Fatal(err)
	}
	tm := team{local: local, as: map[string]*App{}}
	for i, acc := range []sessions.Counsellor{
		{Name: "ann", Role: sessions.RoleCounsellor, Centres: []string{"gent"}},
		{Name: "bob", Role: sessions.RoleCounsellor, Centres: []string{"gent"}},
		{Name: "carl", Role: sessions.RoleCounsellor, Centres: []string{"brugge"}},
		{Name: "sue", Role: sessions.RoleSupervisor, Centres: []string{"gent"}},
		{Name: "stan", Role: sessions.RoleSupervisor, Centres: []string{"brugge"}},
		{Name: "rita", Role: sessions.RoleRegional, Centres: []string{"gent", "brugge"}},
		{Name: "adam", Role: sessions.RoleAdmin},
		{Name: "audrey", Role: sessions.RoleAuditor},
	} {
		key := sessions.CounsellorKey{Fingerprint: fmt.Sprintf("SHA256:test%d", i), PublicKey: fmt.Sprintf("ssh-ed25519 AAAAtest%d", i)}
		got, err := local.AddCounsellor(ctx, acc, key)
		if err != nil {
			t.Fatal(err)
		}
		tm.as[acc.Name] = local.AsCaller(Caller{Account: got, Session: "s-" + acc.Name})
	}
	return tm
}

// outcome names what a use-case's error means for the rules.
func outcome(err error) string {
	var held *HeldError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &held):
		return "held"
	case errors.Is(err, ErrReasonRequired):
		return "reason"
	case errors.Is(err, ErrRoleDenied):
		return "denied"
	case errors.Is(err, ErrNotFound):
		return "not-found"
	}
	return "error: " + err.Error()
}

func TestCaseloadRules(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	p, err := tm.as["ann"].CreatePerson(ctx, sessions.Person{Name: "Chloé Dubois"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Counsellor != "ann" || p.Centre != "gent" {
		t.Fatalf("a counsellor's new person: counsellor %q centre %q, want ann gent", p.Counsellor, p.Centre)
	}
	if _, err := tm.as["ann"].AddSession(ctx, sessions.Session{PersonID: p.ID, At: tm.local.Now().Add(-3600e9), Attended: true,
		Summary: "intake", Notes: []string{"restricted note"}}); err != nil {
		t.Fatal(err)
	}
	view := func(a *App) error { _, err := a.Person(ctx, p.ID); return err }
	notes := func(a *App) error { _, err := a.Sessions(ctx, p.ID, true); return err }
	export := func(a *App) error { _, err := a.ExportPerson(ctx, p.ID); return err }
	audit := func(a *App) error { _, err := a.AuditTrail(ctx, AuditQuery{PersonID: p.ID}); return err }
	tests := []struct {
		who, what string
		do        func(*App) error
		want      string
	}{
		{"ann", "view own", view, "ok"},
		{"ann", "notes own", notes, "ok"},
		{"ann", "export own", export, "ok"},
		{"ann", "audit own", audit, "denied"},
		{"bob", "view colleague's", view, "reason"},
		{"bob", "notes colleague's", notes, "denied"},
		{"carl", "view another centre's", view, "reason"},
		{"sue", "view in centre", view, "ok"},
		{"sue", "notes in centre", notes, "ok"},
		{"sue", "audit in centre", audit, "ok"},
		{"stan", "view another centre's", view, "reason"},
		{"stan", "audit another centre's", audit, "denied"},
		{"rita", "view in one of her centres", view, "ok"},
		{"adam", "view", view, "denied"},
		{"adam", "export", export, "denied"},
		{"audrey", "view", view, "denied"},
		{"audrey", "notes", notes, "denied"},
		{"audrey", "audit", audit, "ok"},
		{"local", "view", view, "ok"},
		{"local", "audit", audit, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.who+"/"+tt.what, func(t *testing.T) {
			a := tm.as[tt.who]
			if tt.who == "local" {
				a = tm.local
			}
			if got := outcome(tt.do(a)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}

	t.Run("break-glass", func(t *testing.T) {
		bob := tm.as["bob"]
		if err := bob.GiveReason(p.ID, "  "); err == nil {
			t.Error("an empty reason was taken")
		}
		if err := bob.GiveReason(p.ID, "Ann is on leave; the person called"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := view(bob); err != nil {
				t.Fatalf("with a reason: %v", err)
			}
		}
		// Restricted notes stay denied, reason or not.
		if got := outcome(notes(bob)); got != "denied" {
			t.Errorf("notes with a reason: %s, want denied", got)
		}
		f, err := bob.ExportPerson(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Sessions) != 1 || len(f.Sessions[0].Notes) != 0 {
			t.Errorf("bob's export carries the restricted notes: %+v", f.Sessions)
		}
		views, err := tm.as["ann"].GlassViews(ctx, p.ID)
		if err != nil || len(views) != 1 {
			t.Fatalf("glass views: %+v %v (one row however often bob looks)", views, err)
		}
		if v := views[0]; v.Actor != "bob" || v.Reason != "Ann is on leave; the person called" || v.Session != "s-bob" || v.Centre != "gent" {
			t.Errorf("glass view row: %+v", v)
		}
	})

	t.Run("lists are the caseload", func(t *testing.T) {
		names := func(a *App, q string) []string {
			t.Helper()
			list, err := a.ListPeople(ctx, q, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, ps := range list {
				out = append(out, fmt.Sprintf("%s/%v", ps.Name, ps.OutsideCaseload))
			}
			return out
		}
		if got := names(tm.as["ann"], ""); len(got) != 1 || got[0] != "Chloé Dubois/false" {
			t.Errorf("ann's list: %v", got)
		}
		if got := names(tm.as["carl"], ""); len(got) != 0 {
			t.Errorf("carl's list: %v", got)
		}
		if got := names(tm.as["carl"], p.ID); len(got) != 1 || got[0] != "/true" {
			t.Errorf("carl's list by id: %v (the name hidden until a reason)", got)
		}
		if got := names(tm.as["sue"], ""); len(got) != 1 {
			t.Errorf("sue's list: %v", got)
		}
		if _, err := tm.as["adam"].ListPeople(ctx, "", 0); err != nil {
			t.Errorf("adam's list: %v", err)
		} else if got := names(tm.as["adam"], ""); len(got) != 0 {
			t.Errorf("adam sees people: %v", got)
		}
		if need, err := tm.as["carl"].NeedsReason(ctx, p.ID); err != nil || !need {
			t.Errorf("carl needs a reason: %v %v", need, err)
		}
	})

	t.Run("transfer and move", func(t *testing.T) {
		if got := outcome(func() error { _, err := tm.as["bob"].TransferPerson(ctx, p.ID, "bob"); return err }()); got != "denied" {
			t.Errorf("bob takes ann's person: %s, want denied", got)
		}
		if _, err := tm.as["ann"].TransferPerson(ctx, p.ID, "nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("transfer to no account: %v", err)
		}
		if _, err := tm.as["ann"].TransferPerson(ctx, p.ID, "bob"); err != nil {
			t.Fatal(err)
		}
		if got := outcome(view(tm.as["ann"])); got != "reason" {
			t.Errorf("ann after the transfer: %s, want reason", got)
		}
		if got := outcome(view(tm.as["carl"])); got != "reason" {
			t.Errorf("carl before the move: %s", got)
		}
		if _, err := tm.as["sue"].MovePerson(ctx, p.ID, "nowhere"); !errors.Is(err, ErrNotFound) {
			t.Errorf("move to no centre: %v", err)
		}
		if _, err := tm.as["sue"].MovePerson(ctx, p.ID, "brugge"); err != nil {
			t.Fatal(err)
		}
		// The file follows the person: still bob's, now in brugge.
		moved, err := tm.as["bob"].Person(ctx, p.ID)
		if err != nil || moved.Centre != "brugge" || moved.Counsellor != "bob" {
			t.Errorf("after the move: %+v %v", moved, err)
		}
		if got := outcome(view(tm.as["stan"])); got != "ok" {
			t.Errorf("brugge's supervisor after the move: %s, want ok", got)
		}
		if got := outcome(view(tm.as["sue"])); got != "reason" {
			t.Errorf("gent's supervisor after the move: %s, want reason", got)
		}
	})
}

func TestApprovals(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	ann, sue := tm.as["ann"], tm.as["sue"]
	p, err := ann.CreatePerson(ctx, sessions.Person{Name: "Bram Claes"})
	if err != nil {
		t.Fatal(err)
	}
	balance := func() int64 {
		t.Helper()
		bs, err := ann.Balances(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := sessions.BalanceOf(bs, "ila")
		return b.Balance
	}
	topUp := func(a *App, amount, key string) error {
		_, _, err := a.Post(ctx, PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.TopUp, Amount: amount, Key: key, Funder: "ESF", Reason: "most in need"})
		return err
	}
	if err := topUp(ann, "400.00", "small"); err != nil {
		t.Fatalf("below the threshold: %v", err)
	}
	err = topUp(ann, "600.00", "big")
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("above the threshold: %v, want held", err)
	}
	if got := balance(); got != 40000 {
		t.Errorf("the held top-up counted: %d", got)
	}
	if reqs, err := ann.LedgerRequests(ctx, p.ID); err != nil || len(reqs) != 1 || reqs[0].Status() != sessions.RequestPending {
		t.Errorf("ann sees her pending request: %+v %v", reqs, err)
	}
	// The same key again is the same request.
	if err := topUp(ann, "600.00", "big"); !errors.As(err, &held) || held.Request.ID == "" {
		t.Errorf("again: %v", err)
	}
	for _, who := range []string{"ann", "bob", "adam", "audrey", "stan"} {
		if _, err := tm.as[who].DecideRequest(ctx, held.Request.ID, true, ""); err == nil {
			t.Errorf("%s approved", who)
		}
	}
	if pend, err := sue.PendingRequests(ctx); err != nil || len(pend) != 1 {
		t.Errorf("sue's pending: %+v %v", pend, err)
	}
	if pend, _ := tm.as["stan"].PendingRequests(ctx); len(pend) != 0 {
		t.Errorf("another centre's supervisor sees %d", len(pend))
	}
	r, err := sue.DecideRequest(ctx, held.Request.ID, true, "")
	if err != nil || r.Status() != sessions.RequestApproved {
		t.Fatalf("sue approves: %+v %v", r, err)
	}
	if got := balance(); got != 100000 {
		t.Errorf("after approval: %d, want 100000", got)
	}
	if _, err := sue.DecideRequest(ctx, held.Request.ID, false, "changed my mind"); !errors.Is(err, ErrDecided) {
		t.Errorf("decided twice: %v", err)
	}
	// A rejection needs a reason and counts for nothing.
	if err := topUp(ann, "700.00", "bigger"); !errors.As(err, &held) {
		t.Fatal(err)
	}
	if _, err := sue.DecideRequest(ctx, held.Request.ID, false, ""); KindOf(err) != Invalid {
		t.Errorf("rejected without a reason: %v", err)
	}
	if _, err := sue.DecideRequest(ctx, held.Request.ID, false, "no budget"); err != nil {
		t.Fatal(err)
	}
	if got := balance(); got != 100000 {
		t.Errorf("after rejection: %d", got)
	}
	// A supervisor's own top-up above the threshold is posted at once, and
	// so is anything on a single laptop.
	if err := topUp(sue, "900.00", "sue"); err != nil {
		t.Errorf("supervisor above the threshold: %v", err)
	}
	if err := topUp(tm.local, "900.00", "local"); err != nil {
		t.Errorf("local above the threshold: %v", err)
	}
	if got := balance(); got != 280000 {
		t.Errorf("final balance %d, want 280000", got)
	}
	// A correction above the threshold waits too.
	es, _ := ann.Entries(ctx, p.ID, "ila")
	var big string
	for _, e := range es {
		if e.Key == "sue" {
			big = e.ID
		}
	}
	if _, _, err := ann.Post(ctx, PostRequest{PersonID: p.ID, Scheme: "ila", Kind: sessions.Correct, Corrects: big, Key: "fix"}); !errors.As(err, &held) {
		t.Errorf("correction of 900 by a counsellor: %v, want held", err)
	}
}

func TestRoleOnlyUseCases(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	for _, tt := range []struct {
		who  string
		want string
	}{{"adam", "ok"}, {"ann", "denied"}, {"sue", "denied"}, {"audrey", "denied"}} {
		_, err := tm.as[tt.who].AddCentre(ctx, sessions.Centre{Code: "leuven-" + tt.who})
		if got := outcome(err); got != tt.want {
			t.Errorf("%s adds a centre: %s, want %s", tt.who, got, tt.want)
		}
	}
	if _, err := tm.as["adam"].CreatePerson(ctx, sessions.Person{Name: "X"}); outcome(err) != "denied" {
		t.Errorf("admin creates a person: %v", err)
	}
	if _, err := tm.as["ann"].CreatePerson(ctx, sessions.Person{Name: "X", Centre: "nowhere"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("person at an unknown centre: %v", err)
	}
	p, err := tm.as["ann"].CreatePerson(ctx, sessions.Person{Name: "Erik Maes"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tm.as["ann"].AddSession(ctx, sessions.Session{PersonID: p.ID, At: tm.local.Now().Add(-3600e9), Attended: true,
		Actions: []sessions.Action{{Summary: "send the CV"}}}); err != nil {
		t.Fatal(err)
	}
	acts, err := tm.as["ann"].OpenActions(ctx, p.ID)
	if err != nil || len(acts) != 1 {
		t.Fatalf("actions: %v %v", acts, err)
	}
	if err := tm.as["bob"].SetActionStatus(ctx, acts[0].ID, "done"); outcome(err) != "reason" {
		t.Errorf("bob closes ann's person's action: %v", err)
	}
	if err := tm.as["ann"].SetActionStatus(ctx, acts[0].ID, "done"); err != nil {
		t.Errorf("ann closes her person's action: %v", err)
	}
	if _, err := tm.as["ann"].AuditTrail(ctx, AuditQuery{Counsellor: "bob"}); outcome(err) != "denied" {
		t.Errorf("ann reads bob's trail: %v", err)
	}
	if _, err := tm.as["sue"].AuditTrail(ctx, AuditQuery{Counsellor: "bob"}); err != nil {
		t.Errorf("sue reads bob's trail: %v", err)
	}
	if _, err := tm.as["stan"].AuditTrail(ctx, AuditQuery{Counsellor: "bob"}); outcome(err) != "denied" {
		t.Errorf("another centre's supervisor reads bob's trail: %v", err)
	}
}
