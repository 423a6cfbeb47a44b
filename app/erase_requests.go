package app

import (
	"context"
	"errors"
	"strings"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// ErrErasePending is a second erasure request of a person whose earlier
// one is still open.
var ErrErasePending = store.ErrErasePending

// RequestErase files the caller's request that a supervisor erase the
// person (a counsellor may not erase: erase-person is pending for them;
// request-erase decides who may file). The request shows on the person's
// file and in the supervisors' queue (EraseQueue) until decided; filing
// it is audited.
func (a *App) RequestErase(ctx context.Context, personID, reason string) (sessions.EraseRequest, error) {
	reason = strings.TrimSpace(reason)
	if err := sessions.ValidEraseReason("reason", reason).Err(); err != nil {
		return sessions.EraseRequest{}, invalid("reason", "erase.err.reason", err)
	}
	if _, err := a.gate(ctx, personID, sessions.OpRequestErase); errors.Is(err, ErrNotFound) {
		return sessions.EraseRequest{}, notFound("ID", "people.err.no_person", "Flag", "ID", "ID", personID)
	} else if err != nil {
		return sessions.EraseRequest{}, err
	}
	r, err := a.people.RequestErase(ctx, personID, reason)
	if errors.Is(err, ErrErasePending) {
		return r, refused("erase:one-open-request", "erase.err.open", err, "ID", personID)
	}
	if err == nil {
		a.publish(personID, ChangedProfile)
	}
	return r, err
}

// EraseRequests are the erasure requests on the person's file, decided
// ones included (for whoever may view the file).
func (a *App) EraseRequests(ctx context.Context, personID string) ([]sessions.EraseRequest, error) {
	if _, err := a.gate(ctx, personID, sessions.OpViewPerson); err != nil {
		return nil, err
	}
	return a.people.EraseRequests(ctx, personID, false)
}

// EraseQueueItem is an open erasure request with the name of the person
// it concerns, as the supervisors' queue shows it.
type EraseQueueItem struct {
	sessions.EraseRequest
	Name string `json:"name"`
}

// EraseQueueCount is how many open erasure requests the caller may
// decide (the people list's "ctrl+x erasure requests (2)"); it names no
// one, so it audits nothing. A role that may not decide has none.
func (a *App) EraseQueueCount(ctx context.Context) (int, error) {
	list, err := a.decidable(ctx)
	return len(list), err
}

// decidable are the open erasure requests the caller may decide.
func (a *App) decidable(ctx context.Context) ([]sessions.EraseRequest, error) {
	if a.caller != nil {
		c := *a.caller
		if !anyScope(func(sc sessions.Scope) bool {
			return sessions.Decide(c.Role, sessions.OpDecideErase, sc) == sessions.Allow
		}) {
			return nil, refused(sessions.Rule(c.Role, sessions.OpDecideErase, sessions.ScopeOther), "team.err.denied", ErrRoleDenied,
				"Role", string(c.Role), "Op", string(sessions.OpDecideErase))
		}
	}
	list, err := a.people.EraseRequests(ctx, "", true)
	if err != nil || a.caller == nil {
		return list, err
	}
	owners, err := a.people.Owners(ctx)
	if err != nil {
		return nil, err
	}
	out := []sessions.EraseRequest{}
	for _, r := range list {
		o := owners[r.PersonID]
		if sessions.Decide(a.caller.Role, sessions.OpDecideErase, sessions.ScopeOf(*a.caller, o.Counsellor, o.Centre)) == sessions.Allow {
			out = append(out, r)
		}
	}
	return out, nil
}

// EraseQueue lists the open erasure requests the caller may decide
// (decide-erase-request: a supervisor's centre, a regional supervisor's
// centres; every one for the local user), oldest first. Every person
// listed gets a "view" row in their audit log, as in a people list.
func (a *App) EraseQueue(ctx context.Context) ([]EraseQueueItem, error) {
	list, err := a.decidable(ctx)
	if err != nil {
		return nil, err
	}
	out := []EraseQueueItem{}
	var ids []string
	for _, r := range list {
		p, err := a.people.Person(ctx, r.PersonID)
		if err != nil {
			return nil, err
		}
		out = append(out, EraseQueueItem{EraseRequest: r, Name: p.Name})
		ids = append(ids, r.PersonID)
	}
	if err := a.people.AuditViews(ctx, ids, "erase requests"); err != nil {
		return nil, err
	}
	return out, nil
}

// anyScope reports whether ok holds for any scope.
func anyScope(ok func(sessions.Scope) bool) bool {
	for _, sc := range sessions.Scopes {
		if ok(sc) {
			return true
		}
	}
	return false
}

// DecideErase approves or declines erasure request id. An approval erases
// the person (as ErasePerson; the request goes with them, the audit log
// keeps who asked, who approved and the erase); a decline needs its
// reason and stays on the file, and the counsellor may file again. On a
// server only a supervisor of the person's centre decides
// (decide-erase-request), never on a request of their own. An approval
// whose erase did not finish is completed by approving again.
func (a *App) DecideErase(ctx context.Context, id string, approve bool, reason string) (sessions.EraseRequest, error) {
	reason = strings.TrimSpace(reason)
	r, err := a.people.EraseRequest(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return r, notFound("ID", "erase.err.no_request", "ID", id)
	}
	if err != nil {
		return r, err
	}
	if _, err := a.gate(ctx, r.PersonID, sessions.OpDecideErase); err != nil {
		return r, err
	}
	if a.caller != nil && r.CreatedBy == a.caller.Name {
		return r, refused("four-eyes", "team.err.denied", ErrRoleDenied, "Role", string(a.caller.Role), "Op", "decide-own-erase-request")
	}
	if !approve {
		if err := sessions.ValidEraseReason("reason", reason).Err(); err != nil {
			return r, invalid("reason", "erase.err.reason", err)
		}
	}
	unfinished := approve && r.Decision != nil && r.Decision.Decision == sessions.EraseApproved
	if !unfinished {
		got, err := a.people.DecideErase(ctx, id, approve, reason)
		if errors.Is(err, ErrDecided) {
			return r, refused("one-decision", "team.err.decided", err, "ID", id, "Status", r.Status())
		}
		if err != nil {
			return r, err
		}
		r = got
	}
	if !approve {
		a.publish(r.PersonID, ChangedProfile)
		return r, nil
	}
	if err := a.people.ErasePerson(ctx, r.PersonID); err != nil {
		return r, err
	}
	a.publish(r.PersonID, ChangedErased)
	return r, nil
}
