// Package tui is koers's Bubble Tea v2 program: one root model that owns
// the shared state (size, styles, keys, language, the person in focus) and a
// stack of pages. Pages and components return strings; only the root
// returns a tea.View.
//
// Key routing: ctrl+c always quits; then an open dialog; then a focused
// text input (typing q in a search box types a q); then global keys; then
// the active page.
package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

// Minimum terminal size.
const (
	MinWidth  = 80
	MinHeight = 24
	// WideWidth is where detail views open in a side pane instead of full screen.
	WideWidth = 120
)

// Page is one screen on the root's stack.
type Page interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (Page, tea.Cmd)
	View() string
	SetSize(w, h int)
	Title() string
	// InputFocused reports whether a text field has focus, so printable
	// keys reach it instead of the global keys.
	InputFocused() bool
	help.KeyMap
}

// Focus is the person the counsellor is working for, shown in the header
// on every screen.
type Focus struct {
	PersonID string
	Name     string
	// Balance is a short summary, e.g. "ILA €1 240 avail".
	Balance string
}

// Shared is the state every page reads. The root owns it; pages change it
// only by sending messages.
type Shared struct {
	Tr *locale.Tr
	// P says values for people in the interface language (present).
	P      *present.Printer
	Styles *Styles
	Keys   GlobalKeys
	Now    func() time.Time
	Focus  *Focus
	Deps   Deps
	Width  int
	Height int
}

// Messages pages send to the root.
type (
	// PushMsg opens a page on top of the current one.
	PushMsg struct{ Page Page }
	// PopMsg closes the current page (esc).
	PopMsg struct{}
	// ReplaceMsg swaps the current page.
	ReplaceMsg struct{ Page Page }
	// StatusMsg shows a line in the status bar for a few seconds.
	StatusMsg struct {
		Text string
		Err  bool
	}
	// FocusMsg sets (or, with nil, clears) the person in focus.
	FocusMsg struct{ Focus *Focus }
	// OpenPeopleMsg asks the root to open the people list.
	OpenPeopleMsg  struct{}
	clearStatusMsg struct{ seq int }
)

// Push is a command that opens p.
func Push(p Page) tea.Cmd { return func() tea.Msg { return PushMsg{Page: p} } }

// Pop is a command that closes the current page.
func Pop() tea.Cmd { return func() tea.Msg { return PopMsg{} } }

// Status is a command that shows text in the status line.
func Status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Err: isErr} }
}

// Options configure the program.
type Options struct {
	Lang string
	// Schemes are the database's schemes: amounts show in their units.
	Schemes []sessions.Scheme
	Now     func() time.Time
	// Light assumes a light background until the terminal answers (default dark).
	Light bool
}

// Model is the root model.
type Model struct {
	sh        *Shared
	stack     []Page
	help      help.Model
	fullHelp  bool
	status    string
	statusErr bool
	statusSeq int
	// syncLine is the background register sync's state (progress, or how
	// old the local copy is when PostgreSQL cannot be reached); it shows
	// when no other status does.
	syncLine string
	syncErr  bool
	quitting bool
	// bodyW, bodyH are the size the pages were last given.
	bodyW, bodyH int
	// importState is the last answer about a running import (import_status.go).
	importState app.ImportState
	// live follows the person in focus (live.go).
	live liveState
}

// New builds the root model with the search screen as home.
func New(deps Deps, cat *locale.Catalog, opt Options) *Model {
	sh := newShared(cat, deps, opt)
	return newModel(sh, newHomePage(sh))
}

// newModel builds a root model over home (tests pass their own page).
func newModel(sh *Shared, home Page) *Model {
	m := &Model{sh: sh, help: help.New()}
	m.help.Styles = sh.Styles.Help
	m.stack = []Page{home}
	return m
}

// newShared is the shared state for a language and clock.
func newShared(cat *locale.Catalog, deps Deps, opt Options) *Shared {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	tr := cat.For(opt.Lang)
	return &Shared{Tr: tr, P: present.New(tr, opt.Schemes), Styles: newStyles(!opt.Light), Keys: localizedKeys(tr), Now: opt.Now, Deps: deps}
}

func localizedKeys(tr *locale.Tr) GlobalKeys {
	k := newGlobalKeys()
	k.Quit.SetHelp("q", tr.T("key.quit"))
	k.ForceQ.SetHelp("ctrl+c", tr.T("key.quit"))
	k.Help.SetHelp("?", tr.T("key.help"))
	k.HelpAny.SetHelp("f1", tr.T("key.help"))
	k.Back.SetHelp("esc", tr.T("key.back"))
	k.People.SetHelp("tab", tr.T("key.people"))
	k.Register.SetHelp("ctrl+r", tr.T("key.register"))
	k.Export.SetHelp("ctrl+e", tr.T("export.tui.key.open"))
	return k
}

// Shared exposes the shared state (tests).
func (m *Model) Shared() *Shared { return m.sh }

// Active is the page on top.
func (m *Model) Active() Page { return m.stack[len(m.stack)-1] }

// Init starts the home page and asks the terminal for its background.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.Active().Init(), startSync(m.sh.Deps.Sync), m.watchImports())
}

func (m *Model) bodySize() (int, int) {
	h := m.sh.Height - 3 // header, status, help
	if m.fullHelp {
		h -= lipgloss.Height(m.fullHelpView()) - 1
	} else {
		h -= len(m.shortHelpRows()) - 1
	}
	return m.sh.Width, max(h, 1)
}

func (m *Model) resize() {
	w, h := m.bodySize()
	m.help.SetWidth(m.sh.Width)
	for _, p := range m.stack {
		p.SetSize(w, h)
	}
}

// Update routes messages: window and colour first, then navigation, then
// keys in the order the package comment gives, then everything else to the
// active page.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	if follow := m.follow(); follow != nil {
		cmd = tea.Batch(cmd, follow)
	}
	// The body's height follows the help under it (one or two lines,
	// or the full help), which changes with the page on top.
	if w, h := m.bodySize(); m.sh.Width > 0 && (w != m.bodyW || h != m.bodyH) {
		m.bodyW, m.bodyH = w, h
		m.resize()
	}
	return next, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.liveUpdate(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.sh.Width, m.sh.Height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		m.sh.Styles = newStyles(msg.IsDark())
		m.help.Styles = m.sh.Styles.Help
		return m, m.forward(msg)
	case PushMsg:
		w, h := m.bodySize()
		msg.Page.SetSize(w, h)
		m.stack = append(m.stack, msg.Page)
		return m, msg.Page.Init()
	case ReplaceMsg:
		w, h := m.bodySize()
		msg.Page.SetSize(w, h)
		m.stack[len(m.stack)-1] = msg.Page
		return m, msg.Page.Init()
	case PopMsg:
		if len(m.stack) > 1 {
			m.stack = m.stack[:len(m.stack)-1]
			return m, m.forward(revealMsg{})
		}
		return m, nil
	case StatusMsg:
		m.statusSeq++
		m.status, m.statusErr = msg.Text, msg.Err
		seq := m.statusSeq
		return m, tea.Tick(6*time.Second, func(time.Time) tea.Msg { return clearStatusMsg{seq: seq} })
	case syncProgressMsg, syncDoneMsg, syncTickMsg:
		return m, m.updateSync(msg)
	case clearStatusMsg:
		if msg.seq == m.statusSeq {
			m.status = ""
		}
		return m, nil
	case FocusMsg:
		m.sh.Focus = msg.Focus
		return m, nil
	case importStateMsg:
		m.importState = msg.state
		return m, tea.Tick(importPoll, func(time.Time) tea.Msg { return importPollMsg{} })
	case importPollMsg:
		return m, m.askImport()
	case OpenPeopleMsg:
		if p := newPeoplePage(m.sh); p != nil {
			return m, Push(p)
		}
		// An account that may run reports but not open people's files (an
		// auditor over SSH) reaches the Reports screen the same way.
		if p := newReportsPage(m.sh); p != nil {
			return m, Push(p)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	}
	return m, m.forward(msg)
}

// revealMsg tells a page it is on top again (after a pop), so it can refresh.
type revealMsg struct{}

// RevealMsg is what a page receives when the page above it closes.
type RevealMsg = revealMsg

func (m *Model) forward(msg tea.Msg) tea.Cmd {
	top := len(m.stack) - 1
	p, cmd := m.stack[top].Update(msg)
	m.stack[top] = p
	return cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.sh.Keys
	if key.Matches(msg, k.ForceQ) {
		m.quitting = true
		return m, tea.Quit
	}
	if m.sh.Width < MinWidth || m.sh.Height < MinHeight {
		if key.Matches(msg, k.Quit) {
			m.quitting = true
			return m, tea.Quit
		}
		return m, nil
	}
	if key.Matches(msg, k.HelpAny) {
		m.fullHelp = !m.fullHelp
		m.resize()
		return m, nil
	}
	if m.Active().InputFocused() {
		return m, m.forward(msg)
	}
	switch {
	case key.Matches(msg, k.Help):
		m.fullHelp = !m.fullHelp
		m.resize()
		return m, nil
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return m, tea.Quit
	case key.Matches(msg, k.People) && len(m.stack) == 1:
		return m.update(OpenPeopleMsg{})
	case key.Matches(msg, k.Export):
		if _, open := m.Active().(*exportDialog); !open {
			return m, OpenExport(m.sh)
		}
	}
	return m, m.forward(msg)
}

// View renders header, page, status and help; or the too-small screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "koers"
	return v
}

func (m *Model) render() string {
	sh, st := m.sh, m.sh.Styles
	if m.quitting {
		return ""
	}
	if sh.Width == 0 {
		return ""
	}
	if sh.Width < MinWidth || sh.Height < MinHeight {
		return lipgloss.Place(sh.Width, sh.Height, lipgloss.Center, lipgloss.Center,
			lipgloss.NewStyle().Width(min(sh.Width, 40)).Render(sh.Tr.T("app.too_small", "W", sh.Width, "H", sh.Height)+"\n\n"+st.Muted.Render("q / ctrl+c: "+sh.Tr.T("key.quit"))))
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	_, h := m.bodySize()
	b.WriteString(fit(m.Active().View(), sh.Width, h))
	b.WriteByte('\n')
	b.WriteString(m.statusLine())
	b.WriteByte('\n')
	if m.fullHelp {
		b.WriteString(m.fullHelpView())
	} else {
		b.WriteString(strings.Join(m.shortHelpRows(), "\n"))
	}
	return b.String()
}

// shortHelpRows is the short help on one line, or on as many as it takes
// when one line would cut keys off at this width (80 columns): a key that
// matters is never hidden behind "…".
func (m *Model) shortHelpRows() []string {
	keys := append(append([]key.Binding(nil), m.Active().ShortHelp()...), m.globalHelp()...)
	measure := m.help
	measure.SetWidth(0)
	var rows []string
	for len(keys) > 0 {
		n := len(keys)
		for n > 1 && lipgloss.Width(measure.ShortHelpView(keys[:n])) > m.sh.Width {
			n--
		}
		rows = append(rows, m.help.ShortHelpView(keys[:n]))
		keys = keys[n:]
	}
	if len(rows) == 0 {
		rows = []string{""}
	}
	return rows
}

// fullHelpView is the full help: its columns side by side, and those that
// would not fit beside them (at 80 columns, in Dutch or French) in a block
// below, so that no key is cut off.
func (m *Model) fullHelpView() string {
	cols := m.fullHelpKeys()
	measure := m.help
	measure.SetWidth(0)
	var blocks []string
	for len(cols) > 0 {
		n := len(cols)
		for n > 1 && lipgloss.Width(measure.FullHelpView(cols[:n])) > m.sh.Width {
			n--
		}
		blocks = append(blocks, m.help.FullHelpView(cols[:n]))
		cols = cols[n:]
	}
	return strings.Join(blocks, "\n")
}

// fullHelpKeys are the page's keys and, in a last column, the keys that
// work on every page.
func (m *Model) fullHelpKeys() [][]key.Binding {
	k := m.sh.Keys
	typing := m.Active().InputFocused()
	global := []key.Binding{k.HelpAny}
	if !typing {
		// ? q and ctrl+e reach the root only when no text field has focus.
		global = []key.Binding{k.Help, k.HelpAny}
		if m.sh.Focus != nil {
			global = append(global, k.Export)
		}
		if len(m.stack) == 1 {
			global = append(global, k.People)
		}
		global = append(global, k.Quit)
	}
	global = append(global, k.ForceQ)
	page := m.Active().FullHelp()
	shown := map[string]bool{}
	for _, col := range page {
		for _, b := range col {
			shown[b.Help().Key] = true
		}
	}
	var rest []key.Binding
	for _, b := range global {
		if !shown[b.Help().Key] { // a page that lists a global key itself keeps its place
			rest = append(rest, b)
		}
	}
	return append(append([][]key.Binding(nil), page...), rest)
}

func (m *Model) globalHelp() []key.Binding {
	k := m.sh.Keys
	var out []key.Binding
	if !m.Active().InputFocused() {
		if m.sh.Focus != nil {
			out = append(out, k.Export) // the export dialog opens wherever a person is in focus
		}
		out = append(out, k.Help, k.Quit)
	} else {
		out = append(out, k.HelpAny, k.ForceQ)
	}
	return out
}

func (m *Model) header() string {
	sh, st := m.sh, m.sh.Styles
	left := " " + st.Brand.Render("koers") + " · " + st.Crumb.Render(m.Active().Title())
	right := ""
	if f := sh.Focus; f != nil {
		right = f.Name
		if f.Balance != "" {
			right += " · " + f.Balance
		}
		right = st.Focus.Render(right) + " "
	}
	gap := sh.Width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		right = ansi.Truncate(right, max(sh.Width-lipgloss.Width(left)-2, 0), "…")
		gap = max(sh.Width-lipgloss.Width(left)-lipgloss.Width(right), 1)
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) statusLine() string {
	st := m.sh.Styles
	if m.status == "" && m.syncLine != "" {
		if m.syncErr {
			return ansi.Truncate(" "+st.Error.Render("! "+m.syncLine), m.sh.Width, "…")
		}
		return ansi.Truncate(" "+st.Status.Render(m.syncLine), m.sh.Width, "…")
	}
	if m.status == "" {
		if l := m.importLine(); l != "" {
			return ansi.Truncate(" "+st.Status.Render(l), m.sh.Width, "…")
		}
		return ""
	}
	if m.statusErr {
		return ansi.Truncate(" "+st.Error.Render("! "+m.status), m.sh.Width, "…")
	}
	return ansi.Truncate(" "+st.Status.Render(m.status), m.sh.Width, "…")
}

// fit pads or cuts s to exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Fit pads or cuts s to exactly h lines of at most w cells (for pages).
func Fit(s string, w, h int) string { return fit(s, w, h) }
