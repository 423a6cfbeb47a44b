package store

import (
	"archive/zip"
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// ImportOptions configure one `koers import` run.
type ImportOptions struct {
	// Format forces a format; FormatAuto (or "") detects it per file.
	Format catalog.Format
	// Source names the register the entries come from (default: the
	// file's own source field, else the file name).
	Source string
	// Map reads a provider's own CSV.
	Map *catalog.Mapping
	// DryRun reads, validates and counts everything, then rolls back.
	DryRun bool
	// Full says each source's input is its whole register: its entries
	// that the input lacks are marked withdrawn (never deleted).
	Full bool
	// Progress, if set, is called as input is read.
	Progress func(ImportProgress)
}

// ImportProgress is how far an import is.
type ImportProgress struct {
	File   string // the file being read
	Done   int64  // bytes read of all inputs
	Total  int64  // bytes of all inputs (0: unknown)
	Offers int    // offers read so far
	Rows   int    // ESCO rows read so far
}

// SourceCounts is what an import did to one register source.
type SourceCounts struct {
	Source string `json:"source"`
	OfferCounts
}

// ImportReport is what a whole import run did.
type ImportReport struct {
	DryRun  bool           `json:"dry_run"`
	Files   []FileReport   `json:"files"`
	Offers  OfferCounts    `json:"offers"`
	Sources []SourceCounts `json:"sources"`
	Flagged int            `json:"flagged"` // offers imported with flags
	// AnnexI counts the offers that do not state every element Annex I
	// asks of a micro-credential (they import; the counsellor is told).
	AnnexI *AnnexIReport        `json:"annex_i_incomplete,omitempty"`
	ESCO   *ESCOCounts          `json:"esco,omitempty"`
	Errors catalog.ImportErrors `json:"errors"`
	// MoreErrors counts problems beyond the reported limit.
	MoreErrors int `json:"more_errors,omitempty"`
}

// AnnexIReport is how many imported offers leave Annex I elements
// unstated, per element (catalog.Offer.AnnexIMissing's names), with the
// first few of them named (file and source id).
type AnnexIReport struct {
	Offers   int            `json:"offers"`
	Missing  map[string]int `json:"missing"`
	Examples []string       `json:"examples"`
}

// note counts one offer's missing elements.
func (r *AnnexIReport) note(file string, o catalog.Offer, missing []string) {
	r.Offers++
	if r.Missing == nil {
		r.Missing = map[string]int{}
	}
	for _, m := range missing {
		r.Missing[m]++
	}
	if len(r.Examples) < 5 {
		r.Examples = append(r.Examples, file+": "+o.SourceID)
	}
}

// FileReport is one input file and its format.
type FileReport struct {
	Path   string         `json:"path"`
	Format catalog.Format `json:"format"`
	Offers int            `json:"offers"`
}

// errDryRunImport rolls a dry-run import back.
var errDryRunImport = errors.New("dry run")

// ErrImportInput marks problems with the input (exit 2); the report's
// Errors hold each with its file, line or pointer, and field.
var ErrImportInput = errors.New("invalid input")

// unit is one input to read: a file, a zip entry, or an ESCO download.
type unit struct {
	name   string
	format catalog.Format
	size   int64
	open   func() (io.ReadCloser, error)
	esco   fs.FS // for FormatESCO
}

// Import reads every path (files, folders, zips) and writes all of it as
// one new register generation: every offer and ESCO row, or, if any input
// has a problem, nothing. Offers are staged in short transactions and swapped
// in by a short final one (import_stage.go), so that other writers never
// wait long. The report lists every problem (up to catalog.MaxImportErrors)
// with its file and line or pointer; the error is then ErrImportInput.
func (s *Store) Import(ctx context.Context, paths []string, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{DryRun: opt.DryRun, Errors: catalog.ImportErrors{}}
	units, closers, err := expandInputs(paths, opt.Format)
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	if err != nil {
		return rep, err
	}
	var total int64
	for _, u := range units {
		total += u.size
	}
	var errs catalog.Errs
	prog := &progress{fn: opt.Progress, total: total}
	var st *stage // nil in a dry run: it only reads
	var w *offerWriter
	if opt.DryRun {
		w, err = newOfferWriter(ctx, nil, s.db, s.Actor(), s.stamp())
		if err != nil {
			return rep, err
		}
	} else {
		if st, err = s.beginStage(ctx, prog.percent); err != nil {
			return rep, err
		}
		if w, err = newOfferWriter(ctx, st, nil, s.Actor(), s.stamp()); err != nil {
			return rep, errors.Join(err, st.abort(ctx))
		}
	}
	defer w.close()
	err = s.stageUnits(ctx, w, units, opt, &rep, &errs, prog)
	if err == nil && len(errs.List) > 0 {
		err = ErrImportInput
	}
	final := func(tx *sql.Tx) error {
		if err := s.importESCO(ctx, tx, units, &rep, &errs, prog); err != nil {
			return err
		}
		if len(errs.List) > 0 {
			return ErrImportInput
		}
		if opt.DryRun {
			return errDryRunImport // ESCO rows are counted, then rolled back
		}
		return w.finishImport(tx)
	}
	switch {
	case err == nil && opt.DryRun:
		err = s.Tx(ctx, final)
	case err == nil:
		if err = w.commit(ctx, true); err == nil {
			err = st.finish(ctx, final)
		}
	}
	if err != nil && st != nil {
		if aerr := st.abort(ctx); aerr != nil {
			err = errors.Join(err, aerr)
		}
	}
	if err == nil || errors.Is(err, errDryRunImport) {
		for _, r := range w.runs {
			rep.Offers.Withdrawn += r.counts.Withdrawn
			for i := range rep.Sources {
				if rep.Sources[i].Source == r.source {
					rep.Sources[i].Withdrawn += r.counts.Withdrawn
				}
			}
		}
	}
	rep.Errors = append(rep.Errors, errs.List...)
	rep.MoreErrors = errs.Dropped
	sort.Slice(rep.Sources, func(i, j int) bool { return rep.Sources[i].Source < rep.Sources[j].Source })
	switch {
	case errors.Is(err, errDryRunImport):
		return rep, nil
	case err != nil && len(rep.Errors) > 0:
		return rep, fmt.Errorf("%w: %w", ErrImportInput, rep.Errors)
	case err != nil:
		return rep, err
	}
	return rep, nil
}

// stageUnits stages every offer file of units; ESCO units wait for the
// final transaction (importESCO).
func (s *Store) stageUnits(ctx context.Context, w *offerWriter, units []unit, opt ImportOptions, rep *ImportReport, errs *catalog.Errs, prog *progress) error {
	bySource := map[string]int{}
	seenFull := map[string]bool{}
	for _, u := range units {
		if err := ctx.Err(); err != nil {
			return err
		}
		if u.format == catalog.FormatESCO {
			continue
		}
		prog.file = u.name
		fr := FileReport{Path: u.name, Format: u.format}
		rc, err := u.open()
		if err != nil {
			errs.Add(catalog.ImportError{File: u.name, Msg: err.Error()})
			continue
		}
		cr := &countingReader{r: rc, p: prog}
		offers, stop := pipeline(parse(ctx, u.format, bufio.NewReaderSize(cr, 64<<10), u.name, catalog.ParseOptions{Source: opt.Source, Map: opt.Map}, errs))
		err = s.importRuns(ctx, w, offers, opt, rep, &fr, bySource, seenFull, prog)
		stop() // the parser has finished: errs is ours again
		rc.Close()
		rep.Files = append(rep.Files, fr)
		if dk := (*DuplicateKeyError)(nil); errors.As(err, &dk) {
			before := errs.Total()
			if err := reportDuplicates(ctx, u, opt, errs); err != nil {
				return err
			}
			if errs.Total() == before { // the second read found none: still refuse, naming the key
				errs.Add(catalog.ImportError{File: u.name, Field: "source_id", Msg: dk.Error()})
			}
			continue // the import is refused: the other files are read for their problems
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// importESCO reads the ESCO units into tx.
func (s *Store) importESCO(ctx context.Context, tx *sql.Tx, units []unit, rep *ImportReport, errs *catalog.Errs, prog *progress) error {
	var ew *escoWriter
	var escoCounts ESCOCounts
	defer func() {
		if ew != nil {
			ew.close()
		}
	}()
	for _, u := range units {
		if u.format != catalog.FormatESCO {
			continue
		}
		prog.file = u.name
		if ew == nil {
			var err error
			if ew, err = s.newESCOWriter(ctx, tx, &escoCounts); err != nil {
				return err
			}
		}
		v := ew.visitor()
		v.Concept = prog.countRow(v.Concept)
		v.Relation = prog.countRel(v.Relation)
		r, err := catalog.ReadESCO(ctx, u.esco, u.name, v)
		escoCounts.add(r)
		prog.doneBytes(u.size)
		rep.Files = append(rep.Files, FileReport{Path: u.name, Format: u.format})
		if err != nil {
			var ie catalog.ImportErrors
			if errors.As(err, &ie) {
				for _, e := range ie {
					errs.Add(e)
				}
				continue
			}
			return err
		}
	}
	if ew != nil {
		if err := ew.finish(); err != nil {
			return err
		}
		rep.ESCO = &escoCounts
	}
	return nil
}

// importRuns feeds one file's offers to the register in runs of the same
// source (an exported register holds several sources, in order).
func (s *Store) importRuns(ctx context.Context, w *offerWriter, offers iter.Seq[catalog.Offer], opt ImportOptions, rep *ImportReport, fr *FileReport, bySource map[string]int, seenFull map[string]bool, prog *progress) error {
	next, stop := iter.Pull(offers)
	defer stop()
	o, ok := next()
	for ok {
		source := o.Source
		if opt.Full && seenFull[source] {
			return fmt.Errorf("%w: --full: source %q appears in more than one file or run; import its whole register from one file", ErrImportInput, source)
		}
		seenFull[source] = true
		run := func(yield func(catalog.Offer, error) bool) {
			for ok && o.Source == source {
				if len(o.Flags) > 0 {
					rep.Flagged++
				}
				if m := o.AnnexIMissing(); len(m) > 0 {
					if rep.AnnexI == nil {
						rep.AnnexI = &AnnexIReport{}
					}
					rep.AnnexI.note(fr.Path, o, m)
				}
				fr.Offers++
				prog.offer()
				if !yield(o, nil) {
					return
				}
				o, ok = next()
			}
		}
		n, err := s.importOffers(ctx, w, source, run, OfferImportOptions{Full: opt.Full})
		if err != nil {
			return err
		}
		// Drain what the run left unread (importOffers stops early only
		// on error, handled above).
		for ok && o.Source == source {
			o, ok = next()
		}
		i, seen := bySource[source]
		if !seen {
			i = len(rep.Sources)
			bySource[source] = i
			rep.Sources = append(rep.Sources, SourceCounts{Source: source})
		}
		sc := &rep.Sources[i].OfferCounts
		sc.Added += n.Added
		sc.Changed += n.Changed
		sc.Unchanged += n.Unchanged
		rep.Offers.Added += n.Added
		rep.Offers.Changed += n.Changed
		rep.Offers.Unchanged += n.Unchanged
	}
	return nil
}

// parse picks the parser of format.
func parse(ctx context.Context, f catalog.Format, r io.Reader, name string, opt catalog.ParseOptions, errs *catalog.Errs) iter.Seq[catalog.Offer] {
	switch f {
	case catalog.FormatCSV:
		return catalog.ParseCSV(ctx, r, name, opt, errs)
	case catalog.FormatELM:
		return catalog.ParseELM(ctx, r, name, opt, errs)
	case catalog.FormatOB3:
		return catalog.ParseOB3(ctx, r, name, opt, errs)
	case catalog.FormatLOQ:
		return catalog.ParseLOQ(ctx, r, name, opt, errs)
	case catalog.FormatCTDL:
		return catalog.ParseCTDL(ctx, r, name, opt, errs)
	}
	return catalog.ParseJSONLines(ctx, r, name, opt, errs)
}

// expandInputs turns paths into units: a folder or zip holding ESCO CSV
// files is one ESCO unit; otherwise each file (or zip entry) is one unit
// with its format detected from its first bytes unless forced.
func expandInputs(paths []string, force catalog.Format) ([]unit, []io.Closer, error) {
	var units []unit
	var closers []io.Closer
	if len(paths) == 0 {
		return nil, nil, fmt.Errorf("%w: no input paths", ErrImportInput)
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, closers, fmt.Errorf("%w: %v", ErrImportInput, err)
		}
		if st.IsDir() {
			// A folder of zips (the ESCO download as served: one zip for the
			// classification, one for the relations) imports its zips.
			if zips := zipsIn(p); len(zips) > 0 {
				us, cs, err := expandInputs(zips, force)
				closers = append(closers, cs...)
				if err != nil {
					return nil, closers, err
				}
				units = append(units, us...)
				rest, err := fsUnits(os.DirFS(p), p, force, dirFile(p))
				if err == nil {
					units = append(units, rest...)
				} else if !errors.Is(err, catalog.ErrNoESCOFiles) {
					return nil, closers, err
				}
				continue
			}
			us, err := fsUnits(os.DirFS(p), p, force, dirFile(p))
			if err != nil {
				return nil, closers, err
			}
			units = append(units, us...)
			continue
		}
		head, err := readHead(p)
		if err != nil {
			return nil, closers, fmt.Errorf("%w: %v", ErrImportInput, err)
		}
		if catalog.IsZip(head) {
			z, err := zip.OpenReader(p)
			if err != nil {
				return nil, closers, fmt.Errorf("%w: %s: not a readable zip: %v", ErrImportInput, p, err)
			}
			closers = append(closers, z)
			if err := checkZip(p, &z.Reader, catalog.Limits{}); err != nil {
				return nil, closers, err
			}
			us, err := fsUnits(z, p, force, func(name string) (int64, func() (io.ReadCloser, error)) {
				var size int64
				if fi, err := fs.Stat(z, name); err == nil {
					size = fi.Size()
				}
				return size, func() (io.ReadCloser, error) { return z.Open(name) }
			})
			if err != nil {
				return nil, closers, err
			}
			units = append(units, us...)
			continue
		}
		f := force
		if f == "" || f == catalog.FormatAuto {
			f = catalog.DetectFormat(p, head)
		}
		if f == catalog.FormatESCO {
			if _, _, ok := catalog.ESCOFileKind(p); !ok {
				return nil, closers, fmt.Errorf("%w: %s: --format esco: %w", ErrImportInput, p, catalog.ErrNoESCOFiles)
			}
			dir, base := filepath.Dir(p), filepath.Base(p)
			units = append(units, unit{name: p, format: f, size: st.Size(), esco: onlyFile{os.DirFS(dir), base}})
			continue
		}
		path := p
		units = append(units, unit{name: p, format: f, size: st.Size(), open: func() (io.ReadCloser, error) { return os.Open(path) }})
	}
	return units, closers, nil
}

// fsUnits expands a folder or zip.
func fsUnits(fsys fs.FS, label string, force catalog.Format, file func(string) (int64, func() (io.ReadCloser, error))) ([]unit, error) {
	var names []string
	escoFiles := 0
	var size int64
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		base := path.Base(p)
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "__MACOSX")) {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(base, ".") {
			return nil
		}
		if _, _, ok := catalog.ESCOFileKind(base); ok {
			escoFiles++
		}
		n, _ := file(p)
		size += n
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", ErrImportInput, label, err)
	}
	if force == catalog.FormatESCO || escoFiles > 0 {
		if escoFiles == 0 {
			return nil, fmt.Errorf("%w: %s: %w", ErrImportInput, label, catalog.ErrNoESCOFiles)
		}
		return []unit{{name: label, format: catalog.FormatESCO, size: size, esco: fsys}}, nil
	}
	var units []unit
	for _, n := range names {
		sz, open := file(n)
		f := force
		if f == "" || f == catalog.FormatAuto {
			rc, err := open()
			if err != nil {
				return nil, fmt.Errorf("%w: %s/%s: %v", ErrImportInput, label, n, err)
			}
			head := make([]byte, 4096)
			k, _ := io.ReadFull(rc, head)
			rc.Close()
			f = catalog.DetectFormat(n, head[:k])
			if !importable(n, head[:k]) {
				continue // not a register file (README, images)
			}
		}
		units = append(units, unit{name: label + "/" + n, format: f, size: sz, open: open})
	}
	if len(units) == 0 {
		return nil, fmt.Errorf("%w: %s: no register or ESCO files (%w)", ErrImportInput, label, catalog.ErrNoESCOFiles)
	}
	return units, nil
}

// zipsIn lists the zip files directly in dir, sorted.
func zipsIn(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var zips []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".zip") {
			zips = append(zips, filepath.Join(dir, e.Name()))
		}
	}
	return zips
}

// dirFile opens files of the folder dir for fsUnits.
func dirFile(dir string) func(string) (int64, func() (io.ReadCloser, error)) {
	return func(name string) (int64, func() (io.ReadCloser, error)) {
		full := filepath.Join(dir, filepath.FromSlash(name))
		var size int64
		if fi, err := os.Stat(full); err == nil {
			size = fi.Size()
		}
		return size, func() (io.ReadCloser, error) { return os.Open(full) }
	}
}

// importable reports whether a file in a folder or zip looks like an
// import file (by extension), so that READMEs and images are skipped.
func importable(name string, head []byte) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".jsonl", ".ndjson", ".json", ".jsonld", ".csv", ".xml", ".tsv":
		return true
	}
	return false
}

func readHead(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return head[:n], nil
}

// onlyFile is a file system holding one file of a folder (a single ESCO
// CSV given by path).
type onlyFile struct {
	fs   fs.FS
	name string
}

func (o onlyFile) Open(name string) (fs.File, error) {
	if name == "." {
		return o.fs.Open(".")
	}
	if name != o.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.fs.Open(name)
}

func (o onlyFile) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	all, err := fs.ReadDir(o.fs, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range all {
		if e.Name() == o.name {
			return []fs.DirEntry{e}, nil
		}
	}
	return nil, nil
}
