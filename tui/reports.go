package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/report"
)

// Reports is what the Reports screen needs: the anonymised report for a
// period (the application layer runs and audits it), and how many
// employment follow-ups are due. The TUI never sees a row about a person.
type Reports interface {
	RunReport(ctx context.Context, p report.Params, format string) (*report.Report, error)
	CountFollowUpsDue(ctx context.Context, until catalog.Date) (int, error)
}

// reportTimeout bounds a report run (about a second at 100,000 people).
const reportTimeout = 60 * time.Second

type reportKeys struct {
	Up, Down, PgUp, PgDown, Next, Prev, Refresh, Back key.Binding
}

func newReportKeys(tr trT) reportKeys {
	return reportKeys{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", tr.T("report.key.scroll"))),
		Down:    key.NewBinding(key.WithKeys("down", "j")),
		PgUp:    key.NewBinding(key.WithKeys("pgup")),
		PgDown:  key.NewBinding(key.WithKeys("pgdown", "space")),
		Next:    key.NewBinding(key.WithKeys("right", "l", "tab"), key.WithHelp("←/→", tr.T("report.key.section"))),
		Prev:    key.NewBinding(key.WithKeys("left", "h", "shift+tab")),
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", tr.T("report.key.refresh"))),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", tr.T("key.back"))),
	}
}

type trT interface {
	T(id string, kv ...any) string
}

// reportMsg carries a finished report; seq drops stale replies.
type reportMsg struct {
	seq int
	r   *report.Report
	due int
	err error
}

// reportsPage shows the report section by section: headline rates, then
// every table as bars (monthly tables read as trends), suppressed cells as
// "x" without a bar.
type reportsPage struct {
	sh      *Shared
	keys    reportKeys
	r       *report.Report
	due     int
	err     error
	seq     int
	section int
	off     int
	w, h    int
}

func newReportsPage(sh *Shared) Page {
	if sh.Deps.Reports == nil {
		return nil
	}
	return &reportsPage{sh: sh, keys: newReportKeys(sh.Tr)}
}

func (p *reportsPage) Init() tea.Cmd { return p.load() }

func (p *reportsPage) load() tea.Cmd {
	p.seq++
	seq, dep, now := p.seq, p.sh.Deps.Reports, p.sh.Now()
	from, to := report.Last12Months(now)
	params := report.Params{From: from, To: to, K: report.DefaultK}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), reportTimeout)
		defer cancel()
		r, err := dep.RunReport(ctx, params, "tui")
		if err != nil {
			return reportMsg{seq: seq, err: err}
		}
		due, err := dep.CountFollowUpsDue(ctx, catalog.DateOf(now).AddDays(7))
		return reportMsg{seq: seq, r: r, due: due, err: err}
	}
}

func (p *reportsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case reportMsg:
		if msg.seq == p.seq {
			p.r, p.due, p.err = msg.r, msg.due, msg.err
		}
		return p, nil
	case tea.KeyPressMsg:
		n := 1
		if p.r != nil {
			n = len(p.r.Sections)
		}
		switch {
		case key.Matches(msg, p.keys.Back):
			return p, Pop()
		case key.Matches(msg, p.keys.Refresh):
			return p, p.load()
		case key.Matches(msg, p.keys.Next):
			p.section, p.off = (p.section+1)%n, 0
		case key.Matches(msg, p.keys.Prev):
			p.section, p.off = (p.section+n-1)%n, 0
		case key.Matches(msg, p.keys.Up):
			p.off = max(p.off-1, 0)
		case key.Matches(msg, p.keys.Down):
			p.off++
		case key.Matches(msg, p.keys.PgUp):
			p.off = max(p.off-(p.h-4), 0)
		case key.Matches(msg, p.keys.PgDown):
			p.off += p.h - 4
		}
	}
	return p, nil
}

func (p *reportsPage) View() string {
	st, tr := p.sh.Styles, p.sh.Tr
	var b strings.Builder
	switch {
	case p.err != nil:
		b.WriteString(" " + st.Error.Render("! "+p.err.Error()) + "\n")
		return Fit(b.String(), p.w, p.h)
	case p.r == nil:
		b.WriteString(" " + st.Muted.Render(tr.T("report.loading")) + "\n")
		return Fit(b.String(), p.w, p.h)
	}
	r := p.r
	head := fmt.Sprintf(" %s %s – %s · k = %d", tr.T("report.period"), r.Params.From, r.Params.To, r.Params.K)
	due := tr.N("report.due_week", p.due)
	b.WriteString(st.Bold.Render(head) + strings.Repeat(" ", max(p.w-ansi.StringWidth(head)-ansi.StringWidth(due)-1, 1)) + st.Warning.Render(due) + "\n")
	var tabs []string
	for i, s := range r.Sections {
		t := report.SectionTitle(tr, s.ID)
		if i == p.section {
			tabs = append(tabs, st.Selected.Render("["+t+"]"))
		} else {
			tabs = append(tabs, st.Muted.Render(" "+t+" "))
		}
	}
	b.WriteString(" " + ansi.Truncate(strings.Join(tabs, " "), p.w-1, "…") + "\n")
	b.WriteString(st.Rule.Render(strings.Repeat("─", p.w)) + "\n")
	lines := p.sectionLines(r.Sections[min(p.section, len(r.Sections)-1)])
	rows := max(p.h-3, 1)
	p.off = min(p.off, max(len(lines)-rows, 0))
	for _, l := range lines[p.off:min(len(lines), p.off+rows)] {
		b.WriteString(l + "\n")
	}
	return Fit(b.String(), p.w, p.h)
}

// sectionLines draws a section: the headline rates first on the first
// section, then each table's chart column as bars with the value.
func (p *reportsPage) sectionLines(s report.Section) []string {
	st, tr := p.sh.Styles, p.sh.Tr

	labelW := min(30, p.w/3)
	valW := 12
	barW := max(p.w-labelW-valW-5, 8)
	var out []string
	row := func(label, value string, n, top int64) {
		bar := ""
		if n > 0 && top > 0 {
			bar = st.Bar.Render(barOf(n, top, barW))
		}
		line := fmt.Sprintf(" %-*s %*s ", labelW, ansi.Truncate(label, labelW, "…"), valW, value)
		out = append(out, line+bar)
	}
	if s.ID == "participation" {
		out = append(out, " "+st.Title.Render(tr.T("report.title")))
		for _, x := range p.r.Ratios {
			v, n := report.Mark, int64(0)
			if !x.Suppressed {
				v, n = p.sh.P.Percent(x.Percent), int64(x.Percent*10)
			}
			row(report.Label(tr, "report.x."+x.ID, x.ID), v, n, 1000)
		}
		if v, ok := p.r.SessionsPerPerson(); ok {
			row(report.Label(tr, "report.x.sessions_per_person", ""), p.sh.P.Decimal1(v), 0, 0)
		}
		out = append(out, "")
	}
	for _, t := range s.Tables {
		c := chartColumn(t)
		title := report.TableTitle(tr, t)
		if len(t.Cols) > 1 {
			title += " · " + report.ColLabel(tr, t.Cols[c])
		}
		if u := t.Units[c]; u != "people" && u != "count" {
			title += " (" + report.UnitLabel(tr, u) + ")"
		}
		out = append(out, " "+st.Title.Render(ansi.Truncate(title, p.w-2, "…")))
		var top int64
		for i, rw := range t.Rows {
			if cl := t.Cells[i][c]; !cl.Suppressed && rw != "total" {
				top = max(top, cl.Value)
			}
		}
		for i, rw := range t.Rows {
			cl := t.Cells[i][c]
			v := report.Mark
			var n int64
			if !cl.Suppressed {
				v = p.sh.P.Figure(t.Units[c], cl.Value)
				if rw != "total" {
					n = cl.Value
				}
			}
			row(report.RowLabel(tr, rw), v, n, top)
		}
		out = append(out, "")
	}
	return out
}

// chartColumn is the column a table is drawn by: the row total where
// there is one, what was spent in the monthly ledger tables (the trend),
// else the first column.
func chartColumn(t *report.Table) int {
	if t.RowSums {
		return len(t.Cols) - 1
	}
	if strings.HasPrefix(t.ID, "entitlements.") {
		for j, c := range t.Cols {
			if c == "spend" {
				return j
			}
		}
	}
	return 0
}

// barOf is bar for int64 values (amounts exceed int on no platform koers
// builds for, but cents add up).
func barOf(n, top int64, width int) string {
	return bar(int(n*1000/top), 1000, width)
}

func (p *reportsPage) SetSize(w, h int) { p.w, p.h = w, h }
func (p *reportsPage) Title() string    { return p.sh.Tr.T("report.screen") }
func (p *reportsPage) InputFocused() bool {
	return false
}
func (p *reportsPage) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Next, p.keys.Up, p.keys.Refresh, p.keys.Back}
}
func (p *reportsPage) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
