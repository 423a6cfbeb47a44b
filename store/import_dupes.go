package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"

	"github.com/koers-project/koers/catalog"
)

// DuplicateKeyError is an input that gives the same source id twice in one
// run of one source: a validation problem, not a database failure (issue
// 12: it used to surface as SQLite's "UNIQUE constraint failed").
type DuplicateKeyError struct {
	Source   string
	SourceID string
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("source %q: source id %q appears twice", e.Source, e.SourceID)
}

// twice reports whether a failed write of o is because o's key was already
// written by this import (an insert into a source that was empty).
func (w *offerWriter) twice(ctx context.Context, o *catalog.Offer, err error) bool {
	if !errors.Is(mapErr(err), ErrConflict) {
		return false
	}
	var rid int64
	err = w.tx.QueryRowContext(ctx, `SELECT rid FROM offers WHERE source = ? AND source_id = ?`, o.Source, o.SourceID).Scan(&rid)
	return err == nil
}

// reportDuplicates reads u again (only after a duplicate stopped its
// import) and records every source id it gives more than once, naming both
// lines (or, for formats without lines, both positions).
func reportDuplicates(ctx context.Context, u unit, opt ImportOptions, errs *catalog.Errs) error {
	rc, err := u.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	var lines []int
	var scratch catalog.Errs // problems were reported by the first read
	first := map[[2]string]int{}
	i := 0
	for o := range parse(ctx, u.format, bufio.NewReaderSize(rc, 64<<10), u.name, catalog.ParseOptions{Source: opt.Source, Map: opt.Map, Lines: &lines}, &scratch) {
		k := [2]string{o.Source, o.SourceID}
		if j, dup := first[k]; dup {
			e := catalog.ImportError{File: u.name, Field: "source_id"}
			if i < len(lines) && lines[i] > 0 {
				e.Line = lines[i]
				e.Msg = fmt.Sprintf("%q is already the source id of line %d: a key may appear once in a file", o.SourceID, lines[j])
			} else {
				e.Msg = fmt.Sprintf("%q (entry %d) is already the source id of entry %d: a key may appear once in a file", o.SourceID, i+1, j+1)
			}
			if errs.Add(e) {
				break
			}
		} else {
			first[k] = i
		}
		i++
	}
	return nil
}
