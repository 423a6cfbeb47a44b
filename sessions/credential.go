package sessions

import (
	"fmt"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
)

// Credential is an earned (issued) credential on a person's file, with all
// eleven Annex I elements plus the grade.
type Credential struct {
	ID       string `json:"id"`
	PersonID string `json:"person_id"`

	Learner      string            `json:"learner"`           // 1 identification of the learner
	Title        string            `json:"title"`             // 2
	Country      string            `json:"country"`           // 3 ISO 3166-1 alpha-2
	Region       string            `json:"region,omitempty"`  // 3 NUTS
	AwardingBody string            `json:"awarding_body"`     // 4
	Issued       catalog.Date      `json:"issued"`            // 5
	Outcomes     []catalog.Outcome `json:"learning_outcomes"` // 6
	ECTS         *float64          `json:"ects"`              // 7
	Hours        *float64          `json:"hours"`             // 7
	EQF          catalog.EQF       `json:"eqf"`               // 8
	Assessment   string            `json:"assessment"`        // 9
	Mode         catalog.Mode      `json:"mode"`              // 10
	QA           string            `json:"quality_assurance"` // 11
	Grade        string            `json:"grade,omitempty"`
	Supervision  string            `json:"supervision,omitempty"` // optional: supervision and identity verification
	// NQF is the level in a national framework ("NLQF 4"), as stated.
	NQF string `json:"nqf,omitempty"`

	// DocumentID and ContentHash identify the imported document (the
	// credential's own id, and the SHA-256 of its canonical payload), so
	// that importing it again onto the same file changes nothing.
	DocumentID  string `json:"document_id,omitempty"`
	ContentHash string `json:"content_hash,omitempty"`
	// Signature is the signature status of the document: "unsigned", or
	// "signed, not verified offline" (koers does not verify signatures);
	// SignedBy is who the signature's certificate names, as it claims.
	Signature string `json:"signature,omitempty"`
	SignedBy  string `json:"signed_by,omitempty"`
	// LearnerConfirmed records that the counsellor confirmed a learner
	// name that differs from the person's name.
	LearnerConfirmed bool `json:"learner_confirmed,omitempty"`
	// AlreadyOnFile is set (never stored) when an import found the
	// document on the person's file already and changed nothing.
	AlreadyOnFile bool `json:"already_on_file,omitempty"`

	// Source is how it reached the file: "manual", "elm" or "ob3".
	Source string `json:"source"`
	// Missing lists the mandatory elements an imported credential's document
	// does not state; they stay empty (never invented) and are shown as missing.
	Missing []string `json:"missing,omitempty"`
	// OfferID links the register offer it was earned on, if known.
	OfferID   string    `json:"offer_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// Skills is every distinct skill of the credential's learning outcomes.
func (c *Credential) Skills() []catalog.SkillRef {
	o := catalog.Offer{Outcomes: c.Outcomes}
	return o.Skills()
}

// MsgMissing is the message of a mandatory Annex I element left empty.
const MsgMissing = "is required (Annex I)"

// Validate reports every problem of the credential at once, naming fields.
// The mandatory Annex I elements must be present unless listed in Missing;
// now bounds the issue date.
func (c *Credential) Validate(now time.Time) catalog.Problems {
	var ps catalog.Problems
	add := func(field, format string, args ...any) {
		ps = append(ps, catalog.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	missing := func(field string) {
		if !contains(c.Missing, field) {
			ps = append(ps, catalog.FieldError{Field: field, Msg: MsgMissing})
		}
	}
	req := []struct{ field, v string }{
		{"learner", c.Learner}, {"title", c.Title}, {"country", c.Country},
		{"awarding_body", c.AwardingBody}, {"assessment", c.Assessment}, {"quality_assurance", c.QA},
	}
	for _, r := range req {
		if strings.TrimSpace(r.v) == "" {
			missing(r.field)
		}
	}
	if c.Country != "" && (len(c.Country) != 2 || strings.ToUpper(c.Country) != c.Country) {
		add("country", "%q is not an ISO 3166-1 alpha-2 code", c.Country)
	}
	switch {
	case c.Issued.IsZero():
		missing("issued")
	case c.Issued.After(catalog.DateOf(now)):
		add("issued", "%s is in the future", c.Issued)
	}
	if len(c.Outcomes) == 0 {
		missing("learning_outcomes")
	}
	if c.ECTS == nil && c.Hours == nil {
		missing("ects")
	}
	if c.ECTS != nil && (*c.ECTS < 0 || *c.ECTS > 300) {
		add("ects", "%g is out of range", *c.ECTS)
	}
	if c.Hours != nil && (*c.Hours < 0 || *c.Hours > 10000) {
		add("hours", "%g is out of range", *c.Hours)
	}
	if !c.EQF.Valid() {
		add("eqf", "%d is not an EQF level 1–8", c.EQF)
	}
	switch {
	case c.Mode == "":
		missing("mode")
	case !c.Mode.Valid():
		add("mode", "%q is not a form of participation", c.Mode)
	}
	return ps
}

// MarkMissing records in Missing every mandatory element the credential
// leaves empty (an imported document that does not state it) and returns
// the other problems, which still refuse it.
func (c *Credential) MarkMissing(now time.Time) catalog.Problems {
	var hard catalog.Problems
	for _, p := range c.Validate(now) {
		if p.Msg == MsgMissing {
			c.Missing = append(c.Missing, p.Field)
			continue
		}
		hard = append(hard, p)
	}
	return hard
}

// CredentialFromOffer turns a parsed credential description (an importer's
// Offer) into an earned credential for learner, issued on date.
func CredentialFromOffer(o catalog.Offer, learner string, issued catalog.Date) Credential {
	return Credential{
		Learner: learner, Title: o.Title, Country: o.Country, Region: o.Region,
		AwardingBody: o.AwardingBody, Issued: issued, Outcomes: o.Outcomes,
		ECTS: o.ECTS, Hours: o.Hours, EQF: o.EQF, Assessment: o.Assessment,
		Mode: o.Mode, QA: o.QA, Grade: o.Grade, Supervision: o.Supervision,
	}
}
