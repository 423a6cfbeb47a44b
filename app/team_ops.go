package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/koers-project/koers/sessions"
)

// TransferPerson makes the account named to the person's responsible
// counsellor (audited from whom to whom). On a server the account must
// exist; a counsellor may hand over their own people only.
func (a *App) TransferPerson(ctx context.Context, id, to string) (sessions.Person, error) {
	p, err := a.gate(ctx, id, sessions.OpTransferPerson)
	if errors.Is(err, ErrNotFound) {
		return p, notFound("ID", "people.err.no_person", "Flag", "ID", "ID", id)
	}
	if err != nil {
		return p, err
	}
	to = strings.TrimSpace(to)
	if err := sessions.ValidCounsellorName(to); err != nil {
		return p, invalid("to", "", err)
	}
	if _, err := a.people.Counsellor(ctx, to); errors.Is(err, ErrNotFound) {
		if a.caller != nil || a.hasAccounts(ctx) {
			return p, notFound("to", "team.err.no_account", "Name", to)
		}
	} else if err != nil {
		return p, err
	}
	if err := a.people.TransferPerson(ctx, id, to); err != nil {
		return p, err
	}
	a.publish(id, ChangedProfile)
	return a.people.Person(ctx, id)
}

// hasAccounts reports whether the database defines any counsellor account
// (a laptop without accounts may name anyone responsible).
func (a *App) hasAccounts(ctx context.Context) bool {
	list, err := a.people.Counsellors(ctx)
	return err == nil && len(list) > 0
}

// MovePerson moves the person's file to centre (which must exist); the
// file follows the person: their responsible counsellor, ledger, plans and
// audit trail stay theirs. Audited from where to where.
func (a *App) MovePerson(ctx context.Context, id, centre string) (sessions.Person, error) {
	p, err := a.gate(ctx, id, sessions.OpMovePerson)
	if errors.Is(err, ErrNotFound) {
		return p, notFound("ID", "people.err.no_person", "Flag", "ID", "ID", id)
	}
	if err != nil {
		return p, err
	}
	if err := a.knownCentre(ctx, "centre", centre); err != nil {
		return p, err
	}
	if err := a.people.MovePerson(ctx, id, centre); err != nil {
		return p, err
	}
	a.publish(id, ChangedProfile)
	return a.people.Person(ctx, id)
}

// knownCentre refuses a centre code that no `koers centre add` created.
func (a *App) knownCentre(ctx context.Context, field, code string) error {
	list, err := a.people.Centres(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(list, func(c sessions.Centre) bool { return c.Code == code }) {
		return notFound(field, "team.err.no_centre", "Centre", code)
	}
	return nil
}

// AddCentre creates a centre (admins on a server).
func (a *App) AddCentre(ctx context.Context, c sessions.Centre) (sessions.Centre, error) {
	if err := a.allowed(sessions.OpManageCentres); err != nil {
		return c, err
	}
	if err := sessions.ValidCentreCode(c.Code); err != nil {
		return c, invalid("code", "", err)
	}
	return a.people.AddCentre(ctx, c)
}

// Centres lists the centres with their thresholds.
func (a *App) Centres(ctx context.Context) ([]sessions.Centre, error) { return a.people.Centres(ctx) }

// SetThreshold sets, for centre, the amount (typed in the scheme's unit)
// above which a counsellor's top-up or correction in scheme waits for a
// supervisor's approval.
func (a *App) SetThreshold(ctx context.Context, centre, scheme, amount string) (sessions.Scheme, int64, error) {
	if err := a.allowed(sessions.OpManageCentres); err != nil {
		return sessions.Scheme{}, 0, err
	}
	if err := a.knownCentre(ctx, "centre", centre); err != nil {
		return sessions.Scheme{}, 0, err
	}
	sc, err := a.people.Scheme(ctx, scheme)
	if errors.Is(err, ErrUnknownScheme) {
		return sc, 0, invalid("approval-threshold", "people.err.scheme", err, "Scheme", scheme)
	}
	if err != nil {
		return sc, 0, err
	}
	v, err := sc.Unit.Parse(amount)
	if err != nil {
		return sc, 0, invalid("approval-threshold", "", err)
	}
	return sc, v, a.people.SetThreshold(ctx, centre, sc.Code, v)
}

// LedgerRequests are the person's held entries with their decisions
// (visible to whoever may view the person).
func (a *App) LedgerRequests(ctx context.Context, personID string) ([]sessions.LedgerRequest, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.LedgerRequests(ctx, personID, false)
}

// PendingRequests are the requests waiting for a decision that the caller
// may approve (every one for the local user).
func (a *App) PendingRequests(ctx context.Context) ([]sessions.LedgerRequest, error) {
	list, err := a.people.LedgerRequests(ctx, "", true)
	if err != nil || a.caller == nil {
		return list, err
	}
	owners, err := a.people.Owners(ctx)
	if err != nil {
		return nil, err
	}
	out := []sessions.LedgerRequest{}
	for _, r := range list {
		o := owners[r.PersonID]
		c := *a.caller
		if sessions.Decide(c.Role, sessions.OpApprove, sessions.ScopeOf(c, o.Counsellor, o.Centre)) == sessions.Allow {
			out = append(out, r)
		}
	}
	return out, nil
}

// DecideRequest approves (posting the entry, under the ledger's rules) or
// rejects (with reason) a held entry. On a server only a supervisor of the
// person's centre decides, and never on a request of their own.
func (a *App) DecideRequest(ctx context.Context, id string, approve bool, reason string) (sessions.LedgerRequest, error) {
	r, err := a.people.LedgerRequest(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return r, notFound("ENTRY", "team.err.no_request", "ID", id)
	}
	if err != nil {
		return r, err
	}
	if _, err := a.gate(ctx, r.PersonID, sessions.OpApprove); err != nil {
		return r, err
	}
	if a.caller != nil && r.CreatedBy == a.caller.Name {
		return r, refused("four-eyes", "team.err.denied", ErrRoleDenied, "Role", string(a.caller.Role), "Op", "approve-own-request")
	}
	if !approve && strings.TrimSpace(reason) == "" {
		return r, invalid("reason", "people.err.required", nil)
	}
	got, err := a.people.DecideRequest(ctx, id, approve, strings.TrimSpace(reason))
	if err == nil {
		a.publish(r.PersonID, ChangedLedger)
	}
	var ie *sessions.InsufficientError
	switch {
	case errors.Is(err, ErrDecided):
		return r, refused("one-decision", "team.err.decided", err, "ID", id, "Status", r.Status())
	case errors.As(err, &ie):
		return r, refused("no-overdraft", "", ie)
	case errors.Is(err, ErrBadEntry):
		return r, invalid("", "", err)
	}
	return got, err
}

// holdIfAbove holds e for approval when the caller's role may only ask for
// it: a top-up or correction above the threshold of the person's centre.
// It returns a *HeldError then, nil when e may be posted.
func (a *App) holdIfAbove(ctx context.Context, p sessions.Person, e sessions.Entry) error {
	if a.caller == nil || (e.Kind != sessions.TopUp && e.Kind != sessions.Correct) {
		return nil
	}
	threshold, ok, err := a.people.Threshold(ctx, p.Centre, e.Scheme)
	if err != nil || !ok {
		return err
	}
	amount := e.Amount
	if e.Kind == sessions.Correct {
		all, err := a.people.Entries(ctx, p.ID, e.Scheme)
		if err != nil {
			return err
		}
		for _, o := range all {
			if o.ID == e.Corrects {
				amount = o.Amount
			}
		}
	}
	if !sessions.NeedsApproval(e.Kind, amount, threshold) {
		return nil
	}
	if err := a.decide(ctx, p, sessions.OpPostAboveThreshold); err != nil {
		if !errors.Is(err, ErrRoleDenied) || sessions.Decide(a.caller.Role, sessions.OpPostAboveThreshold,
			sessions.ScopeOf(*a.caller, p.Counsellor, p.Centre)) != sessions.Pending {
			return err
		}
		r, err := a.people.RequestEntry(ctx, sessions.LedgerRequest{PersonID: p.ID, Scheme: e.Scheme, Kind: e.Kind, Amount: amount,
			Key: e.Key, Funder: e.Funder, Reason: e.Reason, Corrects: e.Corrects, Threshold: threshold, Centre: p.Centre})
		if errors.Is(err, ErrKeyReused) {
			return invalid("key", "", err)
		}
		if err != nil {
			return err
		}
		a.publish(p.ID, ChangedLedger)
		return &HeldError{Request: r}
	}
	return nil
}

// AuditQuery selects audit rows: about a person, or made by an account.
type AuditQuery struct {
	PersonID   string
	Counsellor string
	// Since, if set, keeps the rows from that moment on.
	Since time.Time
}

// AuditTrail is the audit rows q selects, for supervisors (their centres)
// and auditors; reading a person's trail is itself audited.
func (a *App) AuditTrail(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	switch {
	case q.PersonID != "":
		p, err := a.people.Person(ctx, q.PersonID)
		if err == nil {
			if err := a.decideAudit(p.Counsellor, p.Centre); err != nil {
				return nil, err
			}
			if err := a.people.Audit(ctx, p.ID, "view", "audit trail"); err != nil {
				return nil, err
			}
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		} else if err := a.allowed(sessions.OpReadAudit); err != nil {
			return nil, err
		}
		// An erased person's rows stay (they name no one): readable by id.
		rows, err := a.people.AuditLog(ctx, q.PersonID)
		return since(rows, q.Since), err
	case q.Counsellor != "":
		centre := ""
		if acc, err := a.people.Counsellor(ctx, q.Counsellor); err == nil {
			centre = acc.HomeCentre()
		}
		if err := a.decideAudit("", centre); err != nil {
			return nil, err
		}
		rows, err := a.people.AuditBy(ctx, q.Counsellor)
		return since(rows, q.Since), err
	}
	return nil, invalid("person", "people.err.person_required", nil, "Flag", "--person or --counsellor")
}

// since keeps the rows at or after t (all of them when t is zero).
func since(rows []AuditEntry, t time.Time) []AuditEntry {
	if t.IsZero() {
		return rows
	}
	out := rows[:0]
	for _, e := range rows {
		if !e.At.Before(t) {
			out = append(out, e)
		}
	}
	return out
}

func (a *App) decideAudit(counsellor, centre string) error {
	if a.caller == nil {
		return nil
	}
	c := *a.caller
	sc := sessions.ScopeOf(c, counsellor, centre)
	if sc == sessions.ScopeOwn {
		sc = sessions.ScopeOther // an audit reader's own people are no exception
	}
	if d := sessions.Decide(c.Role, sessions.OpReadAudit, sc); d != sessions.Allow {
		return refused(sessions.Rule(c.Role, sessions.OpReadAudit, sc), "team.err.denied", ErrRoleDenied, "Role", string(c.Role), "Op", string(sessions.OpReadAudit))
	}
	return nil
}

// GlassViews are the times the person's file was opened outside the
// caseload, with who and why: shown on the file to whoever may view it.
func (a *App) GlassViews(ctx context.Context, personID string) ([]AuditEntry, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	log, err := a.people.AuditLog(ctx, personID)
	if err != nil {
		return nil, err
	}
	out := []AuditEntry{}
	for _, e := range log {
		if e.Action == "break-glass" {
			out = append(out, e)
		}
	}
	return out, nil
}
