package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

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
			return withPeoplePerson(ctx, a, "ID", id, func(st *app.App, _ sessions.Person) error {
				got, err := st.ImportCredential(ctx, id, file, app.CredentialImport{Format: format, ConfirmLearner: confirmLearner})
				if app.IsLearnerMismatch(err) {
					var ae *app.Error
					errors.As(err, &ae)
					return ruleErr(app.RuleLearnerMatches, errors.New(a.tr().T("wallet.err.learner", ae.Args...)))
				}
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
