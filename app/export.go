package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

// PlanExport is one export of a person's learning plan.
type PlanExport struct {
	PersonID string
	Format   export.Format
	// Lang is the document language; "" means the person's language, else
	// FallbackLang.
	Lang           string
	FallbackLang   string
	Notes          bool
	PersonalTitles bool
	// Path is the file to write; "" or "-" writes to Stdout.
	Path   string
	Stdout io.Writer
}

// ExportResult says where an export went.
type ExportResult struct {
	Path  string // as given ("" for stdout)
	Bytes int64
}

// ExportPlan builds the person's plan document, renders it, records the
// export in the person's audit log and writes it (atomically when to a
// file: a failure never leaves half a file).
func (a *App) ExportPlan(ctx context.Context, req PlanExport) (ExportResult, error) {
	if err := a.ensureESCO(ctx); err != nil {
		return ExportResult{}, err
	}
	if _, err := a.MustPerson(ctx, "--person", req.PersonID); err != nil {
		return ExportResult{}, err
	}
	if _, err := a.gate(ctx, req.PersonID, sessions.OpExportPerson); err != nil {
		return ExportResult{}, err
	}
	p, tr, err := a.buildPlan(ctx, req)
	if err != nil {
		return ExportResult{}, err
	}
	opt := export.Options{Tr: tr, Now: a.now, PersonalTitles: req.PersonalTitles, Location: time.Local}
	var buf bytes.Buffer
	if err := export.Write(&buf, req.Format, p, opt); err != nil {
		return ExportResult{}, err
	}
	detail := fmt.Sprintf("plan %s format=%s lang=%s notes=%t", p.ID, req.Format, tr.Lang(), req.Notes)
	if err := a.st.Audit(ctx, req.PersonID, "export", detail); err != nil {
		return ExportResult{}, fmt.Errorf("record export: %w", err)
	}
	if req.Path == "" || req.Path == "-" {
		w := req.Stdout
		if w == nil {
			w = io.Discard
		}
		n, err := w.Write(buf.Bytes())
		return ExportResult{Bytes: int64(n)}, err
	}
	if err := WriteAtomic(req.Path, buf.Bytes()); err != nil {
		return ExportResult{}, err
	}
	return ExportResult{Path: req.Path, Bytes: int64(buf.Len())}, nil
}

// buildPlan assembles the document and picks its language: req.Lang, else
// the person's, else the fallback.
func (a *App) buildPlan(ctx context.Context, req PlanExport) (*export.Plan, *locale.Tr, error) {
	lang := req.Lang
	if lang == "" {
		person, err := a.st.Person(ctx, req.PersonID)
		if err != nil {
			return nil, nil, fmt.Errorf("person %s: %w", req.PersonID, err)
		}
		lang = person.Language
	}
	if lang == "" {
		lang = req.FallbackLang
	}
	tr := a.cat.For(lang)
	schemes, err := a.st.Schemes(ctx)
	if err != nil {
		return nil, nil, err
	}
	pr := present.New(tr, schemes)
	p, err := export.Build(ctx, a.st, req.PersonID, export.BuildOptions{
		Counsellor: a.actor,
		Notes:      req.Notes,
		Now:        a.now,
		Pathway:    a.pathwayLoader(tr),
		SchemeName: pr.SchemeLong,
	})
	if err != nil {
		return nil, nil, err
	}
	return p, tr, nil
}

// pathwayLoader loads the person's agreed plan (else their newest) for the
// export: its steps with their register entries, the planner's checks and
// totals as of today, and the skill gap towards the target occupation. A
// person without a plan gets an empty pathway.
func (a *App) pathwayLoader(tr *locale.Tr) func(ctx context.Context, personID string) (export.Pathway, error) {
	return func(ctx context.Context, personID string) (export.Pathway, error) {
		p, err := a.st.CurrentPlan(ctx, personID, false)
		if errors.Is(err, ErrNoPlan) {
			return export.Pathway{Steps: []export.Step{}}, nil
		}
		if err != nil {
			return export.Pathway{}, err
		}
		today := catalog.DateOf(a.now())
		rep, err := a.Report(ctx, p, today)
		if err != nil {
			return export.Pathway{}, fmt.Errorf("check plan %s: %w", p.ID, err)
		}
		in := export.PathwayInput{Plan: rep.Plan, Totals: rep.Totals, Warnings: rep.Warnings, Offers: map[string]catalog.Offer{}}
		for _, s := range p.Steps {
			if s.OfferID == "" || !s.Status.Active() {
				continue
			}
			o, err := a.st.Offer(ctx, s.OfferID)
			if errors.Is(err, ErrNotFound) {
				continue // the checks warn about it
			}
			if err != nil {
				return export.Pathway{}, fmt.Errorf("offer %s: %w", s.OfferID, err)
			}
			in.Offers[s.OfferID] = o
		}
		if p.StackTarget != "" {
			if o, err := a.st.Offer(ctx, p.StackTarget); err == nil {
				in.StackTitle = o.Title
			}
		}
		if p.OccupationURI != "" {
			oc, err := a.st.OccupationSkills(ctx, p.OccupationURI, tr.Lang())
			switch {
			case err == nil:
				if oc.Label != "" {
					in.Plan.OccupationLabel = oc.Label // in the document language where ESCO has it
				}
				g, err := a.st.Gap(ctx, personID, &p, oc, today)
				if err != nil {
					return export.Pathway{}, fmt.Errorf("skill gap: %w", err)
				}
				in.Gap = &g
			case !errors.Is(err, ErrNotFound):
				return export.Pathway{}, fmt.Errorf("occupation %s: %w", p.OccupationURI, err)
			}
		}
		if in.Schemes, err = a.st.Schemes(ctx); err != nil {
			return export.Pathway{}, err
		}
		return export.FromPlan(in, tr), nil
	}
}

// WriteAtomic writes data to path through a temporary file in the same
// folder, so a failure never leaves half a file.
func WriteAtomic(path string, data []byte) error {
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
