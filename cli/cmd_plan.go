package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// planFlags are what every plan command shares: whose plan, which plan.
type planFlags struct {
	person string
	plan   string
	json   bool
}

func (f *planFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.person, "person", "", "the person's id")
	cmd.Flags().StringVar(&f.plan, "plan", "", "the plan's id (default: the agreed plan, else the newest)")
	cmd.Flags().BoolVar(&f.json, "json", false, "print JSON")
}

// withPlan opens the application, reads the person's plan (with create, a
// person without a plan gets one) and runs fn with both.
func (f *planFlags) withPlan(ctx context.Context, a *invocation, create bool, fn func(st *app.App, p sessions.Plan) error) error {
	return withStore(ctx, a, func(st *app.App) error {
		p, err := f.load(ctx, a, st, create)
		if err != nil {
			return err
		}
		return fn(st, p)
	})
}

// load reads the person's plan; with create, a person without a plan gets one.
func (f *planFlags) load(ctx context.Context, _ *invocation, st *app.App, create bool) (sessions.Plan, error) {
	return st.LoadPlan(ctx, f.person, f.plan, create)
}

// stepRef finds a step by id or by its 1-based position.
func stepRef(a *invocation, p *sessions.Plan, ref string) (string, error) {
	if i := p.Step(ref); i >= 0 {
		return ref, nil
	}
	if n, err := strconv.Atoi(ref); err == nil && n >= 1 && n <= len(p.Steps) {
		return p.Steps[n-1].ID, nil
	}
	return "", usageErr("--step: %s", a.tr().T("plan.err.step", "Step", ref))
}

func (a *invocation) today() catalog.Date { return catalog.DateOf(a.now()) }

func newPlanCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Build a person's learning plan: steps, checks, totals, skill gap and suggested pathways",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newPlanShowCmd(a), newPlanListCmd(a), newPlanAddCmd(a), newPlanMoveCmd(a), newPlanDropCmd(a),
		newPlanStatusCmd(a), newPlanReserveCmd(a, true), newPlanReserveCmd(a, false), newPlanCheckCmd(a),
		newPlanTargetCmd(a), newPlanGapCmd(a), newPlanSuggestCmd(a), newPlanAcceptCmd(a), newPlanIndexCmd(a), newPlanNewCmd(a))
	return cmd
}

// report prints the plan with its checks and totals.
func (a *invocation) report(ctx context.Context, st *app.App, p sessions.Plan, asJSON bool) error {
	rep, err := st.ShowPlan(ctx, p)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(a.stdout, planJSON(rep))
	}
	printPlan(a, rep)
	return nil
}

func newPlanShowCmd(a *invocation) *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "show --person ID",
		Short: "Show the plan's steps with their warnings and the totals",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return f.withPlan(ctx, a, false, func(st *app.App, p sessions.Plan) error {
				return a.report(ctx, st, p, f.json)
			})
		},
	}
	f.register(cmd)
	return cmd
}

func newPlanListCmd(a *invocation) *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "list --person ID",
		Short: "List the person's plans (the agreed one first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withPerson(ctx, a, "--person", f.person, func(st *app.App, _ sessions.Person) error {
				ps, err := st.Plans(ctx, f.person)
				if err != nil {
					return err
				}
				if err := st.Audit(ctx, f.person, "view", "plan list"); err != nil {
					return err
				}
				if f.json {
					out := []map[string]any{}
					for _, p := range ps {
						out = append(out, map[string]any{"id": p.ID, "name": p.Name, "agreed": p.Agreed, "steps": len(p.Steps),
							"occupation": nullIfEmpty(p.OccupationURI), "updated_at": p.UpdatedAt})
					}
					return printJSON(a.stdout, out)
				}
				for _, p := range ps {
					mark := " "
					if p.Agreed {
						mark = "*"
					}
					fmt.Fprintf(a.stdout, "%s %s  %s  %s\n", mark, p.ID, p.Name, a.tr().N("plan.totals.steps", len(p.Steps)))
				}
				return nil
			})
		},
	}
	f.register(cmd)
	return cmd
}

func newPlanAddCmd(a *invocation) *cobra.Command {
	var f planFlags
	var offerID, title, kind string
	cmd := &cobra.Command{
		Use:   "add --person ID --offer OFFER-ID",
		Short: "Append a step: a register offer, or a validation or guidance step (--kind, --title)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				p, err := st.AddPlanStep(ctx, f.person, f.plan, app.StepInput{Kind: sessions.StepKind(kind), Title: title, OfferID: offerID})
				if err != nil {
					return err
				}
				step := p.Steps[len(p.Steps)-1]
				if !f.json {
					fmt.Fprintln(a.stderr, a.tr().T("plan.cli.added", "N", len(p.Steps), "Title", step.Title))
				}
				return a.report(ctx, st, p, f.json)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&offerID, "offer", "", "the register offer (id or source:source_id)")
	cmd.Flags().StringVar(&kind, "kind", "offer", "offer, validation or guidance")
	cmd.Flags().StringVar(&title, "title", "", "the step's title (default: the offer's)")
	return cmd
}

// stepCmd builds a command that changes one step.
func stepCmd(a *invocation, use, short string, extra func(*cobra.Command), do func(ctx context.Context, st *app.App, p sessions.Plan, step string) (sessions.Plan, string, error)) *cobra.Command {
	var f planFlags
	var step string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return f.withPlan(ctx, a, false, func(st *app.App, p sessions.Plan) error {
				id, err := stepRef(a, &p, step)
				if err != nil {
					return err
				}
				p, msg, err := do(ctx, st, p, id)
				if err != nil {
					return err
				}
				if !f.json && msg != "" {
					fmt.Fprintln(a.stderr, msg)
				}
				return a.report(ctx, st, p, f.json)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&step, "step", "", "the step: its id or its position (1, 2, …)")
	if extra != nil {
		extra(cmd)
	}
	return cmd
}

func newPlanMoveCmd(a *invocation) *cobra.Command {
	var to int
	return stepCmd(a, "move --person ID --step STEP --to N", "Move a step to position N (1 is first)",
		func(cmd *cobra.Command) { cmd.Flags().IntVar(&to, "to", 0, "the new position, 1 is first") },
		func(ctx context.Context, st *app.App, p sessions.Plan, id string) (sessions.Plan, string, error) {
			if to < 1 {
				return p, "", usageErr("--to: %s", a.tr().T("plan.err.position", "N", len(p.Steps)))
			}
			p, err := st.MoveStep(ctx, p.ID, id, to-1)
			return p, a.tr().T("plan.cli.moved", "N", min(to, len(p.Steps))), err
		})
}

func newPlanDropCmd(a *invocation) *cobra.Command {
	return stepCmd(a, "drop --person ID --step STEP", "Drop a step (it stays on file as dropped; its reserved funds are released)", nil,
		func(ctx context.Context, st *app.App, p sessions.Plan, id string) (sessions.Plan, string, error) {
			p, err := st.SetStepStatus(ctx, p.ID, id, sessions.StepDropped)
			return p, a.tr().T("plan.cli.dropped"), err
		})
}

func newPlanStatusCmd(a *invocation) *cobra.Command {
	var status string
	return stepCmd(a, "status --person ID --step STEP --status STATUS",
		"Set a step's status: planned, applied, enrolled, in_progress, completed or dropped",
		func(cmd *cobra.Command) { cmd.Flags().StringVar(&status, "status", "", "the new status") },
		func(ctx context.Context, st *app.App, p sessions.Plan, id string) (sessions.Plan, string, error) {
			s := sessions.StepStatus(strings.ReplaceAll(status, "-", "_"))
			if !s.Valid() {
				return p, "", usageErr("--status: %q is not planned, applied, enrolled, in_progress, completed or dropped", status)
			}
			p, err := st.SetStepStatus(ctx, p.ID, id, s)
			return p, a.tr().T("plan.cli.status", "Status", a.tr().T("plan.status."+string(s))), err
		})
}

func newPlanReserveCmd(a *invocation, reserve bool) *cobra.Command {
	use, short := "reserve --person ID --step STEP", "Reserve the step's funding lines in the person's accounts (ledger reservations)"
	if !reserve {
		use, short = "release --person ID --step STEP", "Release what is reserved for the step"
	}
	return stepCmd(a, use, short, nil,
		func(ctx context.Context, st *app.App, p sessions.Plan, id string) (sessions.Plan, string, error) {
			if reserve {
				p2, err := st.ReserveStep(ctx, p.ID, id)
				if errors.Is(err, app.ErrInsufficient) {
					return p, "", ruleErr("no-overdraft", fmt.Errorf("%s", a.tr().T("plan.err.insufficient", "Err", err.Error())))
				}
				return p2, a.tr().T("plan.cli.reserved"), err
			}
			p, err := st.ReleaseStep(ctx, p.ID, id)
			return p, a.tr().T("plan.cli.released"), err
		})
}

func newPlanCheckCmd(a *invocation) *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "check --person ID",
		Short: "Recompute the plan's checks: prerequisites, dates, withdrawn offers, deadlines, funding, leave hours, EQF jumps",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return f.withPlan(ctx, a, false, func(st *app.App, p sessions.Plan) error {
				rep, err := st.Report(ctx, p, a.today())
				if err != nil {
					return err
				}
				if err := st.Audit(ctx, p.PersonID, "view", "plan check "+p.ID); err != nil {
					return err
				}
				if f.json {
					return printJSON(a.stdout, warningsJSON(a, rep))
				}
				printWarnings(a, rep)
				return nil
			})
		},
	}
	f.register(cmd)
	return cmd
}

func newPlanTargetCmd(a *invocation) *cobra.Command {
	var f planFlags
	var occ, stack string
	cmd := &cobra.Command{
		Use:   "target --person ID [--occupation URI|QUERY] [--stack OFFER-ID]",
		Short: "Set the plan's goal: an ESCO occupation and/or a larger credential to stack towards",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return f.withPlan(ctx, a, true, func(st *app.App, p sessions.Plan) error {
				p, err := st.SetTarget(ctx, p.ID, occ, stack, a.lang)
				if err != nil {
					return err
				}
				return a.report(ctx, st, p, f.json)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&occ, "occupation", "", "occupation: its ESCO URI or label")
	cmd.Flags().StringVar(&stack, "stack", "", "the larger credential (offer id) the steps stack towards")
	return cmd
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func newPlanIndexCmd(a *invocation) *cobra.Command {
	return &cobra.Command{
		Use:   "index",
		Short: "Bring the planner's index of the register up to date (suggest and gap do it on first use after an import)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				t0 := a.now()
				err := st.SyncPlanFacts(ctx, func(done, total int) {
					fmt.Fprintf(a.stderr, "\r%s", a.tr().T("plan.cli.indexing", "Done", done, "Total", total))
				})
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stderr, "\r"+a.tr().T("plan.cli.indexed", "Seconds", fmt.Sprintf("%.1f", a.now().Sub(t0).Seconds())))
				return nil
			})
		},
	}
}
