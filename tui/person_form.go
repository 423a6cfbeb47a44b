package tui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// Profile form fields, in tab order; the consents follow them.
const (
	pfName = iota
	pfEmail
	pfPhone
	pfBirth
	pfLanguage
	pfEQF
	pfEmployment
	pfTarget
	pfAvailability
	pfRegion   // home region: typed as a postcode, a name or a NUTS code
	pfMobility // a choice (issue 13: it was free text)
	pfBasis
	pfNoticeVersion
	pfNoticeShown
	pfRetain
	pfTexts
)

type personSavedMsg struct {
	p   sessions.Person
	err error
}

// personFormPage edits a person's profile and privacy record: the notice
// shown, consents per purpose, the retention date. Its fields are the
// shared form fields: the texts in pf order, then one check box per purpose.
type personFormPage struct {
	sh      *Shared
	person  sessions.Person
	form    *fields
	problem string
	// targetLabel names a target occupation picked from ESCO.
	targetLabel string
	// employment are the codes the employment choice offers, "" first.
	employment []string
	// mobility are the codes the mobility choice offers, "" first.
	mobility []string
	save     key.Binding
	pick     key.Binding
	next     key.Binding
	toggle   key.Binding
	back     key.Binding
	w, h     int
}

// newPersonFormPage edits p; targetLabel names p's target occupation
// ("" when ESCO does not know it), so the form shows a name, not a URI.
func newPersonFormPage(sh *Shared, p sessions.Person, targetLabel string) *personFormPage {
	f := &personFormPage{sh: sh, person: p, form: newFields(sh.Styles.IsDark), targetLabel: targetLabel,
		save:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", sh.Tr.T("people.key.save"))),
		next:   key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", sh.Tr.T("people.key.next_field"))),
		toggle: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", sh.Tr.T("people.key.toggle"))),
		pick:   key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", sh.Tr.T("people.key.pick_occupation"))),
		back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", sh.Tr.T("people.key.cancel")))}
	birth := ""
	if p.BirthYear > 0 {
		birth = strconv.Itoa(p.BirthYear)
	}
	eqf := ""
	if p.EQF > 0 {
		eqf = strconv.Itoa(int(p.EQF))
	}
	values := [pfTexts]string{p.Name, p.Email, p.Phone, birth, p.Language, eqf, p.Employment, p.TargetOccupation,
		p.Availability, p.Region, p.Mobility, p.LawfulBasis, p.NoticeVersion, p.NoticeShown.String(), p.RetainUntil.String()}
	ph := map[int]string{pfEmployment: strings.Join(sessions.EmploymentStatuses, ", "), pfNoticeShown: "YYYY-MM-DD, today",
		pfRetain: "YYYY-MM-DD", pfTarget: "http://data.europa.eu/esco/occupation/…", pfEQF: "1–8", pfLanguage: "nl, fr, en, …",
		pfRegion: sh.Tr.T("people.pf.region_hint")}
	checks := map[int]func(string) string{pfNoticeShown: dateCheck(sh, false, true), pfRetain: dateCheck(sh, false, false),
		pfRegion: regionCheck(sh)}
	f.mobility = []string{""}
	for _, m := range catalog.Mobilities {
		f.mobility = append(f.mobility, string(m))
	}
	if p.Mobility != "" && !slices.Contains(f.mobility, p.Mobility) {
		f.mobility = append(f.mobility, p.Mobility) // an older free text is kept, not lost
	}
	f.employment = append([]string{""}, sessions.EmploymentStatuses...)
	if p.Employment != "" && !slices.Contains(f.employment, p.Employment) {
		f.employment = append(f.employment, p.Employment) // an older value is kept, not lost
	}
	for i := range pfTexts {
		if i == pfMobility {
			var labels []string
			for _, m := range f.mobility {
				labels = append(labels, mobilityLabel(sh, m))
			}
			f.form.choose(labels)
			f.form.list[i].choice = slices.Index(f.mobility, p.Mobility)
			continue
		}
		if i == pfEmployment {
			var labels []string
			for _, e := range f.employment {
				labels = append(labels, employmentLabel(sh, e))
			}
			f.form.choose(labels)
			f.form.list[i].choice = slices.Index(f.employment, p.Employment)
			continue
		}
		f.form.text(ph[i], checks[i])
		f.form.set(i, values[i])
	}
	for i := range sessions.Purposes {
		f.form.toggle()
		for _, c := range p.Consents {
			if c.Purpose == sessions.Purposes[i] {
				f.form.list[pfTexts+i].on = c.Active()
			}
		}
	}
	f.form.focusOn(0)
	return f
}

func (f *personFormPage) Init() tea.Cmd { return nil }

func (f *personFormPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case personSavedMsg:
		if msg.err != nil {
			f.problem = f.sh.P.Error(msg.err)
			return f, nil
		}
		return f, tea.Sequence(Status(f.sh.Tr.T("people.profile_saved"), false), Pop())
	case ConceptPickedMsg:
		if msg.Tag == "target" {
			f.form.set(pfTarget, msg.Concept.URI)
			f.targetLabel = msg.Concept.Label
		}
		return f, nil
	case tea.KeyPressMsg:
		switch msg.String() {
		case "ctrl+o":
			if f.sh.Deps.Concepts != nil {
				f.form.focusOn(pfTarget)
				return f, Push(NewConceptPicker(f.sh, catalog.KindOccupation, "target", ""))
			}
			return f, nil
		case "esc":
			return f, Pop()
		case "down":
			return f, f.form.focusOn(f.form.focus + 1)
		case "up":
			return f, f.form.focusOn(f.form.focus - 1)
		case "ctrl+s":
			return f, f.submit()
		}
		return f, f.edit(msg)
	case tea.PasteMsg:
		return f, f.edit(msg)
	}
	return f, nil
}

// edit passes msg to the fields; a typed target occupation loses the
// picked label.
func (f *personFormPage) edit(msg tea.Msg) tea.Cmd {
	changed, cmd := f.form.update(msg)
	if changed && f.form.focus == pfTarget {
		f.targetLabel = ""
	}
	return cmd
}

// person applies the form to the stored person, naming a field it cannot read.
func (f *personFormPage) personFromForm() (sessions.Person, error) {
	tr := f.sh.Tr
	p := f.person
	v := f.form.trimmed
	p.Name, p.Email, p.Phone, p.Language = v(pfName), v(pfEmail), v(pfPhone), v(pfLanguage)
	p.Employment = f.employment[f.form.list[pfEmployment].choice]
	p.TargetOccupation, p.Availability = v(pfTarget), v(pfAvailability)
	p.Mobility = f.mobility[f.form.list[pfMobility].choice]
	p.LawfulBasis, p.NoticeVersion = v(pfBasis), v(pfNoticeVersion)
	bad := func(field int, label string, err error) error {
		f.form.focusOn(field)
		return fmt.Errorf("%s", tr.T("people.err.field", "Field", tr.T(label), "Err", f.sh.P.Error(err)))
	}
	p.BirthYear = 0
	if s := v(pfBirth); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return p, bad(pfBirth, "people.pf.birth", fmt.Errorf("%q is not a year", s))
		}
		p.BirthYear = n
	}
	region, err := catalog.ParseHome(v(pfRegion))
	if err != nil {
		return p, bad(pfRegion, "people.pf.region", err)
	}
	p.Region = region
	e, err := catalog.ParseEQF(v(pfEQF))
	if err != nil {
		return p, bad(pfEQF, "people.pf.eqf", err)
	}
	p.EQF = e
	today := dateOf(f.sh.Now())
	for _, d := range []struct {
		field int
		label string
		dst   *catalog.Date
	}{{pfNoticeShown, "people.pf.notice_shown", &p.NoticeShown}, {pfRetain, "people.pf.retain", &p.RetainUntil}} {
		s := v(d.field)
		switch {
		case s == "":
			*d.dst = catalog.Date{}
		case strings.EqualFold(s, "today"):
			*d.dst = today
		default:
			dt, err := catalog.ParseDate(s)
			if err != nil {
				return p, bad(d.field, d.label, err)
			}
			*d.dst = dt
		}
	}
	var cs []sessions.Consent
	for i, pur := range sessions.Purposes {
		var old sessions.Consent
		for _, c := range f.person.Consents {
			if c.Purpose == pur {
				old = c
			}
		}
		switch {
		case f.form.list[pfTexts+i].on && old.Active():
			cs = append(cs, old)
		case f.form.list[pfTexts+i].on:
			cs = append(cs, sessions.Consent{Purpose: pur, Given: today})
		case old.Active():
			old.Withdrawn = today
			cs = append(cs, old)
		case !old.Given.IsZero():
			cs = append(cs, old)
		}
	}
	p.Consents = cs
	return p, nil
}

func (f *personFormPage) submit() tea.Cmd {
	p, err := f.personFromForm()
	if err != nil {
		f.problem = f.sh.P.Error(err)
		return nil
	}
	f.problem = ""
	dep := f.sh.Deps.People
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		saved, err := dep.UpdatePerson(ctx, p)
		return personSavedMsg{p: saved, err: err}
	}
}

func (f *personFormPage) View() string {
	st, tr := f.sh.Styles, f.sh.Tr
	labels := [pfTexts]string{"people.pf.name", "people.email", "people.phone", "people.pf.birth", "people.pf.language", "people.pf.eqf",
		"people.employment", "people.target", "people.pf.availability", "people.pf.region", "people.pf.mobility", "people.pf.basis",
		"people.pf.notice_version", "people.pf.notice_shown", "people.pf.retain"}
	var lines []string
	lines = append(lines, " "+st.Bold.Render(tr.T("people.edit_title", "Name", f.person.Name)))
	for i := range pfTexts {
		v := f.form.view(i)
		if i == pfTarget && f.targetLabel != "" {
			// The occupation by name; its URI stays behind it.
			v = st.Bold.Render(f.targetLabel) + " " + st.Muted.Render("(ctrl+o)")
		}
		lines = append(lines, f.form.label(st, i, tr.T(labels[i]), 20)+v)
		if i == pfRegion { // the region by name, as the typed text resolves
			if code, err := catalog.ParseHome(f.form.trimmed(pfRegion)); err == nil && code != "" {
				lines = append(lines, strings.Repeat(" ", 21)+st.Muted.Render("→ "+f.sh.P.Region(code)))
			}
		}
		if pl := f.form.problemLine(st, i, 21, f.w); pl != "" {
			lines = append(lines, pl)
		}
	}
	for i, pur := range sessions.Purposes {
		lines = append(lines, f.form.label(st, pfTexts+i, tr.T("people.consent_label"), 20)+f.form.view(pfTexts+i)+" "+tr.T("people.consent."+string(pur)))
	}
	if f.problem != "" {
		lines = append(lines, " "+st.Error.Render("! "+ansi.Truncate(f.problem, f.w-4, "…")))
	}
	return Fit(strings.Join(lines, "\n"), f.w, f.h)
}

func (f *personFormPage) SetSize(w, h int) {
	f.w, f.h = w, h
	f.form.setWidth(max(w-24, 10))
}

func (f *personFormPage) Title() string      { return f.sh.Tr.T("people.edit") }
func (f *personFormPage) InputFocused() bool { return true }
func (f *personFormPage) ShortHelp() []key.Binding {
	return []key.Binding{f.next, f.pick, f.save, f.back}
}
func (f *personFormPage) FullHelp() [][]key.Binding {
	return [][]key.Binding{{f.next, f.toggle, f.pick}, {f.save, f.back}}
}

// mobilityLabel is a mobility choice in words ("–" when not stated).
func mobilityLabel(sh *Shared, code string) string {
	if code == "" {
		return "–"
	}
	return sh.P.Vocab("mobility", code)
}

// regionCheck says as it is typed when a home region cannot be read; a
// postcode still being typed (fewer than four digits) is not yet wrong.
func regionCheck(sh *Shared) func(string) string {
	return func(s string) string {
		t := strings.TrimSpace(s)
		if t == "" || (len(t) < 4 && strings.Trim(t, "0123456789") == "") {
			return ""
		}
		if _, err := catalog.ParseHome(t); err != nil {
			return sh.Tr.T("people.err.region_typed", "Value", t)
		}
		return ""
	}
}

// employmentLabel is an employment status in words ("–" when not given).
func employmentLabel(sh *Shared, code string) string {
	if code == "" {
		return "–"
	}
	if id := "people.employment." + code; sh.Tr.Has(id) {
		return sh.Tr.T(id)
	}
	return code
}
