package present

import (
	"errors"

	"github.com/koers-project/koers/sessions"
)

// Messager is an error that names its message in the catalogue (the
// application layer's errors do), so every face can say it in the
// person's language.
type Messager interface {
	Message() (id string, args []any)
}

// Error is err said for people in the printer's language: a ledger
// refusal with its figures in the scheme's unit, an error that names its
// message, or else the error's own text.
func (p *Printer) Error(err error) string {
	if err == nil {
		return ""
	}
	var ie *sessions.InsufficientError
	if errors.As(err, &ie) {
		return p.Insufficient(ie)
	}
	var ce *sessions.ChangedError
	if errors.As(err, &ce) {
		return p.Changed(ce)
	}
	var m Messager
	if errors.As(err, &m) {
		if id, args := m.Message(); id != "" && p.tr.Has(id) {
			return p.tr.T(id, args...)
		}
	}
	return Terminal(err.Error())
}

// Insufficient says a no-overdraft refusal once, in the scheme's unit:
// "Not enough ILA: €300.00 asked, €7.50 available."
func (p *Printer) Insufficient(e *sessions.InsufficientError) string {
	if e.Ref != "" {
		return p.tr.T("present.err.reserved", "Scheme", p.Scheme(e.Scheme), "Asked", p.Amount(e.Scheme, e.Asked),
			"Reserved", p.Amount(e.Scheme, e.Outstanding))
	}
	return p.tr.T("present.err.insufficient", "Scheme", p.Scheme(e.Scheme), "Asked", p.Amount(e.Scheme, e.Asked),
		"Available", p.Amount(e.Scheme, e.Available))
}

// Changed says why a save on an older version of a profile or plan was
// refused: who saved it since, and when (in the server's zone).
func (p *Printer) Changed(e *sessions.ChangedError) string {
	id := "present.err.changed_profile"
	if e.What == sessions.ChangedPlan {
		id = "present.err.changed_plan"
	}
	return p.tr.T(id, "By", Terminal(e.By), "At", p.DateTime(e.At.Local()))
}
