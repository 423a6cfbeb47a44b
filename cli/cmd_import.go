package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

type importFlags struct {
	format, source, mapFile string
	dryRun, full, json      bool
}

func newImportCmd(a *invocation) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import [flags] PATH...",
		Short: "Import registers (JSON lines, CSV, ELM/EDC, Open Badges 3.0, LOQ) and the ESCO taxonomy",
		Long: "Import register files and the ESCO download in one transaction: all of it, or, on any problem, nothing.\n" +
			"PATH is a file, a folder or a zip. The format is detected from the content (--format overrides):\n" +
			"  jsonl  koers's own JSON lines (what koers gen and koers export register write)\n" +
			"  csv    koers's columns, or a provider's own columns with --map FILE (see the README)\n" +
			"  elm    European Learning Model v3 / European Digital Credential JSON-LD\n" +
			"  ob3    Open Badges 3.0 achievement credentials\n" +
			"  loq    ELM learning-opportunity register XML\n" +
			"  esco   the ESCO CSV download (zip as served, or the extracted folder), any languages\n" +
			"Re-importing a source is idempotent; with --full, its entries missing from the input are withdrawn.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runImport(cmd.Context(), a, f, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "auto", "auto, jsonl, csv, elm, ob3, loq, esco or ctdl")
	fl.StringVar(&f.source, "source", "", "register source name of the entries (default: the file's own, else the file name)")
	fl.StringVar(&f.mapFile, "map", "", "mapping file (JSON) for a provider's own CSV columns")
	fl.BoolVar(&f.dryRun, "dry-run", false, "read and check everything, change nothing")
	fl.BoolVar(&f.full, "full", false, "each source's input is its whole register: withdraw its entries the input lacks")
	fl.BoolVar(&f.json, "json", false, "print the summary as JSON")
	return cmd
}

func runImport(ctx context.Context, a *invocation, f importFlags, paths []string) error {
	tr := a.tr()
	format, err := catalog.ParseFormat(f.format)
	if err != nil {
		return usageErr("--format: %v", err)
	}
	opt := app.ImportOptions{Format: format, Source: strings.TrimSpace(f.source), DryRun: f.dryRun, Full: f.full}
	if f.mapFile != "" {
		mf, err := os.Open(f.mapFile)
		if err != nil {
			return usageErr("--map: %v", err)
		}
		m, err := catalog.ParseMapping(mf, f.mapFile)
		mf.Close()
		if err != nil {
			return usageErr("--map: %v", err)
		}
		opt.Map = m
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return usageErr("%s", tr.T("import.err.path", "Path", p))
		}
	}
	a.realData = true // a database this creates starts empty (issue 12)
	st, done, err := a.openForImport(ctx, f.dryRun)
	if err != nil {
		return err
	}
	defer done()
	// Learning-plan exports go onto the person's file, after the register
	// they may refer to (export, issue 6: cmd_importplan.go).
	planPaths, paths := planFiles(paths)
	var rep app.ImportReport
	if len(paths) > 0 || len(planPaths) == 0 {
		pr := newProgressPrinter(a)
		opt.Progress = pr.update
		rep, err = st.Import(ctx, paths, opt)
		pr.finish()
	}
	if err != nil && !errors.Is(err, app.ErrImportInput) {
		return fmt.Errorf("import: %w", err)
	}
	var plans []importedPlan
	if err == nil && len(planPaths) > 0 {
		if plans, err = a.importPlans(ctx, st, planPaths, f.dryRun); err != nil {
			return err
		}
		if !f.json {
			for _, p := range plans {
				fmt.Fprintln(a.stderr, tr.T("export.import.done", "Steps", p.Steps, "Person", p.PersonID, "Path", p.Path))
			}
		}
	}
	if f.json {
		sum := importSummary(rep)
		if plans != nil {
			sum["plans"] = plans
		}
		enc := json.NewEncoder(present.Raw(a.stdout))
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(sum); jerr != nil {
			return jerr
		}
	}
	if err != nil {
		for _, e := range rep.Errors {
			fmt.Fprintln(a.stderr, "  "+e.Error())
		}
		if rep.MoreErrors > 0 {
			fmt.Fprintln(a.stderr, "  "+tr.N("import.err.shown", len(rep.Errors)+rep.MoreErrors, "Shown", len(rep.Errors)))
		}
		if len(rep.Errors) == 0 {
			return usageErr("%v", err)
		}
		return usageErr("%s", tr.N("import.err.refused", len(rep.Errors)+rep.MoreErrors))
	}
	if !f.json && (len(paths) > 0 || len(planPaths) == 0) {
		printImportSummary(a, rep)
	}
	return nil
}

// importSummary is `koers import --json`: counts per kind and per outcome.
func importSummary(rep app.ImportReport) map[string]any {
	read := 0
	for _, f := range rep.Files {
		read += f.Offers
	}
	out := map[string]any{
		"dry_run": rep.DryRun,
		"offers": map[string]int{
			"read": read, "added": rep.Offers.Added, "changed": rep.Offers.Changed, "unchanged": rep.Offers.Unchanged,
			"withdrawn": rep.Offers.Withdrawn, "flagged": rep.Flagged, "errors": len(rep.Errors) + rep.MoreErrors,
		},
		"sources": rep.Sources,
		"files":   rep.Files,
		"errors":  rep.Errors,
	}
	if rep.AnnexI != nil {
		out["annex_i_incomplete"] = rep.AnnexI
	}
	if rep.Sources == nil {
		out["sources"] = []app.SourceCounts{}
	}
	if e := rep.ESCO; e != nil {
		out["occupations"] = map[string]int{"read": e.Occupations, "total": e.Stored["occupation"]}
		out["skills"] = map[string]int{"read": e.Skills, "total": e.Stored["skill"]}
		out["isco_groups"] = map[string]int{"read": e.ISCOGroups, "total": e.Stored["isco_group"]}
		out["skill_groups"] = map[string]int{"read": e.SkillGroups, "total": e.Stored["skill_group"]}
		out["relations"] = map[string]int{"read": e.Relations, "total": e.Stored["relation"], "essential": e.Essential, "optional": e.Optional, "dangling": e.DanglingRelations, "empty_skill_type": e.EmptySkillType}
		out["esco"] = map[string]any{"added": e.Added, "changed": e.Changed, "unchanged": e.Unchanged, "languages": e.Languages, "unlabelled": e.Unlabelled, "ignored_files": len(e.Ignored)}
	}
	return out
}

func printImportSummary(a *invocation, rep app.ImportReport) {
	tr := a.tr()
	w := a.stdout
	if rep.DryRun {
		fmt.Fprintln(w, tr.T("import.dry_run"))
	}
	for _, s := range rep.Sources {
		fmt.Fprintln(w, tr.T("import.source", "Source", s.Source, "Added", s.Added, "Changed", s.Changed, "Unchanged", s.Unchanged, "Withdrawn", s.Withdrawn))
	}
	if rep.Flagged > 0 {
		fmt.Fprintln(w, tr.N("import.flagged", rep.Flagged))
	}
	if ax := rep.AnnexI; ax != nil {
		labels := map[string]string{"awarding_body": "detail.awarding", "learning_outcomes": "detail.outcomes", "workload": "detail.workload",
			"assessment": "detail.assessment", "quality_assurance": "detail.qa"}
		var parts []string
		for _, f := range []string{"awarding_body", "learning_outcomes", "workload", "assessment", "quality_assurance"} {
			if n := ax.Missing[f]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", tr.T(labels[f]), n))
			}
		}
		fmt.Fprintln(w, tr.N("import.annex_i", ax.Offers, "Missing", strings.Join(parts, ", "), "Examples", strings.Join(ax.Examples, "; ")))
	}
	if e := rep.ESCO; e != nil {
		fmt.Fprintln(w, tr.T("import.esco", "Occupations", e.Stored["occupation"], "Skills", e.Stored["skill"], "ISCO", e.Stored["isco_group"], "Groups", e.Stored["skill_group"],
			"Relations", e.Stored["relation"], "Essential", e.Essential, "Langs", strings.Join(e.Languages, ", ")))
		fmt.Fprintln(w, tr.T("import.esco_outcome", "Added", e.Added, "Changed", e.Changed, "Unchanged", e.Unchanged))
		if e.DanglingRelations+e.EmptySkillType+e.Unlabelled > 0 {
			fmt.Fprintln(w, tr.T("import.esco_quirks", "Dangling", e.DanglingRelations, "Empty", e.EmptySkillType, "Unlabelled", e.Unlabelled))
		}
	}
	if len(rep.Sources) == 0 && rep.ESCO == nil {
		fmt.Fprintln(w, tr.T("import.nothing"))
	}
}

// progressPrinter shows import progress on stderr: a bar with rate and ETA
// on a terminal, a plain line every few seconds otherwise.
type progressPrinter struct {
	a          *invocation
	tty        bool
	start      time.Time
	last       time.Time
	printed    bool
	lastUpdate app.ImportProgress
}

func newProgressPrinter(a *invocation) *progressPrinter {
	tty := false
	if f, ok := a.stderr.(*os.File); ok {
		tty = term.IsTerminal(f.Fd())
	}
	now := a.now()
	return &progressPrinter{a: a, tty: tty, start: now, last: now}
}

func (p *progressPrinter) update(u app.ImportProgress) {
	p.lastUpdate = u
	now := p.a.now()
	every := 2 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if now.Sub(p.last) < every {
		return
	}
	p.last = now
	p.print(u, now)
}

func (p *progressPrinter) print(u app.ImportProgress, now time.Time) {
	tr := p.a.tr()
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(u.Done) / el / (1 << 20)
	}
	pct, eta := 0.0, "?"
	if u.Total > 0 {
		pct = min(100, 100*float64(u.Done)/float64(u.Total))
		if rate > 0 {
			left := float64(u.Total-u.Done) / (1 << 20) / rate
			eta = (time.Duration(max(left, 0)) * time.Second).Round(time.Second).String()
		}
	}
	name := filepath.Base(u.File)
	if p.tty {
		const width = 24
		fill := int(pct / 100 * width)
		bar := strings.Repeat("█", fill) + strings.Repeat("░", width-fill)
		fmt.Fprintf(p.a.stderr, "\r%s %3.0f%% %s", bar, pct, tr.T("import.progress", "Offers", u.Offers, "Rows", u.Rows, "Rate", fmt.Sprintf("%.1f", rate), "ETA", eta, "File", name))
		p.printed = true
		return
	}
	fmt.Fprintf(p.a.stderr, "koers import: %3.0f%% %s\n", pct, tr.T("import.progress", "Offers", u.Offers, "Rows", u.Rows, "Rate", fmt.Sprintf("%.1f", rate), "ETA", eta, "File", name))
}

func (p *progressPrinter) finish() {
	if p.printed {
		fmt.Fprint(p.a.stderr, "\r\x1b[K")
	}
}

func newExportRegisterCmd(a *invocation) *cobra.Command {
	var source, out string
	cmd := &cobra.Command{
		Use:   "register [--source NAME] -o FILE",
		Short: "Write the register as JSON lines, re-importable unchanged",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				return exportRegister(ctx, a, st, strings.TrimSpace(source), out)
			})
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "only this register source")
	cmd.Flags().StringVarP(&out, "output", "o", "-", "output file, or - for standard output")
	return cmd
}

func exportRegister(ctx context.Context, a *invocation, st *app.App, source, out string) error {
	w := present.Raw(a.stdout)
	var tmp *os.File
	if out != "-" && out != "" {
		var err error
		tmp, err = os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
		if err != nil {
			return usageErr("-o: %v", err)
		}
		defer os.Remove(tmp.Name())
		w = tmp
	}
	n, err := catalog.WriteJSONLines(w, st.EachOffer(ctx, source))
	if err != nil {
		if tmp != nil {
			tmp.Close()
		}
		return fmt.Errorf("export register: %w", err)
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("export register: %w", err)
		}
		if err := os.Rename(tmp.Name(), out); err != nil {
			return fmt.Errorf("export register: %w", err)
		}
	}
	fmt.Fprintln(a.stderr, a.tr().N("import.exported", n))
	return nil
}

func newOccupationCmd(a *invocation) *cobra.Command { return newConceptCmd(a, catalog.KindOccupation) }

func newSkillCmd(a *invocation) *cobra.Command { return newConceptCmd(a, catalog.KindSkill) }

// conceptJSON is one match as ../shared/CLI.md gives it.
type conceptJSON struct {
	URI          string  `json:"uri"`
	Label        string  `json:"label"`
	LabelLang    string  `json:"label_lang"`
	MatchedLabel string  `json:"matched_label"`
	MatchedLang  string  `json:"matched_lang"`
	ISCO         *string `json:"isco"`
	Score        float64 `json:"score"`
}

func newConceptCmd(a *invocation, kind catalog.ConceptKind) *cobra.Command {
	var limit int
	var asJSON bool
	use, short := "occupation QUERY", "Find ESCO occupations by label, in every loaded language"
	if kind == catalog.KindSkill {
		use, short = "skill QUERY", "Find ESCO skills by label, in every loaded language"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  short + ".\nLabels are matched folded for case, accents, apostrophes, hyphens and gender pairs (coiffeur/coiffeuse);\nresults are labelled in the interface language (--lang), or another where a concept lacks it.",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return usageErr("--limit: %d is not 1 or more", limit)
			}
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				ms, err := st.MatchConcepts(ctx, kind, strings.Join(args, " "), a.lang, limit)
				if err != nil {
					return err
				}
				if len(ms) == 0 {
					fmt.Fprintln(a.stderr, a.tr().T("import.concepts.none", "Query", strings.Join(args, " ")))
				}
				if asJSON {
					out := make([]conceptJSON, len(ms))
					for i, m := range ms {
						out[i] = conceptJSON{URI: m.URI, Label: m.Label, LabelLang: m.LabelLang, MatchedLabel: m.MatchedLabel, MatchedLang: m.MatchedLang, ISCO: nstr(m.ISCO), Score: m.Score}
					}
					enc := json.NewEncoder(present.Raw(a.stdout))
					enc.SetIndent("", "  ")
					return enc.Encode(out)
				}
				for _, m := range ms {
					line := m.Label
					if m.LabelLang != a.lang {
						line += " [" + m.LabelLang + "]"
					}
					if !strings.EqualFold(m.MatchedLabel, m.Label) {
						line += "  ← " + m.MatchedLabel + " [" + m.MatchedLang + "]"
					}
					if m.ISCO != "" {
						line += "  ISCO " + m.ISCO
					}
					fmt.Fprintf(a.stdout, "%-70s %s\n", line, m.URI)
				}
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 10, "at most this many results")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the matches as JSON")
	return cmd
}
