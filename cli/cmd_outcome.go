package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

func newOutcomeCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "outcome",
		Short: "Follow-up outcomes: what became of plan steps, and employment 6 and 12 months after a plan",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newOutcomeStepCmd(a), newOutcomeEmploymentCmd(a), newOutcomeDueCmd(a), newOutcomeListCmd(a))
	return cmd
}

// outcomeDate reads --date: YYYY-MM-DD or "today" (the default).
func outcomeDate(a *invocation, v string) (catalog.Date, error) {
	if v == "" || v == "today" {
		return catalog.DateOf(a.now()), nil
	}
	d, err := catalog.ParseDate(v)
	if err != nil {
		return d, usageErr("--date: %v", err)
	}
	return d, nil
}

func newOutcomeStepCmd(a *invocation) *cobra.Command {
	var person, step, status, date, reason, credential string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "step --person ID --step ID --status enrolled|completed|dropped [--date D] [--reason TEXT] [--credential ID]",
		Short: "Record that a person enrolled in, completed or dropped out of a plan step",
		Long: "Record a plan step's outcome with its date (default today). The step's status follows: completing\n" +
			"spends what the ledger reserves for it, dropping out releases it. Dropping out needs --reason;\n" +
			"--credential links the earned credential (on the person's file) a completion led to. Dates must be\n" +
			"in order: not after today, not before the plan was made, completion or drop-out not before enrolment.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if strings.TrimSpace(step) == "" {
				return usageErr("--step: the plan step's id is required (koers plan show --person ID --json)")
			}
			st := sessions.StepStatus(status)
			if !hasString([]string{"enrolled", "completed", "dropped"}, status) {
				return usageErr("--status: %q is not enrolled, completed or dropped", status)
			}
			on, err := outcomeDate(a, date)
			if err != nil {
				return err
			}
			return withStore(ctx, a, func(s *app.App) error {
				if _, err := mustPerson(ctx, a, s, "--person", person); err != nil {
					return err
				}
				o, err := s.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: person, StepID: step, Status: st, On: on,
					Reason: strings.TrimSpace(reason), CredentialID: credential})
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, o)
				}
				_, err = fmt.Fprintln(a.stdout, a.tr().T("outcome.step_recorded", "Step", o.StepID, "Status", a.tr().T("plan.status."+string(o.Status)), "Date", o.On.String()))
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&person, "person", "", "person id")
	fl.StringVar(&step, "step", "", "plan step id")
	fl.StringVar(&status, "status", "", "enrolled, completed or dropped")
	fl.StringVar(&date, "date", "", "when it happened (YYYY-MM-DD; default today)")
	fl.StringVar(&reason, "reason", "", "why the person dropped out")
	fl.StringVar(&credential, "credential", "", "the earned credential a completion led to (its id on the person's file)")
	fl.BoolVar(&asJSON, "json", false, "print the recorded outcome as JSON")
	return cmd
}

func newOutcomeEmploymentCmd(a *invocation) *cobra.Command {
	var person, plan, situation, source, date, session, channel string
	var at int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "employment --person ID --at 6|12 --situation S --source self-reported|administrative [--plan ID] [--date D]",
		Short: "Record the employment situation 6 or 12 months after a plan, in a follow-up session",
		Long: "Record the person's employment situation at 6 or 12 months after their plan ended (every step\n" +
			"completed or dropped). --plan defaults to the person's agreed plan. It is recorded in a follow-up\n" +
			"session: --session names one already recorded, else one is recorded (attended, --channel).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if at != 6 && at != 12 {
				return usageErr("--at: %d is not 6 or 12 (months after the plan)", at)
			}
			if !hasString(sessions.EmploymentStatuses, situation) {
				return usageErr("--situation: %q is not one of %s", situation, strings.Join(sessions.EmploymentStatuses, ", "))
			}
			if source != sessions.SelfReported && source != sessions.Administrative {
				return usageErr("--source: %q is not self-reported or administrative", source)
			}
			if !sessions.Channel(channel).Valid() {
				return usageErr("--channel: %q is not a channel", channel)
			}
			on, err := outcomeDate(a, date)
			if err != nil {
				return err
			}
			return withStore(ctx, a, func(s *app.App) error {
				if _, err := mustPerson(ctx, a, s, "--person", person); err != nil {
					return err
				}
				if plan == "" {
					p, err := agreedPlan(ctx, s, person)
					if err != nil {
						return err
					}
					plan = p
				}
				e, err := s.RecordEmployment(ctx, sessions.EmploymentOutcome{PersonID: person, PlanID: plan, SessionID: session,
					Months: at, Situation: situation, Source: source, On: on}, sessions.Channel(channel))
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, e)
				}
				_, err = fmt.Fprintln(a.stdout, a.tr().T("outcome.employment_recorded", "Months", e.Months, "Situation", a.tr().T("people.employment."+e.Situation), "Source", e.Source))
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&person, "person", "", "person id")
	fl.StringVar(&plan, "plan", "", "plan id (default: the person's agreed plan)")
	fl.IntVar(&at, "at", 0, "months after the plan: 6 or 12")
	fl.StringVar(&situation, "situation", "", "employed, self-employed, unemployed, student or inactive")
	fl.StringVar(&source, "source", "", "self-reported or administrative")
	fl.StringVar(&date, "date", "", "when it was learnt (YYYY-MM-DD; default today)")
	fl.StringVar(&session, "session", "", "the follow-up session already recorded (default: record one)")
	fl.StringVar(&channel, "channel", string(sessions.Phone), "channel of the follow-up session recorded")
	fl.BoolVar(&asJSON, "json", false, "print the recorded follow-up as JSON")
	return cmd
}

// agreedPlan is the person's agreed plan, else their only plan.
func agreedPlan(ctx context.Context, s *app.App, person string) (string, error) {
	plans, err := s.Plans(ctx, person)
	if err != nil {
		return "", err
	}
	for _, p := range plans {
		if p.Agreed {
			return p.ID, nil
		}
	}
	if len(plans) == 1 {
		return plans[0].ID, nil
	}
	return "", usageErr("--plan: the person has %d plans and none is agreed; name one", len(plans))
}

func newOutcomeDueCmd(a *invocation) *cobra.Command {
	var within int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "due [--within DAYS] [--json]",
		Short: "List the employment follow-ups due (6 and 12 months after plans that ended)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if within < 0 {
				return usageErr("--within: %d is not 0 or more days", within)
			}
			return withStore(ctx, a, func(s *app.App) error {
				due, err := s.FollowUpsDue(ctx, catalog.DateOf(a.now()).AddDays(within))
				if err != nil {
					return err
				}
				for _, f := range due { // a list names people: each is a look
					if err := s.Audit(ctx, f.PersonID, "view", "follow-ups due"); err != nil {
						return err
					}
				}
				if asJSON {
					return printJSON(a.stdout, due)
				}
				tr := a.tr()
				fmt.Fprintln(a.stdout, tr.T("outcome.due_count", "Count", len(due), "Days", within))
				for _, f := range due {
					fmt.Fprintf(a.stdout, "%s  %-2d  %s  %s  %s\n", f.Due, f.Months, f.PersonID, f.PlanID, f.Name)
				}
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&within, "within", 7, "days ahead to include")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the follow-ups due as a JSON array")
	return cmd
}

func newOutcomeListCmd(a *invocation) *cobra.Command {
	var person string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list --person ID [--json]",
		Short: "List a person's step outcomes and employment follow-ups",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(s *app.App) error {
				if _, err := mustPerson(ctx, a, s, "--person", person); err != nil {
					return err
				}
				steps, err := s.StepOutcomes(ctx, person)
				if err != nil {
					return err
				}
				emp, err := s.EmploymentOutcomes(ctx, person)
				if err != nil {
					return err
				}
				if err := s.Audit(ctx, person, "view", "outcomes"); err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, map[string]any{"steps": steps, "employment": emp})
				}
				tr := a.tr()
				for _, o := range steps {
					line := o.On.String() + "  " + tr.T("plan.status."+string(o.Status)) + "  " + o.StepID
					if o.Reason != "" {
						line += "  " + o.Reason
					}
					if o.CredentialID != "" {
						line += "  → " + o.CredentialID
					}
					fmt.Fprintln(a.stdout, line)
				}
				for _, e := range emp {
					fmt.Fprintln(a.stdout, e.On.String()+"  "+strconv.Itoa(e.Months)+"m  "+tr.T("people.employment."+e.Situation)+"  ("+e.Source+")")
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "person id")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print {steps, employment} as JSON")
	return cmd
}
