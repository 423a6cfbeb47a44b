package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/store"
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
			st, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := a.exportPlan(ctx, st, req)
			if errors.Is(err, store.ErrNotFound) {
				return usageErr("--person: %v", err)
			}
			if err != nil {
				return err
			}
			if res.Path != "" {
				fmt.Fprintln(a.stderr, a.tr().T("export.cli.wrote", "Path", res.Path, "Bytes", res.Bytes))
			}
			return nil
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

// exportResult says where an export went.
type exportResult struct {
	Path  string
	Bytes int64
}

// exportPlan builds the person's plan document, renders it, records the
// export in the audit log and writes it (atomically when to a file).
func (a *invocation) exportPlan(ctx context.Context, st *store.Store, req planExport) (exportResult, error) {
	p, tr, err := a.buildPlan(ctx, st, req)
	if err != nil {
		return exportResult{}, err
	}
	opt := export.Options{Tr: tr, Now: a.now, PersonalTitles: req.PersonalTitles, Location: time.Local}
	var buf bytes.Buffer
	if err := export.Write(&buf, req.Format, p, opt); err != nil {
		return exportResult{}, err
	}
	detail := fmt.Sprintf("plan %s format=%s lang=%s notes=%t", p.ID, req.Format, tr.Lang(), req.Notes)
	if err := st.Audit(ctx, req.PersonID, "export", detail); err != nil {
		return exportResult{}, fmt.Errorf("record export: %w", err)
	}
	if req.Path == "" || req.Path == "-" {
		n, err := a.stdout.Write(buf.Bytes())
		return exportResult{Bytes: int64(n)}, err
	}
	if err := writeAtomic(req.Path, buf.Bytes()); err != nil {
		return exportResult{}, err
	}
	return exportResult{Path: req.Path, Bytes: int64(buf.Len())}, nil
}

// buildPlan assembles the document and picks its language: --lang, else
// the person's, else the interface's.
func (a *invocation) buildPlan(ctx context.Context, st *store.Store, req planExport) (*export.Plan, *locale.Tr, error) {
	lang := req.Lang
	if lang == "" {
		person, err := st.Person(ctx, req.PersonID)
		if err != nil {
			return nil, nil, fmt.Errorf("person %s: %w", req.PersonID, err)
		}
		lang = person.Language
	}
	if lang == "" {
		lang = a.lang
	}
	tr := a.cat.For(lang)
	p, err := export.Build(ctx, st, req.PersonID, export.BuildOptions{
		Counsellor: a.counsellor,
		Notes:      req.Notes,
		Now:        a.now,
		Pathway:    pathwayLoader(st, tr, a.now),
		SchemeName: func(code string) string { return schemeName(tr, code) },
	})
	if err != nil {
		return nil, nil, err
	}
	return p, tr, nil
}

// schemeName is the scheme's name in the catalogue, or its code.
func schemeName(tr *locale.Tr, code string) string {
	if id := "export.scheme." + code; tr.Has(id) {
		return tr.T(id)
	}
	return code
}

// writeAtomic writes data to path through a temporary file in the same
// folder, so a failure never leaves half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".koers-export-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// tuiExporter lets the TUI's export dialog run the same export as the
// command line.
type tuiExporter struct {
	a  *invocation
	st *store.Store
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
	return tui.ExportResult{Path: res.Path, Bytes: res.Bytes}, nil
}
