package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// CredentialFacts is what an issued credential says beyond the
// achievement the register parsers read: the learner (Annex I 1), the date
// of issuing (5), the level in a national framework, the learner's result,
// and what identifies the document, so that importing it again onto the
// same file is a no-op.
type CredentialFacts struct {
	// DocumentID is the credential's own id ("urn:credential:…").
	DocumentID string
	// ContentHash is the SHA-256 of the payload in a canonical form
	// (members sorted, no insignificant space): the same credential
	// re-exported by a wallet keeps it.
	ContentHash string
	// Learner is the learner's name; LearnerID the subject id (OB3 often
	// identifies a learner by id alone, which is not a name).
	Learner, LearnerID string
	Issued             Date
	// NQF is the level in a national framework ("NLQF 4"), if stated.
	NQF string
	// Result is the learner's result ("8.5"), with its scheme if stated.
	Result string
}

// ReadCredentialFacts reads the facts of a credential payload (an opened
// envelope's, see OpenEnvelope). Absent facts stay empty.
func ReadCredentialFacts(payload []byte) (CredentialFacts, error) {
	var f CredentialFacts
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return f, fmt.Errorf("credential is not a JSON object: %w", err)
	}
	canon, err := json.Marshal(doc) // maps marshal with sorted keys
	if err != nil {
		return f, fmt.Errorf("credential: %w", err)
	}
	sum := sha256.Sum256(canon)
	f.ContentHash = "sha256:" + hex.EncodeToString(sum[:])
	f.DocumentID = str(doc["id"])
	for _, k := range []string{"awardedDate", "issuanceDate", "issued", "validFrom"} {
		if s := str(doc[k]); len(s) >= 10 {
			if v, err := ParseDate(s[:10]); err == nil {
				f.Issued = v
				break
			}
		}
	}
	subj, _ := doc["credentialSubject"].(map[string]any)
	if l, ok := doc["credentialSubject"].([]any); ok && len(l) > 0 {
		subj, _ = l[0].(map[string]any)
	}
	if subj == nil {
		return f, nil
	}
	f.LearnerID = str(subj["id"])
	switch {
	case text(subj["fullName"], "en") != "":
		f.Learner = text(subj["fullName"], "en")
	case text(subj["givenName"], "en")+text(subj["familyName"], "en") != "":
		f.Learner = strings.TrimSpace(text(subj["givenName"], "en") + " " + text(subj["familyName"], "en"))
	case text(subj["name"], "en") != "":
		f.Learner = text(subj["name"], "en")
	}
	if id, ok := subj["identifier"].([]any); ok && f.Learner == "" { // OB3 IdentityObject with a name
		for _, x := range id {
			if m, ok := x.(map[string]any); ok && strings.EqualFold(str(m["identityType"]), "name") && str(m["hashed"]) != "true" {
				f.Learner = str(m["identityHash"])
			}
		}
	}
	if ach, ok := subj["achievement"].(map[string]any); ok {
		for _, al := range asList(ach["alignment"]) {
			if m, ok := al.(map[string]any); ok {
				switch strings.ToLower(str(m["targetType"])) {
				case "ext:nlqf", "ext:nqf":
					if lv, ok := levelOf(str(m["targetCode"])); ok {
						f.NQF = fmt.Sprintf("NLQF %d", lv)
						if strings.EqualFold(str(m["targetType"]), "ext:nqf") {
							f.NQF = fmt.Sprintf("NQF %d", lv)
						}
					}
				}
			}
		}
	}
	if f.NQF == "" { // ELM: the one claim's specification names its national level
		if claims := asList(subj["hasClaim"]); len(claims) == 1 {
			if c, ok := claims[0].(map[string]any); ok {
				if spec, ok := c["specifiedBy"].(map[string]any); ok {
					for _, l := range asList(spec["nqfLevel"]) {
						if m, ok := l.(map[string]any); ok && text(m["prefLabel"], "en") != "" {
							f.NQF = text(m["prefLabel"], "en")
							break
						}
					}
				}
			}
		}
	}
	for _, r := range asList(subj["result"]) {
		if m, ok := r.(map[string]any); ok && str(m["value"]) != "" {
			f.Result = str(m["value"])
			break
		}
	}
	return f, nil
}

func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	}
	return []any{v}
}

// SameLearner reports whether a credential's learner name and a person's
// name are the same name: the same words, in any order, ignoring case,
// accents and punctuation ("Peeters, Ann" is "Ann Peeters").
func SameLearner(a, b string) bool {
	ta, tb := nameTokens(a), nameTokens(b)
	if len(ta) == 0 || len(ta) != len(tb) {
		return false
	}
	seen := map[string]int{}
	for _, t := range ta {
		seen[t]++
	}
	for _, t := range tb {
		if seen[t] == 0 {
			return false
		}
		seen[t]--
	}
	return true
}

func nameTokens(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
}
