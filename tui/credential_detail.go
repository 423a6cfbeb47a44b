package tui

import (
	"context"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
	"github.com/koers-project/koers/sessions"
)

type credentialOfferMsg struct {
	offer catalog.Offer
	err   error
}

// credentialDetail shows one earned credential with every element of
// Annex I of the micro-credentials Recommendation, each labelled; an
// element the credential does not state says so in words ("not stated",
// an unknown ECTS "unknown"), never a blank or a 0. The optional elements
// that an earned credential does not carry itself (prerequisites,
// stackability, further information) come from the register offer it was
// earned on, when the register knows it.
type credentialDetail struct {
	sh    *Shared
	c     sessions.Credential
	offer *catalog.Offer
	// waiting is set while the register offer it was earned on loads: the
	// detail shows once, whole, not first without its optional elements.
	waiting bool
	vp      viewport.Model
	back    key.Binding
	move    key.Binding
	w, h    int
}

func newCredentialDetail(sh *Shared, c sessions.Credential) *credentialDetail {
	d := &credentialDetail{sh: sh, c: c, vp: viewport.New(),
		back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", sh.Tr.T("key.back"))),
		move: key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", sh.Tr.T("people.key.scroll")))}
	d.vp.SoftWrap = false
	d.waiting = sh.Deps.Register != nil && c.OfferID != ""
	return d
}

func (d *credentialDetail) Init() tea.Cmd {
	reg, id := d.sh.Deps.Register, d.c.OfferID
	if reg == nil || id == "" {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		o, err := reg.Offer(ctx, id)
		return credentialOfferMsg{offer: o, err: err}
	}
}

func (d *credentialDetail) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case credentialOfferMsg:
		d.waiting = false
		if msg.err == nil {
			d.offer = &msg.offer
		}
		d.render()
		return d, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, d.back) {
			return d, Pop()
		}
		d.vp, _ = d.vp.Update(msg)
	}
	return d, nil
}

func (d *credentialDetail) render() {
	off := d.vp.YOffset()
	d.vp.SetContent(d.content(d.w))
	d.vp.SetYOffset(off)
}

// content is the detail for width w: labels beside the values when there
// is room, above them when not.
func (d *credentialDetail) content(w int) string {
	sh, st, tr, pr := d.sh, d.sh.Styles, d.sh.Tr, d.sh.P
	c := d.c
	stacked, labelW, valW := detailLayout(w, 32)
	var b strings.Builder
	b.WriteString(lipgloss.NewStyle().Width(w).Render(st.Bold.Render(present.Terminal(pr.Stated(c.Title)))) + "\n")
	notStated := st.Warning.Render(tr.T("credential.not_stated"))
	row := func(id, val string) {
		if strings.TrimSpace(val) == "" {
			val = notStated
		}
		labelled(&b, st.Label, tr.T(id), val, labelW, valW, stacked)
	}
	section := func(id string) { b.WriteString("\n" + st.Title.Render(tr.T(id)) + "\n") }
	data := func(s string) string { return present.Terminal(s) }

	section("detail.mandatory")
	learner := data(c.Learner)
	if c.Learner != "" && c.LearnerConfirmed {
		learner += " " + st.Muted.Render("("+tr.T("credential.learner_confirmed")+")")
	}
	row("detail.learner", learner)
	row("detail.title_el", data(c.Title))
	row("detail.country", credentialPlace(sh, c))
	row("detail.awarding", data(c.AwardingBody))
	issued := ""
	if !c.Issued.IsZero() {
		issued = pr.Date(c.Issued)
	}
	row("detail.issued", issued)
	row("detail.outcomes", outcomesText(sh, catalog.Offer{Outcomes: c.Outcomes}, valW))
	row("detail.workload", credentialWorkload(sh, c))
	level := ""
	if c.EQF >= 1 && c.EQF <= 8 || c.EQF == catalog.EQFNotApplicable {
		level = pr.EQF(c.EQF)
	}
	if c.NQF != "" {
		level = strings.TrimPrefix(level+" · "+data(c.NQF), " · ")
	}
	row("detail.level", level)
	row("detail.assessment", pr.Vocab("assessment", c.Assessment))
	row("detail.mode", pr.Vocab("mode", string(c.Mode)))
	row("detail.qa", pr.Vocab("qa", c.QA))

	section("detail.optional")
	var o catalog.Offer
	if d.offer != nil {
		o = *d.offer
	}
	row("detail.prerequisites", data(strings.Join(o.Prerequisites, "\n")))
	row("detail.supervision", pr.Vocab("supervision", c.Supervision))
	row("detail.grading", data(c.Grade))
	stack := ""
	if d.offer != nil {
		stack = stackText(sh, o)
	}
	row("detail.stackability", stack)
	row("detail.further", strings.TrimSpace(data(o.FurtherInfo)+"\n"+data(o.URL)))

	section("credential.on_file")
	row("credential.signature", pr.Signature(c.Signature))
	if c.SignedBy != "" {
		row("credential.signed_by", data(c.SignedBy))
	}
	row("credential.source", credentialSource(sh, c.Source))
	if !c.CreatedAt.IsZero() {
		row("credential.added_on", tr.T("credential.added_by", "Date", pr.Date(catalog.DateOf(c.CreatedAt.Local())), "Who", data(c.CreatedBy)))
	}
	if len(c.Missing) > 0 {
		var ms []string
		for _, m := range c.Missing {
			if l := elementLabel(sh, m); !slices.Contains(ms, l) {
				ms = append(ms, l)
			}
		}
		b.WriteString("\n" + st.Warning.Render(lipgloss.NewStyle().Width(w).Render("⚠ "+tr.T("credential.missing", "List", strings.Join(ms, ", ")))) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// credentialPlace is the issuer's country and region by name.
func credentialPlace(sh *Shared, c sessions.Credential) string {
	return issuerPlace(sh, catalog.Offer{Country: c.Country, Region: c.Region})
}

// credentialSource says how the credential reached the file.
func credentialSource(sh *Shared, src string) string {
	if id := "credential.src." + src; src != "" && sh.Tr.Has(id) {
		return sh.Tr.T(id)
	}
	return present.Terminal(src)
}

func (d *credentialDetail) View() string {
	if d.waiting {
		return Fit(" "+d.sh.Tr.T("people.loading"), d.w, d.h)
	}
	return d.vp.View()
}

func (d *credentialDetail) SetSize(w, h int) {
	d.w, d.h = w, h
	d.vp.SetWidth(w)
	d.vp.SetHeight(h)
	d.render()
}

func (d *credentialDetail) Title() string             { return d.sh.Tr.T("credential.detail_title") }
func (d *credentialDetail) InputFocused() bool        { return false }
func (d *credentialDetail) ShortHelp() []key.Binding  { return []key.Binding{d.move, d.back} }
func (d *credentialDetail) FullHelp() [][]key.Binding { return [][]key.Binding{{d.move, d.back}} }
