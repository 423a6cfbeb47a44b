package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestServeCaseloadsOverSSH: counsellor cody opens counsellor cora's person
// over SSH: refused without a reason, allowed with one; the look is in the
// audit log (supervisor's `koers audit`) and on the person's file. A
// counsellor's top-up above the centre's threshold is held, not counted,
// until the supervisor approves it.
func TestServeCaseloadsOverSSH(t *testing.T) {
	ts := startServer(t, serveOpts{centre: "gent"})
	mustRun := func(account, cmd string) string {
		t.Helper()
		out, errs, code := ts.run(account, cmd)
		if code != 0 {
			t.Fatalf("%s: koers %s: exit %d, stderr %q", account, cmd, code, errs)
		}
		return out
	}
	var p struct{ ID, Counsellor, Centre string }
	if err := json.Unmarshal([]byte(mustRun("cora", `koers person add --name "Test Person" --json`)), &p); err != nil {
		t.Fatal(err)
	}
	if p.Counsellor != "cora" || p.Centre != "gent" {
		t.Fatalf("cora's new person: counsellor %q centre %q", p.Counsellor, p.Centre)
	}

	t.Run("break-glass", func(t *testing.T) {
		out, errs, code := ts.run("cody", "koers person show "+p.ID)
		if code != exitRule || out != "" || !strings.Contains(errs, "roles:counsellor/view-person/other") || !strings.Contains(errs, "--reason") {
			t.Fatalf("without a reason: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		if out, _, _ := ts.run("cody", "koers person list --json"); strings.Contains(out, "Test Person") {
			t.Errorf("cora's person in cody's list: %s", out)
		}
		out = mustRun("cody", `koers person show `+p.ID+` --reason "covering for cora" --json`)
		if !strings.Contains(out, "Test Person") {
			t.Errorf("with a reason: %s", out)
		}
		var rows []struct{ Actor, Action, Reason, Session, Centre string }
		if err := json.Unmarshal([]byte(mustRun("sam", "koers audit --person "+p.ID+" --json")), &rows); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			if r.Action == "break-glass" && r.Actor == "cody" && r.Reason == "covering for cora" && r.Centre == "gent" && r.Session != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("no break-glass row by cody in %+v", rows)
		}
		var file struct {
			ViewedBy []struct{ Actor, Reason string } `json:"viewed_outside_caseload"`
		}
		if err := json.Unmarshal([]byte(mustRun("cora", "koers person show "+p.ID+" --json")), &file); err != nil {
			t.Fatal(err)
		}
		if len(file.ViewedBy) != 1 || file.ViewedBy[0].Actor != "cody" || file.ViewedBy[0].Reason != "covering for cora" {
			t.Errorf("on the file: %+v", file.ViewedBy)
		}
		if text := mustRun("cora", "koers person show "+p.ID); !strings.Contains(text, "Opened outside the caseload by cody") {
			t.Errorf("person show lacks the look:\n%s", text)
		}
		if _, errs, code := ts.run("cora", "koers audit --person "+p.ID); code != exitRule || !strings.Contains(errs, "roles:counsellor/read-audit") {
			t.Errorf("a counsellor reads the audit: exit %d, %q", code, errs)
		}
	})

	t.Run("pending top-up", func(t *testing.T) {
		mustRun("ada", "koers centre set gent --approval-threshold ila=500.00")
		balance := func() float64 {
			t.Helper()
			var bs []struct {
				Scheme  string  `json:"scheme"`
				Balance float64 `json:"balance"`
			}
			if err := json.Unmarshal([]byte(mustRun("cora", "koers account show --person "+p.ID+" --json")), &bs); err != nil {
				t.Fatal(err)
			}
			for _, b := range bs {
				if b.Scheme == "ila" {
					return b.Balance
				}
			}
			return 0
		}
		mustRun("cora", "koers account post --person "+p.ID+" --scheme ila --kind accrual --amount 100.00 --key a1")
		var req struct{ ID, Status string }
		if err := json.Unmarshal([]byte(mustRun("cora", `koers account post --person `+p.ID+` --scheme ila --kind top-up --amount 900.00 --funder ESF --reason "most in need" --key big --json`)), &req); err != nil {
			t.Fatal(err)
		}
		if req.ID == "" || req.Status != "pending" {
			t.Fatalf("held: %+v", req)
		}
		if got := balance(); got != 100 {
			t.Errorf("the pending top-up counted: balance %v, want 100", got)
		}
		if text := mustRun("cora", "koers account ledger --person "+p.ID); !strings.Contains(text, "pending approval") {
			t.Errorf("the ledger hides the pending entry:\n%s", text)
		}
		if _, errs, code := ts.run("cora", "koers ledger approve "+req.ID); code != exitRule || !strings.Contains(errs, "roles:counsellor/approve-held-entry") {
			t.Errorf("cora approves: exit %d, %q", code, errs)
		}
		if pending := mustRun("sam", "koers ledger pending --json"); !strings.Contains(pending, req.ID) {
			t.Errorf("sam's pending list: %s", pending)
		}
		mustRun("sam", "koers ledger approve "+req.ID)
		if got := balance(); got != 1000 {
			t.Errorf("after approval: balance %v, want 1000", got)
		}
	})

	t.Run("erasure request", func(t *testing.T) {
		if _, errs, code := ts.run("cora", "koers person erase "+p.ID+" --yes"); code != exitRule ||
			!strings.Contains(errs, "roles:counsellor/erase-person/own") || !strings.Contains(errs, "--request") {
			t.Fatalf("cora erases: exit %d, %q (want the refusal saying how to ask)", code, errs)
		}
		var r struct{ ID, PersonID string }
		if err := json.Unmarshal([]byte(mustRun("cora", `koers person erase `+p.ID+` --request --reason "asked to be forgotten" --json`)), &r); err != nil || r.ID == "" {
			t.Fatalf("request: %+v %v", r, err)
		}
		if _, errs, code := ts.run("cora", "koers person erase-requests"); code != exitRule || !strings.Contains(errs, "roles:counsellor/decide-erase-request") {
			t.Errorf("cora's queue: exit %d, %q", code, errs)
		}
		if text := mustRun("cora", "koers person show "+p.ID); !strings.Contains(text, "Erasure requested by cora") || !strings.Contains(text, "asked to be forgotten") {
			t.Errorf("the file lacks the request:\n%s", text)
		}
		if q := mustRun("sam", "koers person erase-requests --json"); !strings.Contains(q, r.ID) || !strings.Contains(q, "Test Person") {
			t.Errorf("sam's queue: %s", q)
		}
		if _, errs, code := ts.run("sam", "koers person erase-decline "+r.ID); code != exitUsage || !strings.Contains(errs, "--reason") {
			t.Errorf("a decline without a reason: exit %d, %q", code, errs)
		}
		mustRun("sam", `koers person erase-decline `+r.ID+` --reason "kept for the ESF audit"`)
		if text := mustRun("cora", "koers person show "+p.ID); !strings.Contains(text, "declined by sam: kept for the ESF audit") {
			t.Errorf("the file lacks the decline:\n%s", text)
		}
		if err := json.Unmarshal([]byte(mustRun("cora", `koers person erase `+p.ID+` --request --reason "asked again in writing" --json`)), &r); err != nil {
			t.Fatal(err)
		}
		mustRun("sam", "koers person erase-approve "+r.ID+" --yes")
		if _, _, code := ts.run("sam", "koers person show "+p.ID); code != exitUsage {
			t.Errorf("the person after the approval: exit %d, want 2 (no such person)", code)
		}
	})
}
