package sessions

import (
	"fmt"
	"strings"
)

// Role is what a counsellor account may do in a centre. The decisions for
// every role, operation and caseload scope are one table (roleTable), written
// out in the README's "Roles" section.
type Role string

// Roles of a centre's accounts.
const (
	// RoleCounsellor reads and writes their own caseload.
	RoleCounsellor Role = "counsellor"
	// RoleSupervisor sees the whole centre and alone approves what is held.
	RoleSupervisor Role = "supervisor"
	// RoleAdmin manages accounts, schemes and imports, never a person's
	// file, and runs no report (reports are for supervisors and auditors).
	RoleAdmin Role = "admin"
	// RoleAuditor reads the audit trail and reports, never a person's file.
	RoleAuditor Role = "auditor"
)

// Roles lists every role in the order the README's table shows them.
var Roles = []Role{RoleCounsellor, RoleSupervisor, RoleAdmin, RoleAuditor}

// ParseRole reads a role name; anything else is refused.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("%q is not a role (want %s)", s, strings.Join(roleNames(), ", "))
}

func roleNames() []string {
	out := make([]string, len(Roles))
	for i, r := range Roles {
		out[i] = string(r)
	}
	return out
}

// Operation is something an account asks to do.
type Operation string

// Operations the role table decides on.
const (
	OpSearchRegister Operation = "search-register"
	OpViewPerson     Operation = "view-person"
	OpEditPerson     Operation = "edit-person"
	OpViewNotes      Operation = "view-restricted-notes"
	OpPostLedger     Operation = "post-ledger-entry"
	// OpPostAboveThreshold is a correction or top-up above the threshold the centre sets.
	OpPostAboveThreshold Operation = "post-above-threshold"
	// OpApprove approves an entry held for approval.
	OpApprove        Operation = "approve-held-entry"
	OpImportRegister Operation = "import-register"
	OpManageAccounts Operation = "manage-accounts"
	OpReadAudit      Operation = "read-audit"
	OpRunReport      Operation = "run-report"
	OpExportPerson   Operation = "export-person"
	OpErasePerson    Operation = "erase-person"
)

// Operations lists every operation in the order the README's table shows them.
var Operations = []Operation{OpSearchRegister, OpViewPerson, OpEditPerson, OpViewNotes, OpPostLedger,
	OpPostAboveThreshold, OpApprove, OpImportRegister, OpManageAccounts, OpReadAudit, OpRunReport,
	OpExportPerson, OpErasePerson}

// Scope says whose caseload the person acted on belongs to. Operations that
// concern no person (search, import, accounts, audit, reports) decide the
// same for both.
type Scope string

// Scopes.
const (
	ScopeOwn   Scope = "own"
	ScopeOther Scope = "other"
)

// Decision is the table's answer.
type Decision string

// Decisions.
const (
	// Allow: go ahead.
	Allow Decision = "allow"
	// BreakGlass: go ahead once the account gives a reason, which is audited
	// and shown on the person's file.
	BreakGlass Decision = "break-glass"
	// Pending: the request is recorded and waits for a supervisor's approval;
	// it does not count until approved.
	Pending Decision = "pending"
	// Deny: refused.
	Deny Decision = "deny"
)

// Permitted reports whether the operation may go ahead now (possibly with a
// break-glass reason); a pending or denied operation may not.
func (d Decision) Permitted() bool { return d == Allow || d == BreakGlass }

type cell struct{ own, other Decision }

// roleTable is the one decision table. Keep it in step with the README's
// "Roles" table: TestRoleTable checks every cell against its own copy.
var roleTable = map[Role]map[Operation]cell{
	RoleCounsellor: {
		OpSearchRegister:     {Allow, Allow},
		OpViewPerson:         {Allow, BreakGlass},
		OpEditPerson:         {Allow, BreakGlass},
		OpViewNotes:          {Allow, Deny},
		OpPostLedger:         {Allow, BreakGlass},
		OpPostAboveThreshold: {Pending, Deny},
		OpApprove:            {Deny, Deny},
		OpImportRegister:     {Deny, Deny},
		OpManageAccounts:     {Deny, Deny},
		OpReadAudit:          {Deny, Deny},
		OpRunReport:          {Deny, Deny},
		OpExportPerson:       {Allow, BreakGlass},
		OpErasePerson:        {Pending, Deny},
	},
	RoleSupervisor: {
		OpSearchRegister:     {Allow, Allow},
		OpViewPerson:         {Allow, Allow},
		OpEditPerson:         {Allow, Allow},
		OpViewNotes:          {Allow, Allow},
		OpPostLedger:         {Allow, Allow},
		OpPostAboveThreshold: {Allow, Allow},
		OpApprove:            {Allow, Allow},
		OpImportRegister:     {Deny, Deny},
		OpManageAccounts:     {Deny, Deny},
		OpReadAudit:          {Allow, Allow},
		OpRunReport:          {Allow, Allow},
		OpExportPerson:       {Allow, Allow},
		OpErasePerson:        {Allow, Allow},
	},
	RoleAdmin: {
		OpSearchRegister:     {Allow, Allow},
		OpViewPerson:         {Deny, Deny},
		OpEditPerson:         {Deny, Deny},
		OpViewNotes:          {Deny, Deny},
		OpPostLedger:         {Deny, Deny},
		OpPostAboveThreshold: {Deny, Deny},
		OpApprove:            {Deny, Deny},
		OpImportRegister:     {Allow, Allow},
		OpManageAccounts:     {Allow, Allow},
		OpReadAudit:          {Deny, Deny},
		OpRunReport:          {Deny, Deny},
		OpExportPerson:       {Deny, Deny},
		OpErasePerson:        {Deny, Deny},
	},
	RoleAuditor: {
		OpSearchRegister:     {Allow, Allow},
		OpViewPerson:         {Deny, Deny},
		OpEditPerson:         {Deny, Deny},
		OpViewNotes:          {Deny, Deny},
		OpPostLedger:         {Deny, Deny},
		OpPostAboveThreshold: {Deny, Deny},
		OpApprove:            {Deny, Deny},
		OpImportRegister:     {Deny, Deny},
		OpManageAccounts:     {Deny, Deny},
		OpReadAudit:          {Allow, Allow},
		OpRunReport:          {Allow, Allow},
		OpExportPerson:       {Deny, Deny},
		OpErasePerson:        {Deny, Deny},
	},
}

// Decide is the table's answer for role doing operation on scope. An unknown
// role, operation or scope is denied: the table fails closed.
func Decide(role Role, op Operation, scope Scope) Decision {
	c, ok := roleTable[role][op]
	if !ok {
		return Deny
	}
	switch scope {
	case ScopeOwn:
		return c.own
	case ScopeOther:
		return c.other
	}
	return Deny
}

// Rule names the table cell behind a decision, e.g.
// "roles:auditor/edit-person/own", so a refusal can say which rule refused.
func Rule(role Role, op Operation, scope Scope) string {
	return "roles:" + string(role) + "/" + string(op) + "/" + string(scope)
}
