package app

import (
	"errors"
	"fmt"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// The errors a use-case may return, checked with errors.Is. They are the
// store's and the domain's own sentinels, named here so that faces need
// not import the store.
var (
	ErrNotFound      = store.ErrNotFound
	ErrConflict      = store.ErrConflict
	ErrInsufficient  = sessions.ErrInsufficient
	ErrNoPlan        = store.ErrNoPlan
	ErrUnknownScheme = store.ErrUnknownScheme
	ErrBadEntry      = sessions.ErrBadEntry
	ErrImportInput   = store.ErrImportInput
	ErrNotSQLite     = store.ErrNotSQLite
	ErrNewerSchema   = store.ErrNewerSchema
	// ErrKeyReused is an idempotency key used before for another entry
	// (a *sessions.KeyReusedError names it); it is also an ErrBadEntry.
	ErrKeyReused     = sessions.ErrKeyReused
	ErrNoReservation = sessions.ErrNoReservation
	ErrStepClosed    = sessions.ErrStepClosed
	// ErrChanged is a save on a version of a profile or plan that someone
	// saved since (a *sessions.ChangedError says who and when).
	ErrChanged = sessions.ErrChanged
)

// Kind classifies an error for every face: the CLI maps it to an exit
// status, the TUI to how it shows it.
type Kind int

// Kinds of error.
const (
	// Internal is a failure at run time (exit 1).
	Internal Kind = iota
	// Invalid is bad input; the error names the field (exit 2).
	Invalid
	// Refused is a business rule's refusal, naming the rule (exit 3).
	Refused
)

// Error is a use-case's error with what a face needs to show it: its kind,
// the input field it concerns, the rule that refused it, and a message id
// of the catalogue with its arguments. Err is the cause.
type Error struct {
	Kind  Kind
	Field string // "person", "amount", "--scheme", … ("" when none)
	Rule  string // "no-overdraft", … (Refused only)
	Msg   string // catalogue message id ("" falls back to Err's text)
	Args  []any  // message arguments, as key, value pairs
	Err   error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Field != "":
		return e.Field + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	case e.Field != "":
		return e.Field + ": " + e.Msg
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// invalid is bad input on field.
func invalid(field, msg string, err error, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Msg: msg, Args: args, Err: err}
}

// refused is a refusal by rule.
func refused(rule, msg string, err error, args ...any) *Error {
	return &Error{Kind: Refused, Rule: rule, Msg: msg, Args: args, Err: err}
}

// KindOf classifies any error: an *Error says its kind; otherwise the
// sentinels of bad input (not found, unknown scheme, a bad ledger entry,
// invalid values) are Invalid and the ledger's no-overdraft is Refused.
func KindOf(err error) Kind {
	var ae *Error
	var ps catalog.Problems
	switch {
	case err == nil:
		return Internal
	case errors.As(err, &ae):
		return ae.Kind
	case errors.Is(err, ErrInsufficient), errors.Is(err, ErrNoReservation), errors.Is(err, ErrStepClosed), errors.Is(err, store.ErrLocked),
		errors.Is(err, ErrChanged):
		return Refused
	case errors.Is(err, store.ErrWrongKey):
		return Invalid
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrUnknownScheme), errors.Is(err, ErrBadEntry),
		errors.Is(err, ErrImportInput), errors.As(err, &ps):
		return Invalid
	}
	return Internal
}

// notFound is ErrNotFound for what on field.
func notFound(field, msg string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Msg: msg, Args: args, Err: fmt.Errorf("%w", ErrNotFound)}
}

// Message names the error's catalogue message (present.Messager).
func (e *Error) Message() (string, []any) { return e.Msg, e.Args }
