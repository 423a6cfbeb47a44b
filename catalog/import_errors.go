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

// Errs collects import errors up to MaxImportErrors.
type Errs struct {
	List ImportErrors
	// Dropped counts problems beyond the limit.
	Dropped int
}

// Add records a problem; it reports whether the limit is now reached, so
// a reader can stop early.
func (c *Errs) Add(e ImportError) bool {
	if len(c.List) >= MaxImportErrors {
		c.Dropped++
		return true
	}
	c.List = append(c.List, e)
	return len(c.List) >= MaxImportErrors
}

// Full reports whether the limit is reached.
func (c *Errs) Full() bool { return len(c.List) >= MaxImportErrors }

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
