package export

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed plan.html.tmpl
var htmlTemplate string

// WriteHTML renders the plan as one self-contained HTML page: inline CSS
// with a print stylesheet, no scripts, no external resources.
func WriteHTML(w io.Writer, p *Plan, opt Options) error {
	t, err := template.New("plan").Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	if err := t.Execute(w, safeDoc(layout(p, opt))); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}
