package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
	"github.com/koers-project/koers/store/postgres"
)

// Errors of the team rules (roles, caseloads, approvals), checked with
// errors.Is; each reaches the faces inside a Refused *Error that names the
// role table's cell.
var (
	// ErrReasonRequired: the person is not on the caller's caseload and the
	// role may open the file only with a reason (break-glass).
	ErrReasonRequired = errors.New("a reason is required to open a file outside the caseload")
	// ErrRoleDenied: the role table refuses the operation.
	ErrRoleDenied = errors.New("the role may not do this")
	// ErrDecided: the request has its decision already.
	ErrDecided = store.ErrDecided
)

// HeldError is what posting a top-up or correction above the centre's
// threshold returns to a counsellor: the entry was not posted but held for
// a supervisor's approval, as Request. It is not a failure: faces say so
// and go on (the CLI exits 0).
type HeldError struct{ Request sessions.LedgerRequest }

func (e *HeldError) Error() string {
	return fmt.Sprintf("held for approval as request %s (above the threshold %d)", e.Request.ID, e.Request.Threshold)
}

// Caller is the authenticated account a server session acts as, and the
// server session's id (stamped on every audit row).
type Caller struct {
	Account sessions.Counsellor
	Session string
}

// glass holds the break-glass reasons a caller gave, per person ("" for
// every person: the CLI's --reason), and which files were opened with one
// already (audited once per person per session).
type glass struct {
	mu      sync.Mutex
	reasons map[string]string
	opened  map[string]bool
}

// AsCaller is the application over the same open database acting as the
// authenticated account c.Account in server session c.Session: every
// person read and write is checked against the role table and the
// caseloads, and every audit row carries the account, its centre and the
// session. Without a caller (Open, As) the local user is the counsellor
// of everyone, as on a single laptop.
func (a *App) AsCaller(c Caller) *App {
	b := a.As(c.Account.Name)
	acc := c.Account
	b.caller, b.session = &acc, c.Session
	b.glass = &glass{reasons: map[string]string{}, opened: map[string]bool{}}
	switch {
	case b.st != nil:
		v := b.st.Acting(acc.Name, c.Session, acc.HomeCentre())
		b.st, b.people = v, v
	default:
		if pg, ok := b.people.(*postgres.Store); ok {
			b.people = pg.Acting(acc.Name, c.Session, acc.HomeCentre())
		}
	}
	return b
}

// Caller is the account this application acts as; ok is false outside
// server mode (the local user, who may do everything).
func (a *App) Caller() (sessions.Counsellor, bool) {
	if a.caller == nil {
		return sessions.Counsellor{}, false
	}
	return *a.caller, true
}

// GiveReason records why the caller opens personID's file although it is
// not on their caseload ("" for every person this application touches: a
// command's --reason). The reason is audited with the first look at each
// such file and shown on it.
func (a *App) GiveReason(personID, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return invalid("reason", "people.err.required", nil)
	}
	if utf8.RuneCountInString(reason) > 500 {
		return invalid("reason", "team.err.reason_long", nil)
	}
	if a.glass == nil {
		return nil // no caller: every file is the local user's
	}
	a.glass.mu.Lock()
	defer a.glass.mu.Unlock()
	a.glass.reasons[personID] = reason
	return nil
}

// reasonFor is the reason given for personID and whether its file was
// opened with it already (then it is not audited again); the first call
// with a reason marks it opened.
func (g *glass) reasonFor(personID string) (reason string, first bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	reason = g.reasons[personID]
	if reason == "" {
		reason = g.reasons[""]
	}
	if reason == "" {
		return "", false
	}
	first = !g.opened[personID]
	g.opened[personID] = true
	return reason, first
}

// NeedsReason reports whether opening personID's file asks the caller for
// a reason first (a face shows its reason form then).
func (a *App) NeedsReason(ctx context.Context, personID string) (bool, error) {
	if a.caller == nil {
		return false, nil
	}
	p, err := a.people.Person(ctx, personID)
	if err != nil {
		return false, err
	}
	c := *a.caller
	if sessions.Decide(c.Role, sessions.OpViewPerson, sessions.ScopeOf(c, p.Counsellor, p.Centre)) != sessions.BreakGlass {
		return false, nil
	}
	a.glass.mu.Lock()
	defer a.glass.mu.Unlock()
	return a.glass.reasons[personID] == "" && a.glass.reasons[""] == "", nil
}

// gate checks that the caller may do op on personID's file and returns the
// person. A missing person is ErrNotFound, left to the caller to word.
func (a *App) gate(ctx context.Context, personID string, op sessions.Operation) (sessions.Person, error) {
	p, err := a.people.Person(ctx, personID)
	if err != nil {
		return p, err
	}
	return p, a.decide(ctx, p, op)
}

// decide applies the role table to op on p for the caller: allowed, allowed
// with the break-glass reason given (audited once per person), or refused
// naming the table's cell.
func (a *App) decide(ctx context.Context, p sessions.Person, op sessions.Operation) error {
	if a.caller == nil {
		return nil
	}
	c := *a.caller
	sc := sessions.ScopeOf(c, p.Counsellor, p.Centre)
	d := sessions.Decide(c.Role, op, sc)
	rule := sessions.Rule(c.Role, op, sc)
	switch d {
	case sessions.Allow:
		return nil
	case sessions.BreakGlass:
		reason, first := a.glass.reasonFor(p.ID)
		if reason == "" {
			return refused(rule, "team.err.reason", ErrReasonRequired)
		}
		if first {
			if err := a.people.AuditReason(ctx, p.ID, "break-glass", string(op)+" "+string(sc), reason); err != nil {
				return fmt.Errorf("record break-glass: %w", err)
			}
		}
		return nil
	case sessions.Pending:
		return refused(rule, "team.err.pending", ErrRoleDenied, "Role", string(c.Role), "Op", string(op))
	}
	return refused(rule, "team.err.denied", ErrRoleDenied, "Role", string(c.Role), "Op", string(op))
}

// allowed is the role table's answer for an operation that concerns no
// person (import, accounts, centres, reports).
func (a *App) allowed(op sessions.Operation) error {
	if a.caller == nil {
		return nil
	}
	c := *a.caller
	if d := sessions.Decide(c.Role, op, sessions.ScopeOwn); d != sessions.Allow {
		return refused(sessions.Rule(c.Role, op, sessions.ScopeOwn), "team.err.denied", ErrRoleDenied, "Role", string(c.Role), "Op", string(op))
	}
	return nil
}

// planGate is gate for the person whose plan planID is.
func (a *App) planGate(ctx context.Context, planID string, op sessions.Operation) error {
	if a.caller == nil {
		return nil
	}
	p, err := a.people.Plan(ctx, planID)
	if err != nil {
		return err
	}
	_, err = a.gate(ctx, p.PersonID, op)
	return err
}

// caseloadScan bounds the people a caller's list looks through: a centre's
// people are a few thousand (store.People scans them all in Go anyway).
const caseloadScan = 100000

// caseload is the people list of a caller: the people they may view
// without a reason (their caseload; their centres for a supervisor), and a
// person outside it only when asked for by their exact id (marked
// OutsideCaseload, so that a face asks for the reason before opening).
func (a *App) caseload(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error) {
	if limit <= 0 {
		limit = 500
	}
	all, err := a.people.People(ctx, query, caseloadScan)
	if err != nil {
		return nil, err
	}
	owners, err := a.people.Owners(ctx)
	if err != nil {
		return nil, err
	}
	c := *a.caller
	out := []sessions.PersonSummary{}
	for _, ps := range all {
		if len(out) == limit {
			break
		}
		o, ok := owners[ps.ID]
		if !ok {
			continue // erased meanwhile
		}
		switch sessions.Decide(c.Role, sessions.OpViewPerson, sessions.ScopeOf(c, o.Counsellor, o.Centre)) {
		case sessions.Allow:
			out = append(out, ps)
		case sessions.BreakGlass:
			if strings.TrimSpace(query) == ps.ID {
				// Found by id, but not shown until a reason is given.
				ps.Name, ps.Email, ps.BirthYear, ps.OutsideCaseload = "", "", 0, true
				out = append(out, ps)
			}
		}
	}
	return out, nil
}
