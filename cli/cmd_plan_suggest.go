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

// suggestFlags are the goal and constraints of a suggestion.
type suggestFlags struct {
	occupation string
	budget     []string
	maxHours   float64
	maxWeeks   int
	maxSteps   int
	modes      []string
	languages  []string
	region     string
	eqf        string
	startAfter string
}

func (f *suggestFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.occupation, "occupation", "", "occupation: its ESCO URI or label (default: the plan's, else the person's target)")
	fl.StringArrayVar(&f.budget, "budget", nil, "budget per scheme, SCHEME=AMOUNT in the scheme's unit (ila=500, leave=40, own=100 for out of pocket); default: what the account has available")
	fl.Float64Var(&f.maxHours, "max-hours", 0, "most hours of study in total")
	fl.IntVar(&f.maxWeeks, "max-weeks", 0, "most calendar weeks from first start to last end")
	fl.IntVar(&f.maxSteps, "max-steps", 0, "most steps (default 8)")
	fl.StringArrayVar(&f.modes, "mode", nil, "online, onsite, blended, … (repeatable)")
	fl.StringArrayVar(&f.languages, "language", nil, "language of instruction, ISO 639-1 (repeatable)")
	fl.StringVar(&f.region, "region", "", "region: a NUTS prefix, e.g. BE2")
	fl.StringVar(&f.eqf, "eqf", "", "level N or window N-M on the EQF")
	fl.StringVar(&f.startAfter, "start-after", "", "only offers starting on or after DATE (YYYY-MM-DD)")
}

// constraints parses the flags; every problem names its flag.
func (f *suggestFlags) constraints(ctx context.Context, st *app.App) (catalog.Constraints, error) {
	k := catalog.Constraints{MaxHours: f.maxHours, MaxWeeks: f.maxWeeks, MaxSteps: f.maxSteps, Region: strings.ToUpper(f.region)}
	if f.maxHours < 0 || f.maxWeeks < 0 || f.maxSteps < 0 {
		return k, usageErr("--max-hours, --max-weeks, --max-steps: must not be negative")
	}
	schemes, err := st.Schemes(ctx)
	if err != nil {
		return k, err
	}
	for _, b := range f.budget {
		code, amt, ok := strings.Cut(b, "=")
		code = strings.TrimSpace(code)
		if !ok || code == "" {
			return k, usageErr("--budget: %q is not SCHEME=AMOUNT", b)
		}
		unit := sessions.UnitEUR
		if code != catalog.SchemeOwn {
			sc, found := sessions.FindScheme(schemes, code)
			if !found {
				return k, usageErr("--budget: %q is not a scheme (ila, voucher, leave, own)", code)
			}
			unit = sc.Unit
		}
		v, err := unit.Parse(amt)
		if err != nil {
			return k, usageErr("--budget %s: %v", code, err)
		}
		if k.Budget == nil {
			k.Budget = map[string]int64{}
		}
		k.Budget[code] = v
	}
	for _, m := range f.modes {
		if !catalog.Mode(m).Valid() {
			return k, usageErr("--mode: %q is not online, onsite, blended, volunteering or work-experience", m)
		}
		k.Modes = append(k.Modes, catalog.Mode(m))
	}
	k.Languages = f.languages
	if f.eqf != "" {
		lo, hi, _ := strings.Cut(f.eqf, "-")
		if hi == "" {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a < 1 || b > 8 || a > b {
			return k, usageErr("--eqf: %q is not a level 1–8 or a window N-M", f.eqf)
		}
		k.EQFMin, k.EQFMax = catalog.EQF(a), catalog.EQF(b)
	}
	if f.startAfter != "" {
		d, err := catalog.ParseDate(f.startAfter)
		if err != nil {
			return k, usageErr("--start-after: %v", err)
		}
		k.StartAfter = d
	}
	return k, nil
}

// goal picks the occupation: the flag, else the plan's, else the person's target.
func (a *invocation) goal(ctx context.Context, st *app.App, flag string, p *sessions.Plan) (catalog.Occupation, error) {
	return st.Goal(ctx, flag, p, a.lang)
}

func newPlanGapCmd(a *invocation) *cobra.Command {
	var f planFlags
	var occ string
	cmd := &cobra.Command{
		Use:   "gap --person ID --occupation URI|QUERY",
		Short: "The skill gap towards an occupation: essential and optional skills covered, planned, missing, with offers for each missing one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return f.withPlan(ctx, a, true, func(st *app.App, p sessions.Plan) error {
				oc, err := a.goal(ctx, st, occ, &p)
				if err != nil {
					return err
				}
				g, err := st.Gap(ctx, f.person, &p, oc, a.today())
				if err != nil {
					return err
				}
				if err := st.Audit(ctx, p.PersonID, "view", "plan gap "+p.ID); err != nil {
					return err
				}
				if f.json {
					return printJSON(a.stdout, gapJSON(oc, g))
				}
				printGap(a, oc, g)
				return nil
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&occ, "occupation", "", "occupation: its ESCO URI or label (default: the plan's, else the person's target)")
	return cmd
}

// suggest runs a suggestion for the person's plan.
func (a *invocation) suggest(ctx context.Context, st *app.App, f *planFlags, sf *suggestFlags) (sessions.Plan, catalog.Occupation, catalog.Suggestion, error) {
	p, err := f.load(ctx, a, st, true)
	if err != nil {
		return p, catalog.Occupation{}, catalog.Suggestion{}, err
	}
	k, err := sf.constraints(ctx, st)
	if err != nil {
		return p, catalog.Occupation{}, catalog.Suggestion{}, err
	}
	sg, oc, err := st.Suggest(ctx, &p, sf.occupation, k, a.lang)
	return p, oc, sg, err
}

func newPlanSuggestCmd(a *invocation) *cobra.Command {
	var f planFlags
	var sf suggestFlags
	cmd := &cobra.Command{
		Use:   "suggest --person ID --occupation URI|QUERY [--budget SCHEME=AMOUNT]... [--max-hours H] [--mode M]...",
		Short: "Suggest the pathway covering the most missing essential skills at the least cost and time, with two alternatives",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				p, oc, sg, err := a.suggest(ctx, st, &f, &sf)
				if err != nil {
					return err
				}
				if err := st.Audit(ctx, p.PersonID, "view", "plan suggest "+p.ID); err != nil {
					return err
				}
				if sg.Blocked != nil || len(sg.Missing) == 0 {
					fmt.Fprintln(a.stderr, blockedText(a, sg))
				}
				if f.json {
					return printJSON(a.stdout, suggestionJSON(sg))
				}
				// what the suggestion kept to, from the flags and the
				// person's file, before the pathways themselves.
				if k, err := sf.constraints(ctx, st); err == nil {
					if k, err = st.SuggestConstraints(ctx, p.PersonID, k); err == nil {
						if line := a.printer().Constraints(k); line != "" {
							fmt.Fprintln(a.stdout, line)
						}
					}
				}
				printSuggestion(a, oc, sg)
				return nil
			})
		},
	}
	f.register(cmd)
	sf.register(cmd)
	return cmd
}

func newPlanAcceptCmd(a *invocation) *cobra.Command {
	var f planFlags
	var sf suggestFlags
	var alt int
	cmd := &cobra.Command{
		Use:   "accept --person ID [suggest flags] [--alternative N]",
		Short: "Append a suggested pathway's steps to the plan (1 is the best, 2 and 3 the alternatives)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				p, oc, sg, err := a.suggest(ctx, st, &f, &sf)
				if err != nil {
					return err
				}
				if alt < 1 || alt > len(sg.Pathways) {
					if len(sg.Pathways) == 0 {
						return ruleErr("pathway-fits", fmt.Errorf("%s", blockedText(a, sg)))
					}
					return usageErr("--alternative: %s", a.tr().T("plan.err.alternative", "N", len(sg.Pathways)))
				}
				p, err = a.accept(ctx, st, p, oc, sg.Pathways[alt-1])
				if err != nil {
					return err
				}
				return a.report(ctx, st, p, f.json)
			})
		},
	}
	f.register(cmd)
	sf.register(cmd)
	cmd.Flags().IntVar(&alt, "alternative", 1, "which pathway: 1 is the best")
	return cmd
}

// accept appends a pathway's steps that are not in the plan yet and sets the
// plan's occupation when it has none.
func (a *invocation) accept(ctx context.Context, st *app.App, p sessions.Plan, oc catalog.Occupation, pw catalog.Pathway) (sessions.Plan, error) {
	return st.AcceptPathway(ctx, p.ID, oc, pw)
}
