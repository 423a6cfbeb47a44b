package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// maxCredentialFile bounds what credential import reads (images are inline).
const maxCredentialFile = 32 << 20

func newCredentialImportCmd(a *invocation) *cobra.Command {
	var format string
	var asJSON, confirmLearner bool
	cmd := &cobra.Command{
		Use:   "import ID FILE",
		Short: "Put an earned credential (ELM/EDC JSON-LD or Open Badges 3.0, signed or not) on the person's file; its skills join theirs",
		Long: "Import an issued credential onto a person's file with all eleven Annex I elements and the grade,\n" +
			"reusing the register's ELM and Open Badges 3.0 parsers (wallet extensions included: ECTS, study-load\n" +
			"hours, EQF/NLQF level, participation form, assessment and quality assurance). A signed credential\n" +
			"(JWS compact or JSON serialisation, JAdES) is opened; its signature is recorded as \"not verified\n" +
			"offline\". Importing the same credential again changes nothing. A learner name that differs from the\n" +
			"person's name is refused (exit 3) until the counsellor confirms it with --confirm-learner.\n" +
			"Its ESCO skills join the person's skills with evidence \"credential\". Nothing is written unless\n" +
			"every credential in the file is valid.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, file := args[0], args[1]
			f, err := catalog.ParseFormat(format)
			if err != nil {
				return usageErr("--format: %v", err)
			}
			doc, err := readBounded(file, maxCredentialFile)
			if err != nil {
				return usageErr("%s: %v", file, err)
			}
			env, err := catalog.OpenEnvelope(doc)
			if err != nil {
				return usageErr("%s: %v", file, err)
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
				return usageErr("%s: %s", file, a.tr().T("people.err.cred_format", "Format", string(f)))
			}
			if err := errs.Err(); err != nil {
				return usageErr("%v", err)
			}
			if len(offers) == 0 {
				return usageErr("%s: %s", file, a.tr().T("people.err.cred_none"))
			}
			facts, err := catalog.ReadCredentialFacts(payload)
			if err != nil {
				return usageErr("%s: %v", file, err)
			}
			return withPeoplePerson(ctx, a, "ID", id, func(st *app.App, person sessions.Person) error {
				learner := facts.Learner
				if learner != "" && !catalog.SameLearner(learner, person.Name) && !confirmLearner {
					return ruleErr("learner-matches", errors.New(a.tr().T("wallet.err.learner", "Learner", learner, "Person", person.Name)))
				}
				if learner == "" {
					learner = facts.LearnerID // Annex I 1: an identifier when no name is given
				}
				var creds []sessions.Credential
				for _, o := range offers {
					c := sessions.CredentialFromOffer(o, learner, facts.Issued)
					c.PersonID, c.Source = id, string(f)
					c.NQF, c.Signature, c.SignedBy = facts.NQF, env.Status(), env.Signer
					c.LearnerConfirmed = facts.Learner != "" && confirmLearner && !catalog.SameLearner(facts.Learner, person.Name)
					if facts.Result != "" {
						c.Grade = strings.TrimSpace(facts.Result + " " + paren(c.Grade))
					}
					c.DocumentID, c.ContentHash = facts.DocumentID, facts.ContentHash
					if len(offers) > 1 { // one document, several claims: each its own credential
						c.DocumentID, c.ContentHash = keyed(c.DocumentID, o.SourceID), keyed(c.ContentHash, o.SourceID)
					}
					if err := c.MarkMissing(a.now()).Err(); err != nil {
						return usageErr("%s: %s", file, a.tr().T("people.err.invalid", "Problems", err.Error()))
					}
					creds = append(creds, c)
				}
				got, err := st.AddCredentials(ctx, creds)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, got)
				}
				for _, c := range got {
					if c.AlreadyOnFile {
						fmt.Fprintln(a.stdout, a.tr().T("wallet.already", "ID", c.ID))
						continue
					}
					fmt.Fprintln(a.stdout, a.tr().T("people.credential_added", "ID", c.ID, "Skills", len(c.Skills())))
					if len(c.Missing) > 0 {
						fmt.Fprintln(a.stderr, a.tr().T("people.cred_missing", "Fields", strings.Join(c.Missing, ", ")))
					}
					fmt.Fprintln(a.stderr, a.tr().T("wallet.signature", "Status", c.Signature))
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "auto", "auto, elm or ob3")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the credentials as JSON")
	cmd.Flags().BoolVar(&confirmLearner, "confirm-learner", false, "the counsellor confirms that a learner name differing from the person's is this person")
	return cmd
}

// readBounded reads a file of at most limit bytes, refusing a larger one
// without reading it whole.
func readBounded(path string, limit int64) ([]byte, error) {
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
