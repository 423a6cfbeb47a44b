package catalog

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const credJSON = `{"id":"urn:credential:1","credentialSubject":{"fullName":{"en":"Ana Andromeda"}},"issuanceDate":"2023-09-27T13:54:17+02:00"}`

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestOpenEnvelope(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		signed  bool
		form    string
		alg     string
		wantErr bool
	}{
		{"plain credential", credJSON, false, "", "", false},
		{"compact", b64(`{"alg":"ES256"}`) + "." + b64(credJSON) + "." + b64("sig"), true, "JWS compact", "ES256", false},
		{"compact padded", base64.URLEncoding.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + base64.URLEncoding.EncodeToString([]byte(credJSON)) + ".c2ln", true, "JWS compact", "RS256", false},
		{"JSON general, unencoded payload (JAdES)", `{"payload":` + quote(credJSON) + `,"signatures":[{"protected":"` + b64(`{"alg":"RS256","b64":false,"sigT":"2023-09-27T11:54:17Z"}`) + `","signature":"x"}]}`, true, "JWS JSON", "RS256", false},
		{"JSON flattened, base64url payload", `{"payload":"` + b64(credJSON) + `","protected":"` + b64(`{"alg":"EdDSA"}`) + `","signature":"x"}`, true, "JWS JSON", "EdDSA", false},
		{"VC-JWT claims in a compact JWS", b64(`{"alg":"ES256"}`) + "." + b64(`{"iss":"did:x","vc":`+credJSON+`}`) + ".c2ln", true, "JWS compact", "ES256", false},
		{"compact with a bad header", "!!!." + b64(credJSON) + ".c2ln", false, "", "", true},
		{"compact whose payload is not JSON", b64(`{"alg":"ES256"}`) + "." + b64("hello") + ".c2ln", false, "", "", true},
		{"payload not a string", `{"payload":5,"signatures":[]}`, false, "", "", true},
		{"signatures not a list", `{"payload":"e30","signatures":{}}`, false, "", "", true},
		{"empty", "  ", false, "", "", true},
		{"not a credential at all", "source_id,title\n", false, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := OpenEnvelope([]byte(tt.doc))
			if tt.wantErr {
				if !errors.Is(err, ErrEnvelope) {
					t.Fatalf("got %v, want ErrEnvelope", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if env.Signed != tt.signed || env.Form != tt.form || env.Alg != tt.alg {
				t.Fatalf("got signed %v form %q alg %q", env.Signed, env.Form, env.Alg)
			}
			if tt.signed {
				if string(env.Payload) != credJSON || env.Status() != SignatureNotVerified {
					t.Fatalf("payload %q status %q", env.Payload, env.Status())
				}
				f, err := ReadCredentialFacts(env.Payload)
				if err != nil || f.Learner != "Ana Andromeda" || f.Issued.String() != "2023-09-27" || f.DocumentID != "urn:credential:1" {
					t.Fatalf("facts %+v %v", f, err)
				}
			} else if env.Status() != SignatureNone {
				t.Fatalf("status %q", env.Status())
			}
		})
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// TestSignedSampleEnvelope opens the EU's signed sample: its learner and
// date of issuing come out of the payload; the certificate names the signer.
func TestSignedSampleEnvelope(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedData(t, "elm"), "Sample-MC-Annex1-signed.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	env, err := OpenEnvelope(b)
	if err != nil || !env.Signed || env.Alg != "RS256" || env.Signer == "" || env.SigningTime == "" {
		t.Fatalf("envelope %+v (payload %d bytes), %v", env.Form, len(env.Payload), err)
	}
	f, err := ReadCredentialFacts(env.Payload)
	if err != nil || f.Learner != "Ana Andromeda" || f.Issued.String() != "2023-09-27" || f.NQF != "RQF Level 6" {
		t.Fatalf("facts %+v %v", f, err)
	}
}

func TestCredentialFactsHashIgnoresLayout(t *testing.T) {
	a, _ := ReadCredentialFacts([]byte(credJSON))
	b, _ := ReadCredentialFacts([]byte("{\n  \"issuanceDate\": \"2023-09-27T13:54:17+02:00\",\n  \"credentialSubject\": {\"fullName\": {\"en\": \"Ana Andromeda\"}},\n  \"id\": \"urn:credential:1\"\n}"))
	c, _ := ReadCredentialFacts([]byte(strings.Replace(credJSON, "Ana", "Anna", 1)))
	if a.ContentHash == "" || a.ContentHash != b.ContentHash || a.ContentHash == c.ContentHash {
		t.Fatalf("hashes %s %s %s", a.ContentHash, b.ContentHash, c.ContentHash)
	}
}

func TestSameLearner(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"Ann Peeters", "Ann Peeters", true},
		{"PEETERS, Ann", "ann peeters", true},
		{"Zoë Ünal", "Zoe Unal", true},
		{"Ann Peeters", "Ann Maria Peeters", false},
		{"Jan Jansen", "Ann Peeters", false},
		{"", "", false},
		{"Ann Ann", "Ann Peeters", false},
	} {
		if got := SameLearner(tt.a, tt.b); got != tt.want {
			t.Errorf("SameLearner(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestOB3WalletExtensions: the register import reads the educredentials
// extensions too; what cannot be read with certainty is flagged.
func TestOB3WalletExtensions(t *testing.T) {
	doc := `{"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"name":"ROC X","address":{"addressCountryCode":"NL"}},
"credentialSubject":{"achievement":{"id":"https://x.example/a/1","type":["Achievement"],"achievementType":"MicroCredential","name":"Heftruck",
"creditsAvailable":3,"ECTS":4.5,"SBU":"SBU 240","participationType":"onsite or blended","assessmentType":"portfolio",
"alignment":[{"targetType":"ext:NLQF","targetCode":"4"},{"targetType":"ext:QualityAssurance","targetName":"Keurmerk"}],
"resultDescription":[{"name":"Cijfer","valueMin":"1","valueMax":"10","requiredValue":"5.5"}]}}}`
	offers, errs := parseAll(t, asParser(ParseOB3), strings.NewReader(doc), "b.json", ParseOptions{})
	if len(errs) > 0 || len(offers) != 1 {
		t.Fatalf("offers %d, errors %v", len(offers), errs)
	}
	o := offers[0]
	if o.ECTS == nil || *o.ECTS != 4.5 || o.Hours == nil || *o.Hours != 240 || o.EQF != 4 || o.Mode != "" || o.Assessment != "portfolio" || o.QA != "Keurmerk" || o.Grade != "Cijfer 1–10 (pass 5.5)" {
		t.Fatalf("offer %+v", o)
	}
	flags := strings.Join(o.Flags, "\n")
	for _, w := range []string{"ECTS 4.5 differs from creditsAvailable 3", "read from NLQF 4", "level: NLQF 4", `participationType "onsite or blended"`} {
		if !strings.Contains(flags, w) {
			t.Errorf("flags lack %q:\n%s", w, flags)
		}
	}
	if strings.Contains(flags, "not an ESCO skill") {
		t.Errorf("an extension alignment was flagged as a skill:\n%s", flags)
	}
}

// FuzzOpenEnvelope: any input opens or is refused with ErrEnvelope, never
// panics; an opened signed envelope's payload is a JSON object.
func FuzzOpenEnvelope(f *testing.F) {
	for _, s := range []string{
		credJSON,
		b64(`{"alg":"ES256"}`) + "." + b64(credJSON) + "." + b64("sig"),
		`{"payload":` + quote(credJSON) + `,"signatures":[{"protected":"` + b64(`{"alg":"RS256","b64":false}`) + `"}]}`,
		`{"payload":"` + b64(credJSON) + `","protected":"` + b64(`{"alg":"EdDSA","x5c":["AAAA"]}`) + `"}`,
		"a.b.c", "..", `{"payload":""}`, `{"vc":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		env, err := OpenEnvelope(doc)
		if err != nil {
			if !errors.Is(err, ErrEnvelope) {
				t.Fatalf("error %v is not ErrEnvelope", err)
			}
			return
		}
		if env.Signed && len(strings.TrimSpace(string(env.Payload))) == 0 {
			t.Fatalf("a signed envelope opened to an empty payload")
		}
		_, _ = ReadCredentialFacts(env.Payload)
	})
}

// FuzzCredentialFacts: any payload yields facts or an error, never a
// panic, and a date only when it is a real date.
func FuzzCredentialFacts(f *testing.F) {
	for _, s := range []string{credJSON, `{"credentialSubject":[{"identifier":[{"identityType":"name","identityHash":"A"}]}]}`, `[]`, `{"validFrom":"2026-13-40"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		facts, err := ReadCredentialFacts(doc)
		if err == nil && !facts.Issued.IsZero() && len(facts.Issued.String()) != 10 {
			t.Fatalf("date %q", facts.Issued)
		}
	})
}
