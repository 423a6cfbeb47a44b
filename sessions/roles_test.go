package sessions

import (
	"os"
	"strings"
	"testing"
)

// wantRoles is the role table as the README writes it: the test's own copy,
// so a change to roleTable must be made here and in the README too.
const wantRoles = `
| search-register | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow |
| view-person | allow | break-glass | break-glass | allow | allow | break-glass | allow | allow | break-glass | deny | deny | deny | deny | deny | deny |
| edit-person | allow | break-glass | break-glass | allow | allow | break-glass | allow | allow | break-glass | deny | deny | deny | deny | deny | deny |
| view-restricted-notes | allow | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | deny | deny | deny |
| post-ledger-entry | allow | break-glass | break-glass | allow | allow | break-glass | allow | allow | break-glass | deny | deny | deny | deny | deny | deny |
| post-above-threshold | pending | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | deny | deny | deny |
| approve-held-entry | deny | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | deny | deny | deny |
| import-register | deny | deny | deny | deny | deny | deny | deny | deny | deny | allow | allow | allow | deny | deny | deny |
| manage-accounts | deny | deny | deny | deny | deny | deny | deny | deny | deny | allow | allow | allow | deny | deny | deny |
| read-audit | deny | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | allow | allow | allow |
| run-report | deny | deny | deny | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow | allow |
| export-person | allow | break-glass | break-glass | allow | allow | break-glass | allow | allow | break-glass | deny | deny | deny | deny | deny | deny |
| erase-person | pending | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | deny | deny | deny |
| transfer-person | allow | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | deny | deny | deny |
| move-person | allow | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | deny | deny | deny |
| manage-centres | deny | deny | deny | deny | deny | deny | deny | deny | deny | allow | allow | allow | deny | deny | deny |
| request-erase | allow | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | deny | deny | deny |
| decide-erase-request | deny | deny | deny | allow | allow | deny | allow | allow | deny | deny | deny | deny | deny | deny | deny |
`

// parseRoles reads a Markdown role table into cells keyed by role, operation and scope.
func parseRoles(t *testing.T, text string) map[[3]string]string {
	t.Helper()
	out := map[[3]string]string{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		n := len(Scopes)
		if len(f) != 1+n*len(Roles) {
			t.Fatalf("row %q has %d cells, want %d", line, len(f), 1+n*len(Roles))
		}
		op := strings.TrimSpace(f[0])
		for i, r := range Roles {
			for j, sc := range Scopes {
				out[[3]string{string(r), op, string(sc)}] = strings.TrimSpace(f[1+n*i+j])
			}
		}
	}
	return out
}

func TestRoleTable(t *testing.T) {
	want := parseRoles(t, wantRoles)
	if got, min := len(want), len(Roles)*len(Operations)*len(Scopes); got != min {
		t.Fatalf("the test's table has %d cells, want %d", got, min)
	}
	for _, r := range Roles {
		for _, op := range Operations {
			for _, sc := range Scopes {
				t.Run(string(r)+"/"+string(op)+"/"+string(sc), func(t *testing.T) {
					got := Decide(r, op, sc)
					if w := want[[3]string{string(r), string(op), string(sc)}]; string(got) != w {
						t.Errorf("Decide(%s, %s, %s) = %s, want %s", r, op, sc, got, w)
					}
				})
			}
		}
	}
}

// TestRoleTableInReadme keeps the README's "Roles" table equal to the code's.
func TestRoleTableInReadme(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "| operation |")
	if !ok {
		t.Fatal("README has no role table (a header row starting with | operation |)")
	}
	_, body, _ := strings.Cut(after, "\n") // the header row
	_, body, _ = strings.Cut(body, "\n")   // the --- row
	var rows []string
	for _, l := range strings.Split(body, "\n") {
		if !strings.HasPrefix(l, "|") {
			break
		}
		rows = append(rows, l)
	}
	got := parseRoles(t, strings.Join(rows, "\n"))
	want := parseRoles(t, wantRoles)
	for k, w := range want {
		if got[k] != w {
			t.Errorf("README cell %v = %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("README has %d cells, want %d", len(got), len(want))
	}
}

func TestDecideFailsClosed(t *testing.T) {
	tests := []struct {
		name string
		role Role
		op   Operation
		sc   Scope
	}{
		{"unknown role", Role("janitor"), OpViewPerson, ScopeOwn},
		{"unknown operation", RoleSupervisor, Operation("drop-table"), ScopeOwn},
		{"unknown scope", RoleSupervisor, OpViewPerson, Scope("nowhere")},
		{"empty role", Role(""), OpSearchRegister, ScopeOwn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Decide(tt.role, tt.op, tt.sc); got != Deny {
				t.Errorf("Decide = %s, want deny", got)
			}
		})
	}
}

func TestDecisionPermitted(t *testing.T) {
	for d, want := range map[Decision]bool{Allow: true, BreakGlass: true, Pending: false, Deny: false} {
		if got := d.Permitted(); got != want {
			t.Errorf("%s.Permitted() = %v, want %v", d, got, want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Admin", "root", "counsellor "} {
		if _, err := ParseRole(s); err == nil {
			t.Errorf("ParseRole(%q) accepted", s)
		}
	}
}

func TestRule(t *testing.T) {
	if got, want := Rule(RoleAuditor, OpEditPerson, ScopeOwn), "roles:auditor/edit-person/own"; got != want {
		t.Errorf("Rule = %q, want %q", got, want)
	}
}

func TestScopeOf(t *testing.T) {
	ann := Counsellor{Name: "ann", Role: RoleCounsellor, Centres: []string{"gent"}}
	reg := Counsellor{Name: "rita", Role: RoleRegional, Centres: []string{"gent", "brugge"}}
	none := Counsellor{Name: "solo", Role: RoleCounsellor}
	tests := []struct {
		name               string
		c                  Counsellor
		counsellor, centre string
		want               Scope
	}{
		{"own person", ann, "ann", "gent", ScopeOwn},
		{"own person moved away stays own", ann, "ann", "leuven", ScopeOwn},
		{"colleague's person in my centre", ann, "bob", "gent", ScopeOther},
		{"unassigned person in my centre", ann, "", "gent", ScopeOther},
		{"person of another centre", ann, "bob", "leuven", ScopeElsewhere},
		{"regional: second centre", reg, "bob", "brugge", ScopeOther},
		{"regional: outside the list", reg, "bob", "leuven", ScopeElsewhere},
		{"no centres: the centre-less caseload", none, "bob", "", ScopeOther},
		{"no centres: a centre's person", none, "bob", "gent", ScopeElsewhere},
		{"empty name never owns the unassigned", Counsellor{Role: RoleCounsellor}, "", "", ScopeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ScopeOf(tt.c, tt.counsellor, tt.centre); got != tt.want {
				t.Errorf("ScopeOf = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestValidCentres(t *testing.T) {
	if err := ValidCentres(RoleRegional, []string{"gent", "brugge"}); err != nil {
		t.Error(err)
	}
	if err := ValidCentres(RoleSupervisor, []string{"gent", "brugge"}); err == nil {
		t.Error("a supervisor got two centres")
	}
	for _, bad := range []string{"", "a b", "gent\x1b", strings.Repeat("x", 101)} {
		if err := ValidCentres(RoleCounsellor, []string{bad}); err == nil {
			t.Errorf("centre %q accepted", bad)
		}
	}
}

func TestNeedsApproval(t *testing.T) {
	tests := []struct {
		kind              Kind
		amount, threshold int64
		want              bool
	}{
		{TopUp, 50001, 50000, true},
		{TopUp, 50000, 50000, false},
		{Correct, 90000, 50000, true},
		{Spend, 90000, 50000, false},
		{Accrual, 90000, 50000, false},
	}
	for _, tt := range tests {
		if got := NeedsApproval(tt.kind, tt.amount, tt.threshold); got != tt.want {
			t.Errorf("NeedsApproval(%s, %d, %d) = %v", tt.kind, tt.amount, tt.threshold, got)
		}
	}
}
