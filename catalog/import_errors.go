package catalog

import (
	"fmt"
	"strings"
)

// MaxImportErrors is how many problems an import collects before it stops
// reading: enough to fix a file in one go, few enough to read.
const MaxImportErrors = 100

// ImportError is one problem in an input file, naming where: the file, the
// line (when the format has lines), a JSON pointer or XML path (when it has
// structure), and the field.
type ImportError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Pointer string `json:"pointer,omitempty"` // JSON pointer or XML path
	Field   string `json:"field,omitempty"`
	Msg     string `json:"message"`
}

func (e ImportError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Pointer != "" {
		fmt.Fprintf(&b, " at %s", e.Pointer)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ImportErrors is every problem found in an import, up to MaxImportErrors.
type ImportErrors []ImportError

func (es ImportErrors) Error() string {
	if len(es) == 0 {
		return "no errors"
	}
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return fmt.Sprintf("%d problem(s):\n  %s", len(es), strings.Join(s, "\n  "))
}

// Errs collects import errors up to MaxImportErrors, and counts the rest
// (up to MaxCountedErrors) so that a summary can say "100 of 974 problems
// shown" rather than stop at the first hundred.
type Errs struct {
	List ImportErrors
	// Dropped counts problems beyond the limit.
	Dropped int
}

// MaxCountedErrors is how many problems a reader counts before it stops:
// a file that is not what it claims to be (a binary read as CSV) should
// not be read to its end just to count.
const MaxCountedErrors = 100000

// Add records a problem (or, beyond MaxImportErrors, counts it); it
// reports whether the reader should now stop (see Full).
func (c *Errs) Add(e ImportError) bool {
	if len(c.List) >= MaxImportErrors {
		c.Dropped++
	} else {
		c.List = append(c.List, e)
	}
	return c.Full()
}

// Full reports whether MaxCountedErrors problems were counted: readers
// stop there.
func (c *Errs) Full() bool { return len(c.List)+c.Dropped >= MaxCountedErrors }

// Total is every problem counted, shown or not.
func (c *Errs) Total() int { return len(c.List) + c.Dropped }

// Err is nil when nothing was recorded, else the ImportErrors.
func (c *Errs) Err() error {
	if len(c.List) == 0 {
		return nil
	}
	return c.List
}

// problemsAt turns an offer's validation problems into import errors at a
// place in a file.
func problemsAt(file string, line int, pointer string, p Problems) []ImportError {
	out := make([]ImportError, len(p))
	for i, fe := range p {
		out[i] = ImportError{File: file, Line: line, Pointer: pointer, Field: fe.Field, Msg: fe.Msg}
	}
	return out
}
