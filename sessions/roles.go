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
	// RoleRegional is a supervisor over several centres (the account's list).
	RoleRegional Role = "regional"
	// RoleAdmin manages accounts, schemes and imports, never a person's file.
	RoleAdmin Role = "admin"
	// RoleAuditor reads the audit trail and reports, never a person's file.
	RoleAuditor Role = "auditor"
)

// Roles lists every role in the order the README's table shows them.
var Roles = []Role{RoleCounsellor, RoleSupervisor, RoleRegional, RoleAdmin, RoleAuditor}

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
	// OpTransferPerson hands a person to another responsible counsellor.
	OpTransferPerson Operation = "transfer-person"
	// OpMovePerson moves a person's file to another centre.
	OpMovePerson Operation = "move-person"
	// OpManageCentres adds centres and sets their approval thresholds.
	OpManageCentres Operation = "manage-centres"
	// OpRequestErase files a request that a supervisor erase the person.
	OpRequestErase Operation = "request-erase"
	// OpDecideErase approves (which erases) or declines an erasure request.
	OpDecideErase Operation = "decide-erase-request"
)

// Operations lists every operation in the order the README's table shows them.
var Operations = []Operation{OpSearchRegister, OpViewPerson, OpEditPerson, OpViewNotes, OpPostLedger,
	OpPostAboveThreshold, OpApprove, OpImportRegister, OpManageAccounts, OpReadAudit, OpRunReport,
	OpExportPerson, OpErasePerson, OpTransferPerson, OpMovePerson, OpManageCentres, OpRequestErase, OpDecideErase}

// Scope says whose caseload the person acted on belongs to. Operations that
// concern no person (search, import, accounts, audit, reports) decide the
// same for all three.
type Scope string

// Scopes.
const (
	// ScopeOwn: the account is the person's responsible counsellor.
	ScopeOwn Scope = "own"
	// ScopeOther: another counsellor's person, in a centre of the account.
	ScopeOther Scope = "other"
	// ScopeElsewhere: a person of a centre the account does not belong to.
	ScopeElsewhere Scope = "elsewhere"
)

// Scopes lists every scope in the order the README's table shows them.
var Scopes = []Scope{ScopeOwn, ScopeOther, ScopeElsewhere}

// ScopeOf is where a person whose responsible counsellor is counsellor and
// whose file is at centre stands for the account c.
func ScopeOf(c Counsellor, counsellor, centre string) Scope {
	switch {
	case counsellor != "" && counsellor == c.Name:
		return ScopeOwn
	case c.InCentre(centre):
		return ScopeOther
	}
	return ScopeElsewhere
}

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

type cell struct{ own, other, elsewhere Decision }

// roleTable is the one decision table. Keep it in step with the README's
// "Roles" table: TestRoleTable checks every cell against its own copy.
var roleTable = map[Role]map[Operation]cell{
	RoleCounsellor: {
		OpSearchRegister:     {Allow, Allow, Allow},
		OpViewPerson:         {Allow, BreakGlass, BreakGlass},
		OpEditPerson:         {Allow, BreakGlass, BreakGlass},
		OpViewNotes:          {Allow, Deny, Deny},
		OpPostLedger:         {Allow, BreakGlass, BreakGlass},
		OpPostAboveThreshold: {Pending, Deny, Deny},
		OpApprove:            {Deny, Deny, Deny},
		OpImportRegister:     {Deny, Deny, Deny},
		OpManageAccounts:     {Deny, Deny, Deny},
		OpReadAudit:          {Deny, Deny, Deny},
		OpRunReport:          {Deny, Deny, Deny},
		OpExportPerson:       {Allow, BreakGlass, BreakGlass},
		OpErasePerson:        {Pending, Deny, Deny},
		OpTransferPerson:     {Allow, Deny, Deny},
		OpMovePerson:         {Allow, Deny, Deny},
		OpManageCentres:      {Deny, Deny, Deny},
		OpRequestErase:       {Allow, Deny, Deny},
		OpDecideErase:        {Deny, Deny, Deny},
	},
	RoleSupervisor: {
		OpSearchRegister:     {Allow, Allow, Allow},
		OpViewPerson:         {Allow, Allow, BreakGlass},
		OpEditPerson:         {Allow, Allow, BreakGlass},
		OpViewNotes:          {Allow, Allow, Deny},
		OpPostLedger:         {Allow, Allow, BreakGlass},
		OpPostAboveThreshold: {Allow, Allow, Deny},
		OpApprove:            {Allow, Allow, Deny},
		OpImportRegister:     {Deny, Deny, Deny},
		OpManageAccounts:     {Deny, Deny, Deny},
		OpReadAudit:          {Allow, Allow, Deny},
		OpRunReport:          {Allow, Allow, Allow},
		OpExportPerson:       {Allow, Allow, BreakGlass},
		OpErasePerson:        {Allow, Allow, Deny},
		OpTransferPerson:     {Allow, Allow, Deny},
		OpMovePerson:         {Allow, Allow, Deny},
		OpManageCentres:      {Deny, Deny, Deny},
		OpRequestErase:       {Allow, Allow, Deny},
		OpDecideErase:        {Allow, Allow, Deny},
	},
	RoleRegional: {
		OpSearchRegister:     {Allow, Allow, Allow},
		OpViewPerson:         {Allow, Allow, BreakGlass},
		OpEditPerson:         {Allow, Allow, BreakGlass},
		OpViewNotes:          {Allow, Allow, Deny},
		OpPostLedger:         {Allow, Allow, BreakGlass},
		OpPostAboveThreshold: {Allow, Allow, Deny},
		OpApprove:            {Allow, Allow, Deny},
		OpImportRegister:     {Deny, Deny, Deny},
		OpManageAccounts:     {Deny, Deny, Deny},
		OpReadAudit:          {Allow, Allow, Deny},
		OpRunReport:          {Allow, Allow, Allow},
		OpExportPerson:       {Allow, Allow, BreakGlass},
		OpErasePerson:        {Allow, Allow, Deny},
		OpTransferPerson:     {Allow, Allow, Deny},
		OpMovePerson:         {Allow, Allow, Deny},
		OpManageCentres:      {Deny, Deny, Deny},
		OpRequestErase:       {Allow, Allow, Deny},
		OpDecideErase:        {Allow, Allow, Deny},
	},
	RoleAdmin: {
		OpSearchRegister:     {Allow, Allow, Allow},
		OpViewPerson:         {Deny, Deny, Deny},
		OpEditPerson:         {Deny, Deny, Deny},
		OpViewNotes:          {Deny, Deny, Deny},
		OpPostLedger:         {Deny, Deny, Deny},
		OpPostAboveThreshold: {Deny, Deny, Deny},
		OpApprove:            {Deny, Deny, Deny},
		OpImportRegister:     {Allow, Allow, Allow},
		OpManageAccounts:     {Allow, Allow, Allow},
		OpReadAudit:          {Deny, Deny, Deny},
		OpRunReport:          {Allow, Allow, Allow},
		OpExportPerson:       {Deny, Deny, Deny},
		OpErasePerson:        {Deny, Deny, Deny},
		OpTransferPerson:     {Deny, Deny, Deny},
		OpMovePerson:         {Deny, Deny, Deny},
		OpManageCentres:      {Allow, Allow, Allow},
		OpRequestErase:       {Deny, Deny, Deny},
		OpDecideErase:        {Deny, Deny, Deny},
	},
	RoleAuditor: {
		OpSearchRegister:     {Allow, Allow, Allow},
		OpViewPerson:         {Deny, Deny, Deny},
		OpEditPerson:         {Deny, Deny, Deny},
		OpViewNotes:          {Deny, Deny, Deny},
		OpPostLedger:         {Deny, Deny, Deny},
		OpPostAboveThreshold: {Deny, Deny, Deny},
		OpApprove:            {Deny, Deny, Deny},
		OpImportRegister:     {Deny, Deny, Deny},
		OpManageAccounts:     {Deny, Deny, Deny},
		OpReadAudit:          {Allow, Allow, Allow},
		OpRunReport:          {Allow, Allow, Allow},
		OpExportPerson:       {Deny, Deny, Deny},
		OpErasePerson:        {Deny, Deny, Deny},
		OpTransferPerson:     {Deny, Deny, Deny},
		OpMovePerson:         {Deny, Deny, Deny},
		OpManageCentres:      {Deny, Deny, Deny},
		OpRequestErase:       {Deny, Deny, Deny},
		OpDecideErase:        {Deny, Deny, Deny},
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
	case ScopeElsewhere:
		return c.elsewhere
	}
	return Deny
}

// Rule names the table cell behind a decision, e.g.
// "roles:auditor/edit-person/own", so a refusal can say which rule refused.
func Rule(role Role, op Operation, scope Scope) string {
	return "roles:" + string(role) + "/" + string(op) + "/" + string(scope)
}
