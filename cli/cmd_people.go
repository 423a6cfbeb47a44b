package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

// peopleErr marks invalid profile values (catalog.Problems) as bad input
// with their message; every other error goes to the one mapping in exitCode.
func peopleErr(a *invocation, err error) error {
	var ps catalog.Problems
	if errors.As(err, &ps) {
		return usageErr("%s", a.tr().T("people.err.invalid", "Problems", ps.Error()))
	}
	return err
}

// printJSON writes v as the one JSON document on stdout.
func printJSON(w io.Writer, v any) error {
	return app.EncodeJSON(present.Raw(w), v)
}

// withStore opens the store, runs fn and closes it.
func withStore(ctx context.Context, a *invocation, fn func(st *app.App) error) error {
	return withOpen(ctx, a, a.open, fn)
}

// withOpen opens the application with open, sets the run's printer to the
// database's scheme units, runs fn and closes it.
func withOpen(ctx context.Context, a *invocation, open func(context.Context) (*app.App, error), fn func(st *app.App) error) error {
	st, err := open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if pr, err := st.Printer(ctx, a.lang); err == nil {
		a.pr = pr
	}
	return peopleErr(a, fn(st))
}

// withPerson opens the application, reads the person named by from (a flag
// or an argument's name) and runs fn with both.
func withPerson(ctx context.Context, a *invocation, from, id string, fn func(st *app.App, p sessions.Person) error) error {
	return withOpenPerson(ctx, a, a.open, from, id, fn)
}

// withOpenPerson is withPerson over the opener given.
func withOpenPerson(ctx context.Context, a *invocation, open func(context.Context) (*app.App, error), from, id string, fn func(st *app.App, p sessions.Person) error) error {
	return withOpen(ctx, a, open, func(st *app.App) error {
		p, err := mustPerson(ctx, a, st, from, id)
		if err != nil {
			return err
		}
		return fn(st, p)
	})
}

// mustPerson reads a person or reports the id as bad input on the flag.
func mustPerson(ctx context.Context, _ *invocation, st *app.App, flag, id string) (sessions.Person, error) {
	return st.MustPerson(ctx, flag, id)
}

// personFlags are the profile fields add and edit share.
type personFlags struct {
	name, email, phone, language, eqf, employment  string
	current, target, availability, mobility, basis string
	noticeVersion, noticeShown, retain             string
	homeRegion, postcode                           string
	hoursPerWeek                                   float64
	speaks                                         []string
	gender, region, centre                         string
	birthYear                                      int
	modes, consents, withdraw, skills              []string
	evidence                                       string
}

func (f *personFlags) register(cmd *cobra.Command, add bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "full name")
	fl.StringVar(&f.email, "email", "", "e-mail address")
	fl.StringVar(&f.phone, "phone", "", "phone number")
	fl.IntVar(&f.birthYear, "birth-year", 0, "year of birth (optional)")
	fl.StringVar(&f.language, "language", "", "preferred language (ISO 639-1)")
	fl.StringVar(&f.eqf, "eqf", "", "highest education level (EQF 1-8)")
	fl.StringVar(&f.employment, "employment", "", "employed, unemployed, self-employed, student or inactive")
	fl.StringVar(&f.gender, "gender", "", "female, male or other, only as the person states it (empty: not recorded)")
	fl.StringVar(&f.region, "region", "", "where the person lives (NUTS code, e.g. BE21)")
	fl.StringVar(&f.centre, "centre", "", "guidance centre whose caseload the person is on")
	fl.StringVar(&f.current, "current-occupation", "", "current occupation (ESCO URI)")
	fl.StringVar(&f.target, "target-occupation", "", "target occupation (ESCO URI)")
	fl.StringVar(&f.availability, "availability", "", "availability (free text)")
	fl.StringVar(&f.mobility, "mobility", "", "how far the person can travel to a course: online (online only), province (own province), neighbours (own and neighbouring provinces) or anywhere")
	fl.StringVar(&f.homeRegion, "home-region", "", "where the person lives, as --region, or by a province or city name (Charleroi, Gent, Luik)")
	fl.StringVar(&f.postcode, "postcode", "", "where the person lives, as a Belgian or Luxembourg postcode (sets --region to the province)")
	fl.Float64Var(&f.hoursPerWeek, "hours-per-week", 0, "study hours the person can give each week (0: not stated)")
	fl.StringSliceVar(&f.speaks, "speaks", nil, "languages the person can learn in, ISO 639-1 (repeatable; default: the preferred language)")
	fl.StringSliceVar(&f.modes, "mode", nil, "preferred form of participation (repeatable)")
	fl.StringVar(&f.basis, "lawful-basis", "", "lawful basis for processing")
	fl.StringVar(&f.noticeVersion, "notice-version", "", "version of the privacy notice shown")
	fl.StringVar(&f.noticeShown, "notice-shown", "", "date the notice was shown (YYYY-MM-DD; \"today\")")
	fl.StringVar(&f.retain, "retain-until", "", "retention date (YYYY-MM-DD)")
	fl.StringSliceVar(&f.consents, "consent", nil, "consent given today: store, share or research (repeatable)")
	fl.StringSliceVar(&f.skills, "add-skill", nil, "skill held (ESCO URI, repeatable)")
	fl.StringVar(&f.evidence, "evidence", string(sessions.ByCounsellor), "evidence for --add-skill: self-declared, counsellor or assessment")
	if !add {
		fl.StringSliceVar(&f.withdraw, "withdraw-consent", nil, "consent withdrawn today (repeatable)")
	}
}

// apply copies the flags that were set onto p.
func (f *personFlags) apply(a *invocation, cmd *cobra.Command, p *sessions.Person) error {
	ch := cmd.Flags().Changed
	set := func(flag string, dst *string, v string) {
		if ch(flag) {
			*dst = strings.TrimSpace(v)
		}
	}
	set("name", &p.Name, f.name)
	set("email", &p.Email, f.email)
	set("phone", &p.Phone, f.phone)
	set("language", &p.Language, f.language)
	set("employment", &p.Employment, f.employment)
	set("gender", &p.Gender, f.gender)
	set("region", &p.Region, strings.ToUpper(f.region))
	set("centre", &p.Centre, f.centre)
	set("current-occupation", &p.CurrentOccupation, f.current)
	set("target-occupation", &p.TargetOccupation, f.target)
	set("availability", &p.Availability, f.availability)
	if ch("mobility") {
		m, err := catalog.ParseMobility(f.mobility)
		if err != nil {
			return usageErr("--mobility: %v", err)
		}
		p.Mobility = string(m)
	}
	if n := btoi(ch("home-region")) + btoi(ch("postcode")) + btoi(ch("region")); n > 1 {
		return usageErr("--region, --home-region and --postcode: give one")
	}
	if ch("home-region") {
		r, err := catalog.ParseRegion(f.homeRegion)
		if err != nil {
			return usageErr("--home-region: %v", err)
		}
		p.Region = r
	}
	if ch("postcode") {
		r, err := catalog.RegionOfPostcode(f.postcode)
		if err != nil {
			return usageErr("--postcode: %v", err)
		}
		p.Region = r
	}
	if ch("hours-per-week") {
		p.HoursPerWeek = f.hoursPerWeek
	}
	if ch("speaks") {
		p.Languages = nil
		for _, l := range f.speaks {
			if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
				p.Languages = append(p.Languages, l)
			}
		}
	}
	set("lawful-basis", &p.LawfulBasis, f.basis)
	set("notice-version", &p.NoticeVersion, f.noticeVersion)
	if ch("birth-year") {
		p.BirthYear = f.birthYear
	}
	if ch("eqf") {
		e, err := catalog.ParseEQF(f.eqf)
		if err != nil {
			return usageErr("--eqf: %v", err)
		}
		p.EQF = e
	}
	today := catalog.DateOf(a.now())
	for _, d := range []struct {
		flag string
		v    string
		dst  *catalog.Date
	}{{"notice-shown", f.noticeShown, &p.NoticeShown}, {"retain-until", f.retain, &p.RetainUntil}} {
		if !ch(d.flag) {
			continue
		}
		if d.v == "today" {
			*d.dst = today
			continue
		}
		v, err := catalog.ParseDate(d.v)
		if err != nil {
			return usageErr("--%s: %v", d.flag, err)
		}
		*d.dst = v
	}
	if ch("mode") {
		p.Modes = nil
		for _, m := range f.modes {
			p.Modes = append(p.Modes, catalog.Mode(m))
		}
	}
	for _, c := range f.consents {
		p.Consents = setConsent(p.Consents, sessions.Purpose(c), today, false)
	}
	for _, c := range f.withdraw {
		p.Consents = setConsent(p.Consents, sessions.Purpose(c), today, true)
	}
	ev := sessions.Evidence(f.evidence)
	if len(f.skills) > 0 && (!ev.Valid() || ev == sessions.ByCredential) {
		return usageErr("--evidence: %q is not self-declared, counsellor or assessment", f.evidence)
	}
	for _, uri := range f.skills {
		p.Skills = append(p.Skills, sessions.HeldSkill{URI: strings.TrimSpace(uri), Evidence: ev})
	}
	return nil
}

func setConsent(cs []sessions.Consent, purpose sessions.Purpose, day catalog.Date, withdraw bool) []sessions.Consent {
	for i := range cs {
		if cs[i].Purpose == purpose {
			if withdraw {
				cs[i].Withdrawn = day
			} else {
				cs[i].Given, cs[i].Withdrawn = day, catalog.Date{}
			}
			return cs
		}
	}
	c := sessions.Consent{Purpose: purpose, Given: day}
	if withdraw {
		c.Withdrawn = day
	}
	return append(cs, c)
}

func newPersonCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "person",
		Short: "People: their file, skills, consents, earned credentials; export and erase",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPersonAddCmd(a), newPersonListCmd(a), newPersonShowCmd(a), newPersonEditCmd(a),
		newPersonCredentialCmd(a), newPersonExportCmd(a), newPersonEraseCmd(a), newPersonEraseRequestsCmd(a),
		newPersonEraseApproveCmd(a), newPersonEraseDeclineCmd(a), newPersonTransferCmd(a), newPersonMoveCmd(a))
	return cmd
}

func newPersonAddCmd(a *invocation) *cobra.Command {
	var f personFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --name NAME [--email E] [--phone P] [--birth-year Y] [flags]",
		Short: "Add a person",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(f.name) == "" {
				return usageErr("--name: %s", a.tr().T("people.err.required"))
			}
			var p sessions.Person
			if err := f.apply(a, cmd, &p); err != nil {
				return err
			}
			a.realData = true // a database this creates starts empty (issue 12)
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				p, err := st.CreatePerson(cmd.Context(), p)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, p)
				}
				fmt.Fprintln(a.stdout, a.tr().T("people.added", "ID", p.ID))
				return nil
			})
		},
	}
	f.register(cmd, true)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the person as JSON")
	return cmd
}

func newPersonEditCmd(a *invocation) *cobra.Command {
	var f personFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "edit ID [flags]",
		Short: "Change a person's file (--add-skill and --target-occupation included)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withPeoplePerson(ctx, a, "ID", args[0], func(st *app.App, p sessions.Person) error {
				if err := f.apply(a, cmd, &p); err != nil {
					return err
				}
				p, err := st.UpdatePerson(ctx, p)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, p)
				}
				fmt.Fprintln(a.stdout, a.tr().T("people.changed", "ID", p.ID))
				return nil
			})
		},
	}
	f.register(cmd, false)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the person as JSON")
	return cmd
}

func newPersonListCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [QUERY]",
		Short: "List people whose name, e-mail or id contains QUERY",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := ""
			if len(args) == 1 {
				q = args[0]
			}
			return withPeople(cmd.Context(), a, func(st *app.App) error {
				list, err := st.ListPeople(cmd.Context(), q, 0)
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, list)
				}
				for _, p := range list {
					fmt.Fprintf(a.stdout, "%s  %s\n", p.ID, p.Name)
				}
				fmt.Fprintln(a.stderr, a.tr().N("people.count", len(list)))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print an array of people as JSON")
	return cmd
}

func newPersonExportCmd(a *invocation) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export ID [-o FILE]",
		Short: "Write everything held on the person as JSON (their access request), audit entries included",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withPeoplePerson(ctx, a, "ID", args[0], func(st *app.App, _ sessions.Person) error {
				if out == "" || out == "-" {
					f, err := st.ExportPerson(ctx, args[0])
					if err != nil {
						return err
					}
					return printJSON(a.stdout, f)
				}
				if err := st.WritePersonFile(ctx, args[0], out, true); err != nil {
					return err
				}
				fmt.Fprintln(a.stderr, a.tr().T("people.exported", "File", out))
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default stdout)")
	return cmd
}

func newPersonEraseCmd(a *invocation) *cobra.Command {
	var yes, request, asJSON bool
	var reason string
	cmd := &cobra.Command{
		Use:   "erase ID --yes | erase ID --request --reason TEXT",
		Short: "Remove the person from the database for good (every trace, free pages included), or ask a supervisor to",
		Long: "With --yes, erase the person now (a supervisor, or koers on a laptop). A counsellor may not erase: with\n" +
			"--request --reason, they file an erasure request, which shows on the person's file and in the supervisors'\n" +
			"queue (koers person erase-requests) until a supervisor approves it (koers person erase-approve, which\n" +
			"erases) or declines it with a reason (koers person erase-decline).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if request {
				return requestErase(cmd.Context(), a, args[0], reason, yes, asJSON)
			}
			if cmd.Flags().Changed("reason") {
				return usageErr("--reason: %s", a.tr().T("erase.err.reason_without_request"))
			}
			if !yes {
				return usageErr("--yes: %s", a.tr().T("people.err.erase_confirm"))
			}
			ctx := cmd.Context()
			return withPeople(ctx, a, func(st *app.App) error {
				err := st.ErasePerson(ctx, args[0])
				if errors.Is(err, app.ErrNotFound) {
					return usageErr("%s", a.tr().T("people.err.no_person", "Flag", "ID", "ID", args[0]))
				}
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, a.tr().T("people.erased", "ID", args[0]))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the erasure")
	cmd.Flags().BoolVar(&request, "request", false, "file an erasure request for a supervisor to decide, instead of erasing")
	cmd.Flags().StringVar(&reason, "reason", "", "with --request: why the person's file should be erased")
	cmd.Flags().BoolVar(&asJSON, "json", false, "with --request: print the request as JSON")
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
