package app

import (
	"context"
	"errors"
	"strings"

	"github.com/koers-project/koers/sessions"
)

// PostRequest is a ledger entry as a counsellor asks for it: the amount in
// the scheme's unit as typed ("500.00" EUR, "7.5" hours, "2" days).
type PostRequest struct {
	PersonID string
	Scheme   string
	Kind     sessions.Kind
	Amount   string
	Key      string
	Reason   string
	Funder   string
	Ref      string
	Corrects string
}

// Post validates r once and appends it to the person's account in one
// immediate transaction. Bad input is an Invalid *Error naming its field; a
// refusal by the no-overdraft rule is a Refused *Error wrapping the
// *sessions.InsufficientError that carries balance, reserved and
// available in the scheme's unit. It returns the entry and its scheme.
func (a *App) Post(ctx context.Context, r PostRequest) (sessions.Entry, sessions.Scheme, error) {
	var sc sessions.Scheme
	if !r.Kind.Valid() {
		return sessions.Entry{}, sc, invalid("kind", "people.err.kind", nil, "Kind", string(r.Kind))
	}
	if _, err := a.MustPerson(ctx, "--person", r.PersonID); err != nil {
		return sessions.Entry{}, sc, err
	}
	sc, err := a.people.Scheme(ctx, r.Scheme)
	if errors.Is(err, ErrUnknownScheme) {
		return sessions.Entry{}, sc, invalid("scheme", "people.err.scheme", err, "Scheme", r.Scheme)
	}
	if err != nil {
		return sessions.Entry{}, sc, err
	}
	e := sessions.Entry{PersonID: r.PersonID, Scheme: sc.Code, Kind: r.Kind, Key: strings.TrimSpace(r.Key),
		Reason: r.Reason, Funder: r.Funder, Ref: r.Ref, Corrects: r.Corrects}
	if r.Kind == sessions.Correct {
		if r.Corrects == "" {
			return e, sc, invalid("corrects", "people.err.corrects", nil)
		}
	} else {
		if strings.TrimSpace(r.Amount) == "" {
			return e, sc, invalid("amount", "people.err.required", nil)
		}
		v, err := sc.Unit.Parse(r.Amount)
		if err != nil {
			return e, sc, invalid("amount", "", err)
		}
		if v == 0 {
			return e, sc, invalid("amount", "people.err.zero", nil)
		}
		e.Amount = v
	}
	return a.PostEntry(ctx, e)
}

// PostEntry appends an entry already in minor units (the TUI's forms
// parse as the person types); refusals are typed as Post's.
func (a *App) PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, sessions.Scheme, error) {
	sc, err := a.people.Scheme(ctx, e.Scheme)
	if errors.Is(err, ErrUnknownScheme) {
		return e, sc, invalid("scheme", "people.err.scheme", err, "Scheme", e.Scheme)
	}
	if err != nil {
		return e, sc, err
	}
	p, err := a.gate(ctx, e.PersonID, sessions.OpPostLedger)
	if err != nil {
		return e, sc, err
	}
	if err := a.holdIfAbove(ctx, p, e); err != nil {
		return e, sc, err
	}
	got, err := a.people.PostEntry(ctx, e)
	if err == nil {
		a.publish(e.PersonID, ChangedLedger)
	}
	var ie *sessions.InsufficientError
	switch {
	case errors.As(err, &ie):
		return got, sc, refused("no-overdraft", "", ie)
	case errors.Is(err, ErrInsufficient):
		return got, sc, refused("no-overdraft", "", err)
	case errors.Is(err, ErrNoReservation):
		return got, sc, refused("reservation-exists", "", err)
	case errors.Is(err, ErrBadEntry):
		return got, sc, invalid("", "", err)
	}
	return got, sc, err
}
