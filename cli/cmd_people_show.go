package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// personView is `koers person show --json`: the file with what the
// overview shows beside it.
type personView struct {
	sessions.Person
	Balances    []balanceJSON         `json:"balances"`
	Credentials []sessions.Credential `json:"credentials"`
	OpenActions []sessions.Action     `json:"open_actions"`
	Sessions    int                   `json:"sessions"`
	Next        *time.Time            `json:"next_appointment"`
	// ViewedBy are the looks at the file from outside the caseload, with
	// who, when and the reason given.
	ViewedBy []app.AuditEntry `json:"viewed_outside_caseload"`
	// EraseRequests are the requests that the person be erased, with
	// their decisions.
	EraseRequests []sessions.EraseRequest `json:"erase_requests"`
}

func loadPersonView(ctx context.Context, st *app.App, id string) (personView, error) {
	var v personView
	var err error
	if v.Person, err = st.Person(ctx, id); err != nil {
		return v, err
	}
	bs, err := st.Balances(ctx, id)
	if err != nil {
		return v, err
	}
	for _, b := range bs {
		v.Balances = append(v.Balances, toBalanceJSON(b))
	}
	if v.Credentials, err = st.Credentials(ctx, id); err != nil {
		return v, err
	}
	if v.OpenActions, err = st.OpenActions(ctx, id); err != nil {
		return v, err
	}
	list, err := st.Sessions(ctx, id, false)
	if err != nil {
		return v, err
	}
	v.Sessions = len(list)
	if n, err := st.NextAppointment(ctx, id); err == nil && !n.IsZero() {
		v.Next = &n
	}
	if v.ViewedBy, err = st.GlassViews(ctx, id); err != nil {
		return v, err
	}
	if v.EraseRequests, err = st.EraseRequests(ctx, id); err != nil {
		return v, err
	}
	return v, st.Audit(ctx, id, "view", "person file")
}

func newPersonShowCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "A person's file: profile, balances, credentials, open actions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withPeoplePerson(ctx, a, "ID", args[0], func(st *app.App, _ sessions.Person) error {
				v, err := loadPersonView(ctx, st, args[0])
				if err != nil {
					return err
				}
				bs, err := st.Balances(ctx, args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, v)
				}
				tr, pr := a.tr(), a.printer()
				w := a.stdout
				// labels, not codes or URIs (issue 13)
				label := func(uri string) string {
					if l, err := st.ConceptLabel(ctx, uri, tr.Lang()); err == nil && l != "" {
						return l
					}
					return uri
				}
				employment := v.Employment
				if id := "people.employment." + employment; employment != "" && tr.Has(id) {
					employment = tr.T(id)
				}
				target := v.TargetOccupation
				if target != "" {
					target = label(target)
				}
				home := ""
				if v.Region != "" {
					home = strings.TrimSpace(pr.Region(v.Region) + " (" + v.Region + ")")
				}
				fmt.Fprintf(w, "%s  (%s)\n", v.Name, v.ID)
				for _, f := range [][2]string{{"people.email", v.Email}, {"people.phone", v.Phone}, {"people.employment", employment},
					{"people.target", target}, {"people.pf.region", home}, {"people.pf.mobility", pr.Vocab("mobility", v.Mobility)},
					{"people.notice", strings.TrimSpace(v.NoticeVersion + " " + v.NoticeShown.String())}} {
					if f[1] != "" {
						fmt.Fprintf(w, "  %s: %s\n", tr.T(f[0]), f[1])
					}
				}
				fmt.Fprintln(w, tr.T("people.balances_indicative"))
				nameW := 0
				for _, b := range bs {
					nameW = max(nameW, utf8.RuneCountInString(pr.Scheme(b.Scheme)))
				}
				for _, b := range bs {
					fmt.Fprintf(w, "  %-*s %s\n", nameW, pr.Scheme(b.Scheme), balanceText(a, b))
				}
				for _, c := range v.Credentials {
					fmt.Fprintf(w, "  %s: %s (%s, %s)\n", tr.T("people.credential"), c.Title, c.AwardingBody, c.Issued)
				}
				for _, ac := range v.OpenActions {
					fmt.Fprintf(w, "  %s: %s %s\n", tr.T("people.action"), ac.Summary, ac.Due)
				}
				if v.Next != nil {
					// a date entered without an hour is a date, not 00:00
					fmt.Fprintf(w, "  %s: %s\n", tr.T("people.next"), pr.DateTime(v.Next.Local()))
				}
				for _, g := range v.ViewedBy {
					fmt.Fprintf(w, "  %s\n", tr.T("team.viewed_by", "Who", g.Actor, "When", a.printer().DateTime(g.At), "Reason", g.Reason))
				}
				for _, line := range eraseRequestLines(a, v.EraseRequests) {
					fmt.Fprintf(w, "  %s\n", line)
				}
				for _, sk := range v.Skills {
					fmt.Fprintf(w, "  %s: %s (%s)\n", tr.T("people.skill"), label(sk.URI), pr.Vocab("evidence", string(sk.Evidence)))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the file as JSON")
	return cmd
}

func newPersonCredentialCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "credential",
		Short: "Earned credentials on a person's file (entered by hand or imported from ELM/EDC or Open Badges 3.0)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCredentialAddCmd(a), newCredentialImportCmd(a))
	return cmd
}

func newCredentialAddCmd(a *invocation) *cobra.Command {
	var c sessions.Credential
	var issued, eqf, mode, ects, hours string
	var outcomes, skills []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add ID --title T --awarding-body B --country CC --issued DATE --outcome TEXT --ects N|--hours N --eqf N --assessment A --mode M --qa Q",
		Short: "Enter an earned credential by hand, with all eleven Annex I elements",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c.PersonID = args[0]
			if issued != "" {
				d, err := catalog.ParseDate(issued)
				if err != nil {
					return usageErr("--issued: %v", err)
				}
				c.Issued = d
			}
			e, err := catalog.ParseEQF(eqf)
			if err != nil {
				return usageErr("--eqf: %v", err)
			}
			c.EQF, c.Mode = e, catalog.Mode(mode)
			for _, f := range []struct {
				flag, v string
				dst     **float64
			}{{"ects", ects, &c.ECTS}, {"hours", hours, &c.Hours}} {
				if f.v == "" {
					continue
				}
				n, err := strconv.ParseFloat(f.v, 64)
				if err != nil {
					return usageErr("--%s: %q is not a number", f.flag, f.v)
				}
				*f.dst = &n
			}
			var refs []catalog.SkillRef
			for _, s := range skills {
				refs = append(refs, catalog.SkillRef{URI: strings.TrimSpace(s)})
			}
			for i, o := range outcomes {
				lo := catalog.Outcome{Text: o}
				if i == 0 {
					lo.Skills = refs
				}
				c.Outcomes = append(c.Outcomes, lo)
			}
			return withPeoplePerson(ctx, a, "ID", args[0], func(st *app.App, p sessions.Person) error {
				if c.Learner == "" {
					c.Learner = p.Name
				}
				got, err := st.AddCredential(ctx, c)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, got)
				}
				fmt.Fprintln(a.stdout, a.tr().T("people.credential_added", "ID", got.ID, "Skills", len(got.Skills())))
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&c.Learner, "learner", "", "1 learner identification (default: the person's name)")
	fl.StringVar(&c.Title, "title", "", "2 title")
	fl.StringVar(&c.Country, "country", "", "3 country of the issuer (ISO 3166-1 alpha-2)")
	fl.StringVar(&c.Region, "region", "", "3 region (NUTS)")
	fl.StringVar(&c.AwardingBody, "awarding-body", "", "4 awarding body")
	fl.StringVar(&issued, "issued", "", "5 date of issuing (YYYY-MM-DD)")
	fl.StringArrayVar(&outcomes, "outcome", nil, "6 learning outcome (repeatable)")
	fl.StringSliceVar(&skills, "skill", nil, "skill URI (ESCO) the outcomes cover (repeatable)")
	fl.StringVar(&ects, "ects", "", "7 workload in ECTS")
	fl.StringVar(&hours, "hours", "", "7 workload in hours")
	fl.StringVar(&eqf, "eqf", "", "8 EQF level 1-8 or n/a")
	fl.StringVar(&c.Assessment, "assessment", "", "9 type of assessment")
	fl.StringVar(&mode, "mode", "", "10 form of participation: online, onsite, blended, volunteering, work-experience")
	fl.StringVar(&c.QA, "qa", "", "11 type of quality assurance")
	fl.StringVar(&c.Grade, "grade", "", "grade")
	fl.StringVar(&c.OfferID, "offer", "", "register offer it was earned on")
	fl.BoolVar(&asJSON, "json", false, "print the credential as JSON")
	return cmd
}
