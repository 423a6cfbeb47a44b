package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/tui"
)

// planExport is one export of a person's learning plan.
type planExport struct {
	PersonID string
	Format   export.Format
	// Lang is the document language; "" means the person's language, else the interface's.
	Lang           string
	Notes          bool
	PersonalTitles bool
	// Path is the file to write; "" or "-" writes to stdout.
	Path string
}

func newExportPlanCmd(a *invocation) *cobra.Command {
	var req planExport
	var format string
	cmd := &cobra.Command{
		Use:   "plan --person ID --format pdf|md|html|json|ics [-o FILE]",
		Short: "Export a person's learning plan: PDF to print, Markdown, HTML, ELM-aligned JSON or iCalendar",
		Long: `Export the person's agreed learning plan for hand-over.

The document is in the person's language unless --lang is given. It shows who
and when, the goals, the pathway with each step's Annex I essentials, the
funding per scheme (balances as of their date), skill coverage, the agreed
actions and the next appointment. Session notes are left out unless --notes is
given. Without -o the export goes to stdout. Every export is recorded in the
person's audit log.

The JSON is JSON-LD aligned with the European Learning Model (each step a
LearningOpportunity with EU vocabulary URIs); koers import reads it back.`,
		Example: "  koers export plan --person 0193… --format pdf -o plan.pdf\n  koers export plan --person 0193… --format ics --lang fr -o plan.ics",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := export.ParseFormat(format)
			if err != nil {
				return usageErr("--format: %v", err)
			}
			req.Format = f
			if req.PersonID == "" {
				return usageErr("--person: is required")
			}
			if cmd.Flags().Changed("lang") {
				req.Lang = a.lang
			}
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				res, err := a.exportPlan(ctx, st, req)
				if err != nil {
					return err
				}
				if res.Path != "" {
					fmt.Fprintln(a.stderr, a.tr().T("export.cli.wrote", "Path", res.Path, "Bytes", res.Bytes))
				}
				if len(res.Undrawable) > 0 {
					fmt.Fprintln(a.stderr, a.tr().T("export.warn.undrawable", "Count", len(res.Undrawable), "Chars", undrawableList(res.Undrawable)))
				}
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&req.PersonID, "person", "", "the person's id")
	fl.StringVar(&format, "format", "", "Document format: pdf, md, html, json or ics")
	fl.StringVarP(&req.Path, "output", "o", "", "file to write (default: stdout)")
	fl.BoolVar(&req.Notes, "notes", false, "include the session notes (restricted)")
	fl.BoolVar(&req.PersonalTitles, "personal-titles", false, "Put the person's name in iCalendar event titles")
	return cmd
}

// undrawableList names characters a PDF could not draw: each as itself
// (made safe for the terminal) and as its code point, so that one the
// terminal cannot show either is still named.
func undrawableList(rs []rune) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%s (U+%04X)", present.TerminalText(string(r)), r)
	}
	return strings.Join(parts, ", ")
}

// exportPlan runs the export use-case with this invocation's streams.
func (a *invocation) exportPlan(ctx context.Context, st *app.App, req planExport) (app.ExportResult, error) {
	return st.ExportPlan(ctx, app.PlanExport{PersonID: req.PersonID, Format: req.Format, Lang: req.Lang, FallbackLang: a.lang,
		Notes: req.Notes, PersonalTitles: req.PersonalTitles, Path: req.Path, Stdout: present.Raw(a.stdout)})
}

// tuiExporter lets the TUI's export dialog run the same export as the
// command line.
type tuiExporter struct {
	a  *invocation
	st *app.App
}

// Resolve implements tui.Exporter: the absolute path of a file name.
func (e tuiExporter) Resolve(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// ExportPlan implements tui.Exporter.
func (e tuiExporter) ExportPlan(ctx context.Context, req tui.ExportRequest) (tui.ExportResult, error) {
	path, err := filepath.Abs(req.Path)
	if err != nil {
		return tui.ExportResult{}, fmt.Errorf("file %s: %w", req.Path, err)
	}
	res, err := e.a.exportPlan(ctx, e.st, planExport{PersonID: req.PersonID, Format: req.Format, Lang: req.Lang, Notes: req.Notes, Path: path})
	if err != nil {
		return tui.ExportResult{}, err
	}
	return tui.ExportResult{Path: res.Path, Bytes: res.Bytes, Undrawable: res.Undrawable}, nil
}
