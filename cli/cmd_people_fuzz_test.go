package cli

import (
	"strings"
	"testing"
)

// FuzzParseItem checks --goal/--action values never panic and that an
// accepted item's keys are the allowed ones.
func FuzzParseItem(f *testing.F) {
	for _, s := range []string{"enrol|due=2026-12-17|owner=person", "x", "|", "a|b", "a|due=", "a|offer=o|type=enrol|status=open"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sum, kv, err := parseItem("--action", s, "due", "owner", "offer", "type", "status")
		if err != nil {
			return
		}
		if strings.Contains(sum, "|") {
			t.Fatalf("summary %q keeps a separator", sum)
		}
		for k := range kv {
			if !hasString([]string{"due", "owner", "offer", "type", "status"}, k) {
				t.Fatalf("key %q accepted", k)
			}
		}
	})
}

// FuzzCredentialHolder checks that any document, JSON or not, yields a
// learner and date without panicking, and a date only when it parses.
func FuzzCredentialHolder(f *testing.F) {
	for _, s := range []string{
		`{"credentialSubject":{"fullName":{"en":"Ana Andromeda"}},"validFrom":"2022-12-31T23:00:00Z"}`,
		`{"credentialSubject":{"givenName":"Joe","familyName":"Doe"},"awardedDate":"2026-01-12"}`,
		`{"credentialSubject":{"id":"urn:uuid:1"},"issuanceDate":"2026-13-40T00:00:00Z"}`,
		`{"credentialSubject":[1,2]}`, `[]`, `not json`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		_, issued := credentialHolder(doc)
		if !issued.IsZero() && len(issued.String()) != 10 {
			t.Fatalf("date %q", issued)
		}
	})
}
