package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/present"
)

// Exporter is what the export dialog needs: render the person's plan into
// a file and record the export in the audit log.
type Exporter interface {
	ExportPlan(ctx context.Context, req ExportRequest) (ExportResult, error)
	// Resolve is the absolute path a file name will be written to.
	Resolve(path string) string
}

// ExportRequest is one export the counsellor asked for.
type ExportRequest struct {
	PersonID string
	Format   export.Format
	// Lang is the document language; "" means the person's.
	Lang  string
	Path  string
	Notes bool
}

// ExportResult says where the export went.
type ExportResult struct {
	Path  string // absolute
	Bytes int64
	// Undrawable are the characters the PDF's fonts could not draw.
	Undrawable []rune
}

// exportDoneMsg is the reply of an export command; seq drops stale replies
// (an export the counsellor cancelled).
type exportDoneMsg struct {
	seq int
	res ExportResult
	err error
}

// Fields of the export dialog, top to bottom.
const (
	fieldFormat = iota
	fieldLang
	fieldNotes
	fieldPath
	fieldCount
)

// exportLangs are the document languages on offer; "" is the person's.
func exportLangs() []string { return []string{"", "nl", "fr", "en"} }

// exportDialog asks for format, language, notes and file, then exports in
// the background; the result goes to the status line.
type exportDialog struct {
	sh         *Shared
	personID   string
	name       string
	field      int
	format     int
	lang       int
	notes      bool
	path       textinput.Model
	pathEdited bool
	running    bool
	seq        int
	cancel     context.CancelFunc
	w, h       int
	keys       exportKeys
}

type exportKeys struct {
	Export, Up, Down, Left, Right, Toggle, Cancel key.Binding
}

// NewExportDialog is the export dialog for a person.
func NewExportDialog(sh *Shared, personID, name string) Page {
	tr := sh.Tr
	d := &exportDialog{sh: sh, personID: personID, name: name}
	d.keys = exportKeys{
		Export: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", tr.T("export.tui.key.export"))),
		Up:     key.NewBinding(key.WithKeys("up", "shift+tab"), key.WithHelp("↑/↓", tr.T("export.tui.key.field"))),
		Down:   key.NewBinding(key.WithKeys("down", "tab")),
		Left:   key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", tr.T("export.tui.key.change"))),
		Right:  key.NewBinding(key.WithKeys("right")),
		Toggle: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", tr.T("export.tui.key.toggle"))),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("export.tui.key.cancel"))),
	}
	d.path = textinput.New()
	d.path.Prompt = ""
	d.path.SetValue(d.defaultPath())
	return d
}

// OpenExport opens the export dialog for the person in focus, or says that
// there is none.
func OpenExport(sh *Shared) tea.Cmd {
	if sh.Focus == nil || sh.Focus.PersonID == "" {
		return Status(sh.Tr.T("export.tui.no_person"), true)
	}
	return Push(NewExportDialog(sh, sh.Focus.PersonID, sh.Focus.Name))
}

func (d *exportDialog) currentFormat() export.Format { return export.Formats()[d.format] }

func (d *exportDialog) defaultPath() string {
	return export.FileName(d.personID, d.currentFormat(), catalog.DateOf(d.sh.Now()))
}

func (d *exportDialog) Init() tea.Cmd    { return nil }
func (d *exportDialog) Title() string    { return d.sh.Tr.T("export.tui.title") }
func (d *exportDialog) SetSize(w, h int) { d.w, d.h = w, h; d.path.SetWidth(max(w-30, 20)) }

// InputFocused is true on the file field, so typed letters reach it.
func (d *exportDialog) InputFocused() bool { return d.field == fieldPath && !d.running }

func (d *exportDialog) ShortHelp() []key.Binding {
	return []key.Binding{d.keys.Export, d.keys.Up, d.keys.Left, d.keys.Toggle, d.keys.Cancel}
}

func (d *exportDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

func (d *exportDialog) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case exportDoneMsg:
		if msg.seq != d.seq || !d.running {
			return d, nil // cancelled or superseded
		}
		d.running = false
		if d.cancel != nil {
			d.cancel()
		}
		if msg.err != nil {
			return d, Status(d.sh.Tr.T("export.tui.failed", "Err", d.sh.P.Error(msg.err)), true)
		}
		text := d.sh.Tr.T("export.tui.done", "Path", msg.res.Path, "Size", humanBytes(msg.res.Bytes), "Dir", filepath.Dir(msg.res.Path))
		if u := msg.res.Undrawable; len(u) > 0 {
			warn := d.sh.Tr.T("export.warn.undrawable", "Count", len(u), "Chars", present.TerminalText(string(u)))
			return d, tea.Batch(Pop(), Status(text+" · "+warn, true))
		}
		return d, tea.Batch(Pop(), Status(text, false))
	case tea.KeyPressMsg:
		return d.key(msg)
	}
	if d.field == fieldPath {
		var cmd tea.Cmd
		d.path, cmd = d.path.Update(msg)
		return d, cmd
	}
	return d, nil
}

func (d *exportDialog) key(msg tea.KeyPressMsg) (Page, tea.Cmd) {
	k := d.keys
	switch {
	case key.Matches(msg, k.Cancel):
		if d.running {
			d.running = false
			d.seq++
			if d.cancel != nil {
				d.cancel()
			}
			return d, Status(d.sh.Tr.T("export.tui.cancelled"), false)
		}
		return d, Pop()
	case d.running:
		return d, nil
	case key.Matches(msg, k.Export):
		return d, d.start()
	case key.Matches(msg, k.Up):
		return d, d.focus((d.field + fieldCount - 1) % fieldCount)
	case key.Matches(msg, k.Down):
		return d, d.focus((d.field + 1) % fieldCount)
	}
	switch d.field {
	case fieldFormat, fieldLang:
		step := 0
		switch {
		case key.Matches(msg, k.Left):
			step = -1
		case key.Matches(msg, k.Right), key.Matches(msg, k.Toggle):
			step = 1
		}
		if d.field == fieldFormat && step != 0 {
			d.format = (d.format + step + len(export.Formats())) % len(export.Formats())
			if !d.pathEdited {
				d.path.SetValue(d.defaultPath())
			}
		} else if step != 0 {
			d.lang = (d.lang + step + len(exportLangs())) % len(exportLangs())
		}
		return d, nil
	case fieldNotes:
		if key.Matches(msg, k.Toggle, k.Left, k.Right) {
			d.notes = !d.notes
		}
		return d, nil
	}
	before := d.path.Value()
	var cmd tea.Cmd
	d.path, cmd = d.path.Update(msg)
	if d.path.Value() != before {
		d.pathEdited = true
	}
	return d, cmd
}

func (d *exportDialog) focus(f int) tea.Cmd {
	d.field = f
	if f == fieldPath {
		return d.path.Focus()
	}
	d.path.Blur()
	return nil
}

// start runs the export in a command; the dialog stays until it answers.
func (d *exportDialog) start() tea.Cmd {
	ex := d.sh.Deps.Exporter
	if ex == nil {
		return Status(d.sh.Tr.T("export.tui.unavailable"), true)
	}
	path := strings.TrimSpace(d.path.Value())
	if path == "" {
		return Status(d.sh.Tr.T("export.tui.no_path"), true)
	}
	d.seq++
	d.running = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	d.cancel = cancel
	req := ExportRequest{PersonID: d.personID, Format: d.currentFormat(), Lang: exportLangs()[d.lang], Path: path, Notes: d.notes}
	seq := d.seq
	return func() tea.Msg {
		res, err := ex.ExportPlan(ctx, req)
		return exportDoneMsg{seq: seq, res: res, err: err}
	}
}

func (d *exportDialog) View() string {
	sh, st, tr := d.sh, d.sh.Styles, d.sh.Tr
	var b strings.Builder
	b.WriteString(st.Title.Render(tr.T("export.tui.title")) + "\n\n")
	row := func(f int, label, value string) {
		marker := "  "
		if f == d.field {
			marker = "▸ "
			label = st.Selected.Render(label)
		} else {
			label = st.Label.Render(label)
		}
		b.WriteString(marker + label + "  " + value + "\n")
	}
	pad := func(s string) string { return s + strings.Repeat(" ", max(0, 10-len([]rune(s)))) }
	b.WriteString("  " + st.Label.Render(pad(tr.T("export.tui.person"))) + "  " + d.name + "\n\n")
	row(fieldFormat, pad(tr.T("export.tui.format")), "‹ "+tr.T("export.tui.fmt."+string(d.currentFormat()))+" ›")
	row(fieldLang, pad(tr.T("export.tui.language")), "‹ "+d.langLabel()+" ›")
	box := "[ ]"
	if d.notes {
		box = "[x]"
	}
	row(fieldNotes, pad(tr.T("export.tui.notes")), box+" "+st.Muted.Render(tr.T("export.tui.notes_hint")))
	row(fieldPath, pad(tr.T("export.tui.file")), d.path.View())
	b.WriteString("\n")
	b.WriteString(st.Muted.Render(tr.T("export.tui.folder", "Dir", d.folderOf(d.path.Value()))) + "\n")
	if d.running {
		b.WriteString("\n" + st.Status.Render(tr.T("export.tui.running")) + "\n")
	}
	box2 := st.Dialog.Width(min(sh.Width, 76)).Render(strings.TrimRight(b.String(), "\n"))
	return Fit(box2, d.w, d.h)
}

func (d *exportDialog) langLabel() string {
	if l := exportLangs()[d.lang]; l != "" {
		return d.sh.P.Vocab("lang", l)
	}
	return d.sh.Tr.T("export.tui.lang_auto")
}

// folderOf is the folder a path will land in, for the open-folder hint.
func (d *exportDialog) folderOf(path string) string {
	path = strings.TrimSpace(path)
	if ex := d.sh.Deps.Exporter; ex != nil && path != "" {
		path = ex.Resolve(path)
	}
	return filepath.Dir(path)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
