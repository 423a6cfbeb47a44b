package cli

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// walletCredential is the JSON of a credential on a person's file.
type walletCredential struct {
	Learner, Issued, Mode, Assessment, Grade, Supervision string
	QA                                                    string `json:"quality_assurance"`
	NQF                                                   string `json:"nqf"`
	Signature                                             string `json:"signature"`
	SignedBy                                              string `json:"signed_by"`
	DocumentID                                            string `json:"document_id"`
	ECTS, Hours                                           *float64
	EQF                                                   *int
	Missing                                               []string
	LearnerConfirmed                                      bool `json:"learner_confirmed"`
	AlreadyOnFile                                         bool `json:"already_on_file"`
}

func credentialsOf(t *testing.T, db, id string) []walletCredential {
	t.Helper()
	code, out, errs := peopleCLI(t, db, "", "person", "show", id, "--json")
	if code != 0 {
		t.Fatalf("person show: %d %s", code, errs)
	}
	var v struct{ Credentials []walletCredential }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v.Credentials
}

// jwsCompact wraps a document in a compact JWS (header.payload.signature);
// the signature is not valid, which koers says it does not check.
func jwsCompact(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	p := filepath.Join(t.TempDir(), "signed.jws")
	jws := enc([]byte(`{"alg":"ES256","typ":"JWT"}`)) + "." + enc(b) + "." + enc([]byte("not-a-real-signature"))
	if err := os.WriteFile(p, []byte(jws), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWalletCredentials imports hand-written credentials in the shape of
// the Dutch educredentials OB3 extensions: ECTS 4.5, study-load hours 240
// ("SBU 240"), an NLQF level, forms of participation, assessment and QA;
// a re-import (and the same credential in a JWS envelope) is a no-op; a
// different learner name needs the counsellor's confirmation.
func TestWalletCredentials(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	id := addPersonCLI(t, db, "Ann Peeters")
	ho := filepath.Join("testdata", "wallet", "ob3-ho-ects.json")
	mbo := filepath.Join("testdata", "wallet", "ob3-mbo-sbu.json")
	other := filepath.Join("testdata", "wallet", "ob3-other-learner.json")
	imp := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := peopleCLI(t, db, "", append([]string{"person", "credential", "import", id}, args...)...)
		if code != want {
			t.Fatalf("import %v: exit %d, want %d\n%s%s", args, code, want, out, errs)
		}
		return out + errs
	}
	imp(0, ho)
	imp(0, mbo)
	cs := credentialsOf(t, db, id)
	if len(cs) != 2 {
		t.Fatalf("credentials %+v", cs)
	}
	byTitle := map[bool]walletCredential{}
	for _, c := range cs {
		byTitle[c.ECTS != nil] = c
	}
	h := byTitle[true]
	if *h.ECTS != 4.5 || h.EQF == nil || *h.EQF != 6 || h.Mode != "online" || h.Assessment != "testing" ||
		!strings.Contains(h.QA, "NVAO") || !strings.HasPrefix(h.Grade, "8.5") || !strings.Contains(h.Supervision, "identity checked") ||
		h.Signature != "unsigned" || h.Learner != "Ann Peeters" || h.Issued != "2025-06-30" {
		t.Errorf("higher-education credential: %+v", h)
	}
	m := byTitle[false]
	if m.Hours == nil || *m.Hours != 240 || m.NQF != "NLQF 4" || m.EQF == nil || *m.EQF != 4 || m.Mode != "" || !hasString(m.Missing, "mode") || m.Assessment != "application of a skill" {
		t.Errorf("vocational credential (SBU 240, NLQF 4, participation 'onsite or blended' not guessed): %+v", m)
	}

	// Again, as is and signed: nothing changes.
	if out := imp(0, ho); !strings.Contains(out, "already") {
		t.Errorf("re-import: %s", out)
	}
	out := imp(0, jwsCompact(t, ho), "--json")
	var got []walletCredential
	if err := json.Unmarshal([]byte(out[:strings.LastIndexByte(out, ']')+1]), &got); err != nil || len(got) != 1 || !got[0].AlreadyOnFile {
		t.Errorf("the same credential in a JWS: %v %s", err, out)
	}
	if n := len(credentialsOf(t, db, id)); n != 2 {
		t.Errorf("%d credentials after re-imports, want 2", n)
	}

	// Another learner's name: refused until confirmed.
	if out := imp(3, other); !strings.Contains(out, "learner-matches") || !strings.Contains(out, "Jan Jansen") || !strings.Contains(out, "--confirm-learner") {
		t.Errorf("learner mismatch: %s", out)
	}
	if n := len(credentialsOf(t, db, id)); n != 2 {
		t.Errorf("a refused credential was written: %d", n)
	}
	imp(0, other, "--confirm-learner")
	confirmed := false
	for _, c := range credentialsOf(t, db, id) {
		confirmed = confirmed || (c.Learner == "Jan Jansen" && c.LearnerConfirmed)
	}
	if !confirmed {
		t.Errorf("confirmed credential not recorded as confirmed: %+v", credentialsOf(t, db, id))
	}
}

// TestSignedELMSample: the EU's signed (JAdES) sample keeps its learner and
// date of issuing, its signature is recorded as not verified, and a second
// import is a no-op.
func TestSignedELMSample(t *testing.T) {
	p := filepath.Join("..", "..", "shared", "data", "elm", "Sample-MC-Annex1-signed.jsonld")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data not here (%v): see ../shared/data/README.md", err)
	}
	db := filepath.Join(t.TempDir(), "k.db")
	id := addPersonCLI(t, db, "Ana Andromeda")
	for range 2 {
		if code, out, errs := peopleCLI(t, db, "", "person", "credential", "import", id, p); code != 0 {
			t.Fatalf("import: %d %s%s", code, out, errs)
		}
	}
	cs := credentialsOf(t, db, id)
	if len(cs) != 1 {
		t.Fatalf("%d credentials after two imports, want 1: %+v", len(cs), cs)
	}
	c := cs[0]
	if c.Learner != "Ana Andromeda" || c.Issued != "2023-09-27" || c.Signature != "signed, not verified offline" || c.SignedBy == "" ||
		c.ECTS == nil || *c.ECTS != 2 || !strings.HasPrefix(c.DocumentID, "urn:credential:") {
		t.Errorf("signed sample: %+v", c)
	}
}
