package store

import (
	"context"
	"strings"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/vault"
)

// The engine-neutral part of encryption at rest, shared by this store and
// the PostgreSQL store (store/postgres): which columns are sealed, how a
// value is sealed and opened for its row, the key state a process holds,
// how a key change reseals every value, and how a sealed people search
// filters its candidates. Each engine keeps only its SQL.

// SealedColumn is one column of personal data sealed at rest. AD is the
// SQL (SQLite's; PostgreSQL casts its uuid ids to text) of the row's
// stable id that binds a value to its row: the primary key, never a rowid
// that may change.
type SealedColumn struct {
	Table, Column, AD string
}

// SealedColumns are every column sealed once encryption is on, on both
// engines (README, Encryption at rest).
func SealedColumns() []SealedColumn { return append([]SealedColumn(nil), sealedColumns...) }

// Sealer seals and opens the values of one operation; the zero Sealer is a
// database in clear.
type Sealer = seals

// NewSealer is the sealer of box (nil: in clear).
func NewSealer(box *vault.Box) Sealer { return seals{box: box} }

// Box is the sealer's data key box (nil in clear).
func (z seals) Box() *vault.Box { return z.box }

// Seal is v sealed for table.column of row id (v itself in clear).
func (z seals) Seal(v, table, column, id string) string { return z.seal(v, table, column, id) }

// Open is the clear value of v read from table.column of row id; a sealed
// value in a store without the key is ErrLocked.
func (z seals) Open(v, table, column, id string) (string, error) { return z.open(v, table, column, id) }

// OpenFields opens several sealed columns of one row in place.
func (z seals) OpenFields(table, id string, fs ...Field) error { return z.openFields(table, id, fs...) }

// Field is one sealed column of a row, opened in place by OpenFields.
type Field = field

// SealField is column's value at v.
func SealField(column string, v *string) Field { return field{column, v} }

// SealRequest seals the free text of a held ledger entry (reason, funder)
// for its row, in place.
func SealRequest(z Sealer, r *sessions.LedgerRequest) {
	r.Reason = z.Seal(r.Reason, "ledger_requests", "reason", r.ID)
	r.Funder = z.Seal(r.Funder, "ledger_requests", "funder", r.ID)
}

// OpenRequest opens a held ledger entry read from the database, with its
// decision's reason, in place.
func OpenRequest(z Sealer, r *sessions.LedgerRequest) error {
	if err := z.OpenFields("ledger_requests", r.ID, SealField("reason", &r.Reason), SealField("funder", &r.Funder)); err != nil {
		return err
	}
	if r.Decision != nil {
		return z.OpenFields("ledger_decisions", r.Decision.ID, SealField("reason", &r.Decision.Reason))
	}
	return nil
}

// OpenAudit opens an audit row's break-glass reason in place.
func OpenAudit(z Sealer, e *AuditEntry) error {
	return z.OpenFields("audit_log", e.ID, SealField("reason", &e.Reason))
}

// Keyring is a store's state of encryption, shared by the views of one
// store: whether the database holds wraps, and the data key once unlocked.
type Keyring = keyring

// NewKeyring is the state of a database read at open: tables says the
// schema has the vault's tables, on that it holds wraps.
func NewKeyring(tables, on bool) *Keyring { return &keyring{tables: tables, on: on} }

// State is the keyring's state at one moment.
func (k *keyring) State() (tables, on bool, box *vault.Box, dek []byte) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.tables, k.on, k.box, k.dek
}

// Encrypted reports whether the database's personal data is sealed.
func (k *keyring) Encrypted() bool { _, on, _, _ := k.State(); return on }

// Unlocked reports whether personal data can be read and written.
func (k *keyring) Unlocked() bool { _, on, box, _ := k.State(); return !on || box != nil }

// KeyID names the data key once unlocked ("" otherwise).
func (k *keyring) KeyID() string {
	if _, _, box, _ := k.State(); box != nil {
		return box.ID()
	}
	return ""
}

// SetKey records the data key an unlock opened.
func (k *keyring) SetKey(box *vault.Box, dek []byte) {
	k.mu.Lock()
	k.box, k.dek = box, dek
	k.mu.Unlock()
}

// ReadSealer is the sealer of a read: ErrLocked when the database is
// encrypted and the key was not given.
func (k *keyring) ReadSealer() (Sealer, error) {
	_, on, box, _ := k.State()
	if on && box == nil {
		return seals{}, ErrLocked
	}
	return seals{box: box}, nil
}

// LenientSealer is the sealer of a read whose sealed values are often
// empty (an audit row's reason): no key is needed until a value is sealed.
func (k *keyring) LenientSealer() Sealer {
	_, _, box, _ := k.State()
	return seals{box: box}
}

// TakeOver makes box the keyring's key from now on, holding every other
// user of the keyring off until done is called: a key change calls it
// inside its transaction, just before the commit, so that no one seals
// with the old key after the rows moved to the new; done(false) (the
// commit failed) puts the old key back.
func (k *keyring) TakeOver(box *vault.Box, dek []byte) (done func(committed bool)) {
	k.mu.Lock()
	prevOn, prevBox, prevDEK := k.on, k.box, k.dek
	k.on, k.box, k.dek = true, box, dek
	return func(committed bool) {
		if !committed {
			k.on, k.box, k.dek = prevOn, prevBox, prevDEK
		}
		k.mu.Unlock()
	}
}

// SealedRow is one row's value of a sealed column: Key locates the row for
// the engine's update, ID is the row id the value is sealed for.
type SealedRow struct {
	Key  any
	ID   string
	Text string
}

// Resealer is what Reseal asks of an engine inside the transaction of a
// key change.
type Resealer interface {
	// SealedRows are every row of c (with a value or not).
	SealedRows(ctx context.Context, c SealedColumn) ([]SealedRow, error)
	// WriteSealed replaces row's value of c with text.
	WriteSealed(ctx context.Context, c SealedColumn, row SealedRow, text string) error
	// ReplaceTokens drops the whole blind index and writes, with to, the
	// tokens of every person's name and e-mail (by person id).
	ReplaceTokens(ctx context.Context, to Sealer, people map[string][2]string) error
}

// Reseal opens every sealed value with from and seals it with to, and
// rebuilds the blind index; it returns how many values it sealed. A value
// that does not open (changed, moved, or sealed-looking in a clear
// database) stops it: the caller's transaction then rolls back whole.
func Reseal(ctx context.Context, r Resealer, from, to Sealer) (int, error) {
	people := map[string][2]string{}
	n := 0
	for _, c := range sealedColumns {
		rows, err := r.SealedRows(ctx, c)
		if err != nil {
			return n, err
		}
		for _, row := range rows {
			plain, err := from.Open(row.Text, c.Table, c.Column, row.ID)
			if err != nil {
				return n, err
			}
			if c.Table == "people" && (c.Column == "name" || c.Column == "email") {
				p := people[row.ID]
				if c.Column == "name" {
					p[0] = plain
				} else {
					p[1] = plain
				}
				people[row.ID] = p
			}
			if plain == "" {
				continue
			}
			if err := r.WriteSealed(ctx, c, row, to.Seal(plain, c.Table, c.Column, row.ID)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, r.ReplaceTokens(ctx, to, people)
}

// SealedQuery is what a sealed people search asks the blind index: the
// tokens every candidate must hold (none: every person is a candidate),
// and the query as a person id's prefix ("" when it cannot be one).
func SealedQuery(z Sealer, query string) (tokens []string, idPrefix string) {
	for _, w := range vault.Words(query) {
		if t, ok := z.box.QueryToken(w); ok {
			tokens = append(tokens, t)
		}
	}
	idPrefix = strings.ToLower(strings.TrimSpace(query))
	if len(idPrefix) < 4 || strings.Trim(idPrefix, "0123456789abcdef-") != "" {
		idPrefix = ""
	}
	return tokens, idPrefix
}

// SealedMatch reports whether a candidate of a sealed people search, its
// name and e-mail opened, matches query: every word a prefix of a word of
// the name or e-mail, or the query its id's prefix.
func SealedMatch(query, idPrefix string, ps sessions.PersonSummary) bool {
	return vault.Matches(query, ps.Name, ps.Email) || (idPrefix != "" && strings.HasPrefix(ps.ID, idPrefix))
}

// DraftID is the row id a draft's body is sealed for (drafts are keyed by
// person and kind).
func DraftID(personID, kind string) string { return draftID(personID, kind) }
