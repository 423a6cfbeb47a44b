package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// maxCredentialFile bounds what credential import reads (images are inline).
const maxCredentialFile = 32 << 20

// credentialHolder reads what a credential says about its learner and its
// date of issuing (Annex I elements 1 and 5), which the register parsers
// leave out: an offer has neither.
func credentialHolder(doc []byte) (learner string, issued catalog.Date) {
	var d struct {
		Subject     map[string]any `json:"credentialSubject"`
		Awarded     string         `json:"awardedDate"`
		IssuanceDay string         `json:"issuanceDate"`
		Issued      string         `json:"issued"`
		ValidFrom   string         `json:"validFrom"`
	}
	if json.Unmarshal(doc, &d) != nil {
		return "", catalog.Date{}
	}
	for _, s := range []string{d.Awarded, d.IssuanceDay, d.Issued, d.ValidFrom} {
		if len(s) >= 10 {
			if v, err := catalog.ParseDate(s[:10]); err == nil {
				issued = v
				break
			}
		}
	}
	text := func(v any) string {
		switch v := v.(type) {
		case string:
			return v
		case map[string]any: // a language map: English first, else any
			if s, ok := v["en"].(string); ok {
				return s
			}
			for _, x := range v {
				if s, ok := x.(string); ok {
					return s
				}
			}
		}
		return ""
	}
	s := d.Subject
	switch {
	case text(s["fullName"]) != "":
		learner = text(s["fullName"])
	case text(s["givenName"])+text(s["familyName"]) != "":
		learner = strings.TrimSpace(text(s["givenName"]) + " " + text(s["familyName"]))
	case text(s["name"]) != "":
		learner = text(s["name"])
	default:
		learner = text(s["id"]) // OB3 often identifies the learner by id alone
	}
	return learner, issued
}

func newCredentialImportCmd(a *invocation) *cobra.Command {
	var format string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "import ID FILE",
		Short: "Put an earned credential (ELM/EDC JSON-LD or Open Badges 3.0) on the person's file; its skills join theirs",
		Long: "Import an issued credential onto a person's file with all eleven Annex I elements and the grade,\n" +
			"reusing the register's ELM and Open Badges 3.0 parsers. Its ESCO skills join the person's skills\n" +
			"with evidence \"credential\". Nothing is written unless every credential in the file is valid.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, file := args[0], args[1]
			f, err := catalog.ParseFormat(format)
			if err != nil {
				return usageErr("--format: %v", err)
			}
			doc, err := os.ReadFile(file)
			if err != nil {
				return usageErr("%s: %v", file, err)
			}
			if len(doc) > maxCredentialFile {
				return usageErr("%s: larger than %d MB", file, maxCredentialFile>>20)
			}
			if f == catalog.FormatAuto {
				f = catalog.DetectFormat(file, doc[:min(len(doc), 64<<10)])
			}
			var errs catalog.Errs
			var offers []catalog.Offer
			switch f {
			case catalog.FormatELM:
				for o := range catalog.ParseELM(ctx, bytes.NewReader(doc), file, catalog.ParseOptions{}, &errs) {
					offers = append(offers, o)
				}
			case catalog.FormatOB3:
				for o := range catalog.ParseOB3(ctx, bytes.NewReader(doc), file, catalog.ParseOptions{}, &errs) {
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
			learner, issued := credentialHolder(doc)
			return withPeoplePerson(ctx, a, "ID", id, func(st *app.App, _ sessions.Person) error {
				var creds []sessions.Credential
				for _, o := range offers {
					c := sessions.CredentialFromOffer(o, learner, issued)
					c.PersonID, c.Source = id, string(f)
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
					fmt.Fprintln(a.stdout, a.tr().T("people.credential_added", "ID", c.ID, "Skills", len(c.Skills())))
					if len(c.Missing) > 0 {
						fmt.Fprintln(a.stderr, a.tr().T("people.cred_missing", "Fields", strings.Join(c.Missing, ", ")))
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "auto", "auto, elm or ob3")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the credentials as JSON")
	return cmd
}
