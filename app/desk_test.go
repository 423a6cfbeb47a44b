package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// The use-cases the CLI and the TUI share for the rest of a session:
// steps added by hand, a person's other plans, a changed mobility, the
// person's file written out, a credential imported.

func deskApp(t *testing.T) (*App, sessions.Person) {
	t.Helper()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	a := openFresh(t, Options{Actor: "counsellor", Now: func() time.Time { return now }})
	p, err := a.CreatePerson(context.Background(), sessions.Person{Name: "Ann Peeters", Region: "BE21", Mobility: "province"})
	if err != nil {
		t.Fatal(err)
	}
	return a, p
}

func TestAddPlanStep(t *testing.T) {
	ctx := context.Background()
	a, ann := deskApp(t)
	for _, c := range []struct {
		name  string
		in    StepInput
		field string
	}{
		{"unknown kind", StepInput{Kind: "course", Title: "x"}, "kind"},
		{"validation without a title", StepInput{Kind: sessions.KindValidation}, "title"},
		{"offer without an offer", StepInput{Kind: sessions.KindOffer}, "offer"},
		{"no such offer", StepInput{Kind: sessions.KindOffer, OfferID: "nope:1"}, "offer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := a.AddPlanStep(ctx, ann.ID, "", c.in)
			var ae *Error
			if !errors.As(err, &ae) || ae.Kind != Invalid || ae.Field != c.field {
				t.Fatalf("err = %v, want Invalid on %s", err, c.field)
			}
			if ps, _ := a.Plans(ctx, ann.ID); len(ps) != 0 {
				t.Errorf("bad input created %d plans", len(ps))
			}
		})
	}
	p, err := a.AddPlanStep(ctx, ann.ID, "", StepInput{Kind: sessions.KindValidation, Title: " VPL: bookkeeping "})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 1 || p.Steps[0].Kind != sessions.KindValidation || p.Steps[0].Title != "VPL: bookkeeping" {
		t.Fatalf("steps = %+v", p.Steps)
	}
}

func TestNewPlanBesideTheAgreedOne(t *testing.T) {
	ctx := context.Background()
	a, ann := deskApp(t)
	first, err := a.NewPlan(ctx, ann.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.NewPlan(ctx, ann.ID, "Care track")
	if err != nil {
		t.Fatal(err)
	}
	if !first.Agreed || second.Agreed || second.Name != "Care track" {
		t.Fatalf("first %+v, second %+v", first, second)
	}
	// a step goes to the plan asked for, not the current one
	if _, err := a.AddPlanStep(ctx, ann.ID, second.ID, StepInput{Kind: sessions.KindGuidance, Title: "Job coaching"}); err != nil {
		t.Fatal(err)
	}
	ps, _ := a.Plans(ctx, ann.ID)
	if len(ps) != 2 || len(ps[0].Steps) != 0 || len(ps[1].Steps) != 1 {
		t.Fatalf("plans = %+v", ps)
	}
	if _, err := a.NewPlan(ctx, "nobody", ""); KindOf(err) != Invalid {
		t.Errorf("new plan for nobody: %v", err)
	}
}

func TestReachConstraints(t *testing.T) {
	ctx := context.Background()
	a, ann := deskApp(t)
	for _, c := range []struct {
		m       catalog.Mobility
		regions []string
		online  bool
	}{
		{"", nil, false},
		{catalog.MobilityOnline, nil, true},
		{catalog.MobilityProvince, []string{"BE21"}, false},
		{catalog.MobilityAnywhere, []string{AnyRegion}, false},
	} {
		k, err := a.ReachConstraints(ctx, ann.ID, catalog.Constraints{}, c.m)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(k.Regions, c.regions) || (len(k.Modes) == 1 && k.Modes[0] == catalog.ModeOnline) != c.online {
			t.Errorf("%q: %+v", c.m, k)
		}
		// the file's narrower mobility does not come back
		if got, _ := a.SuggestConstraints(ctx, ann.ID, k); c.m == catalog.MobilityAnywhere && !catalog.InReach("NL41", catalog.ModeOnsite, got.Regions) {
			t.Errorf("anywhere still limits: %v", got.Regions)
		}
	}
}

func TestWritePersonFileKeepsAnExistingFile(t *testing.T) {
	ctx := context.Background()
	a, ann := deskApp(t)
	path := filepath.Join(t.TempDir(), "ann.json")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := a.WritePersonFile(ctx, ann.ID, path, false)
	if KindOf(err) != Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Fatalf("file replaced: %q", b)
	}
	if err := a.WritePersonFile(ctx, ann.ID, path, true); err != nil {
		t.Fatal(err)
	}
	log, _ := a.AuditLog(ctx, ann.ID)
	if !slices.ContainsFunc(log, func(e AuditEntry) bool { return e.Action == "export" }) {
		t.Errorf("export not audited: %+v", log)
	}
}

// credentialOB3 is an Open Badges 3.0 credential written by hand, issued
// to another name than the person's.
const credentialOB3 = `{"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
 "id": "urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020100", "type": ["VerifiableCredential", "OpenBadgeCredential"],
 "issuer": {"id": "https://cvo.example.org/i/1", "type": ["Profile"], "name": "CVO Test", "address": {"type": ["Address"], "addressCountryCode": "BE"}},
 "validFrom": "2026-06-30T00:00:00Z",
 "credentialSubject": {"type": ["AchievementSubject"],
  "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": "Jan Jansen"}],
  "achievement": {"id": "https://cvo.example.org/a/7", "type": ["Achievement"], "achievementType": "MicroCredential",
   "name": "Spreadsheets for data work", "criteria": {"narrative": "A practical test."}, "creditsAvailable": 3}}}`

func TestImportCredential(t *testing.T) {
	ctx := context.Background()
	a, ann := deskApp(t)
	file := filepath.Join(t.TempDir(), "badge.json")
	if err := os.WriteFile(file, []byte(credentialOB3), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := a.ImportCredential(ctx, ann.ID, file, CredentialImport{})
	if !IsLearnerMismatch(err) {
		t.Fatalf("err = %v, want the learner-matches refusal", err)
	}
	if cs, _ := a.Credentials(ctx, ann.ID); len(cs) != 0 {
		t.Fatalf("written before the counsellor confirmed: %+v", cs)
	}
	got, err := a.ImportCredential(ctx, ann.ID, file, CredentialImport{ConfirmLearner: true})
	if err != nil || len(got) != 1 || !got[0].LearnerConfirmed || got[0].ECTS == nil || *got[0].ECTS != 3 {
		t.Fatalf("import: %v %+v", err, got)
	}
	again, err := a.ImportCredential(ctx, ann.ID, file, CredentialImport{ConfirmLearner: true})
	if err != nil || len(again) != 1 || !again[0].AlreadyOnFile {
		t.Fatalf("again: %v %+v", err, again)
	}
	if _, err := a.ImportCredential(ctx, ann.ID, filepath.Join(t.TempDir(), "none.json"), CredentialImport{}); KindOf(err) != Invalid {
		t.Errorf("missing file: %v", err)
	}
}
