package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// MaxCredentialFile bounds what a credential import reads (badge images
// are inline, so real files run to a few megabytes).
const MaxCredentialFile = 32 << 20

// RuleLearnerMatches is the rule that refuses a credential whose learner
// name differs from the person's until the counsellor confirms it.
const RuleLearnerMatches = "learner-matches"

// CredentialImport is what an earned-credential import needs besides the
// person and the file.
type CredentialImport struct {
	// Format is "auto", "elm" or "ob3".
	Format string
	// ConfirmLearner records that the counsellor confirmed a learner name
	// that differs from the person's: without it the import is refused.
	ConfirmLearner bool
}

// ImportCredential puts the earned credential(s) of a file (ELM/EDC
// JSON-LD or Open Badges 3.0, signed or not) on a person's file, with every
// Annex I element the document states; what it does not state is listed as
// missing, never invented. The same document again changes nothing (the
// result says AlreadyOnFile). A learner name that differs from the
// person's is refused by RuleLearnerMatches unless in.ConfirmLearner.
// Nothing is written unless every credential of the file is valid. Every
// face (the CLI's person credential import, the TUI's person screen) calls
// this.
func (a *App) ImportCredential(ctx context.Context, personID, file string, in CredentialImport) ([]sessions.Credential, error) {
	f, err := catalog.ParseFormat(in.Format)
	if err != nil {
		return nil, invalid("format", "", err)
	}
	doc, err := ReadBounded(file, MaxCredentialFile)
	if err != nil {
		return nil, invalid("", "", fmt.Errorf("%s: %w", file, err))
	}
	env, err := catalog.OpenEnvelope(doc)
	if err != nil {
		return nil, invalid("", "", fmt.Errorf("%s: %w", file, err))
	}
	payload := env.Payload
	if f == catalog.FormatAuto {
		f = catalog.DetectFormat(file, payload[:min(len(payload), 64<<10)])
	}
	var errs catalog.Errs
	var offers []catalog.Offer
	switch f {
	case catalog.FormatELM:
		for o := range catalog.ParseELM(ctx, bytes.NewReader(payload), file, catalog.ParseOptions{}, &errs) {
			offers = append(offers, o)
		}
	case catalog.FormatOB3:
		for o := range catalog.ParseOB3(ctx, bytes.NewReader(payload), file, catalog.ParseOptions{}, &errs) {
			offers = append(offers, o)
		}
	default:
		return nil, invalid("", "wallet.err.format", nil, "File", file, "Format", string(f))
	}
	if err := errs.Err(); err != nil {
		return nil, invalid("", "", err)
	}
	if len(offers) == 0 {
		return nil, invalid("", "wallet.err.none", nil, "File", file)
	}
	facts, err := catalog.ReadCredentialFacts(payload)
	if err != nil {
		return nil, invalid("", "", fmt.Errorf("%s: %w", file, err))
	}
	person, err := a.MustPerson(ctx, "person", personID)
	if err != nil {
		return nil, err
	}
	learner := facts.Learner
	differs := learner != "" && !catalog.SameLearner(learner, person.Name)
	if differs && !in.ConfirmLearner {
		return nil, refused(RuleLearnerMatches, "wallet.err.learner_differs", nil, "Learner", learner, "Person", person.Name)
	}
	if learner == "" {
		learner = facts.LearnerID // Annex I 1: an identifier when no name is given
	}
	var creds []sessions.Credential
	for _, o := range offers {
		c := sessions.CredentialFromOffer(o, learner, facts.Issued)
		c.PersonID, c.Source = personID, string(f)
		c.NQF, c.Signature, c.SignedBy = facts.NQF, env.Status(), env.Signer
		c.LearnerConfirmed = differs && in.ConfirmLearner
		if facts.Result != "" {
			c.Grade = strings.TrimSpace(facts.Result + " " + paren(c.Grade))
		}
		c.DocumentID, c.ContentHash = facts.DocumentID, facts.ContentHash
		if len(offers) > 1 { // one document, several claims: each its own credential
			c.DocumentID, c.ContentHash = keyed(c.DocumentID, o.SourceID), keyed(c.ContentHash, o.SourceID)
		}
		if err := c.MarkMissing(a.now()).Err(); err != nil {
			return nil, invalid("", "wallet.err.invalid", err, "File", file, "Problems", err.Error())
		}
		creds = append(creds, c)
	}
	return a.AddCredentials(ctx, creds) // gated (edit) and announced to other sessions
}

// ReadBounded reads a file of at most limit bytes, refusing a larger one
// without reading it whole (every face reads the files people name through it).
func ReadBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d MB", limit>>20)
	}
	return b, nil
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func keyed(k, part string) string {
	if k == "" {
		return ""
	}
	return k + "#" + part
}

// IsLearnerMismatch reports whether err is the refusal of a credential
// whose learner is not the person (the counsellor may confirm it).
func IsLearnerMismatch(err error) bool {
	var ae *Error
	return errors.As(err, &ae) && ae.Kind == Refused && ae.Rule == RuleLearnerMatches
}
