package store

import (
	"context"
	"fmt"

	"github.com/koers-project/koers/sessions"
)

// expectKey carries the version of a record an edit was based on (see
// ExpectVersion).
type expectKey struct{ id string }

// ExpectVersion is ctx with a precondition on the record id (a plan): an
// update of it through ctx is refused with a *sessions.ChangedError unless
// its stored version is still version — the If-Match of an edit made on a
// screen that showed that version. The plan's use-cases (move, drop,
// reserve, accept …) take ids, not the plan, so the version the editor saw
// travels with the request rather than through every signature.
func ExpectVersion(ctx context.Context, id string, version int64) context.Context {
	if version <= 0 {
		return ctx
	}
	return context.WithValue(ctx, expectKey{id}, version)
}

// ExpectedVersion is the version ctx expects of id, if any.
func ExpectedVersion(ctx context.Context, id string) (int64, bool) {
	v, ok := ctx.Value(expectKey{id}).(int64)
	return v, ok
}

// changedError reads who last changed the row id of table (people or
// plans) for a refused edit based on version read.
func changedError(ctx context.Context, q rowQuerier, table, what, id string, read int64) error {
	var now int64
	var by, at string
	err := q.QueryRowContext(ctx, `SELECT version, updated_by, updated_at FROM `+table+` WHERE id=?`, id).Scan(&now, &by, &at)
	if err != nil {
		return fmt.Errorf("read %s %s: %w", what, id, mapErr(err))
	}
	return &sessions.ChangedError{What: what, ID: id, Read: read, Now: now, By: by, At: readStamp(at)}
}
