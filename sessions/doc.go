// Package sessions is the person side of koers, as plain types and pure
// functions (no SQL, no terminal): people and their consents, learning
// accounts with their append-only ledger, earned credentials, guidance
// sessions with goals and agreed actions, and learning plans.
//
// Amounts are integer minor units of the scheme's unit: cents for EUR,
// minutes for hours, whole days for days.
package sessions
