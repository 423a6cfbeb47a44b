package export

import (
	"strconv"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// doc is the plan laid out as labelled text in the document language. The
// Markdown, HTML and PDF renderers all draw this one value, so they carry
// the same content.
type doc struct {
	Lang          string
	Title         string
	Meta          []field // person, counsellor, date, target
	Goals         section[[]string]
	Pathway       table
	Steps         []stepBlock
	Funding       table
	Totals        []field
	Coverage      section[[]coverageLine]
	Actions       table
	Next          section[string]
	Notes         section[[]string]
	Warnings      section[[]string]
	Footer        string
	Headings      headings
	OutcomesLabel string
}

type headings struct {
	Goals, Pathway, Details, Funding, Totals, Coverage, Actions, Next, Notes, Warnings string
}

type section[T any] struct {
	Show bool
	Body T
}

type field struct{ Label, Value string }

type table struct {
	Head []string
	Rows [][]string
	// Num marks right-aligned (numeric) columns.
	Num []bool
}

type stepBlock struct {
	Title    string
	Fields   []field
	Outcomes []string
}

type coverageLine struct {
	Label  string
	Count  int
	Skills []string
}

// layout builds the doc from the plan.
func layout(p *Plan, opt Options) doc {
	tr := opt.Tr
	f := newFmtr(tr)
	d := doc{Lang: tr.Lang(), Title: tr.T("export.title")}
	d.Headings = headings{
		Goals: tr.T("export.h.goals"), Pathway: tr.T("export.h.pathway"), Details: tr.T("export.h.details"),
		Funding: tr.T("export.h.funding"), Totals: tr.T("export.h.totals"), Coverage: tr.T("export.h.coverage"),
		Actions: tr.T("export.h.actions"), Next: tr.T("export.h.next"), Notes: tr.T("export.h.notes"),
		Warnings: tr.T("export.h.warnings"),
	}
	d.Meta = []field{
		{tr.T("export.f.person"), p.Person.Name},
		{tr.T("export.f.person_id"), p.Person.ID},
		{tr.T("export.f.counsellor"), orDash(p.Counsellor)},
		{tr.T("export.f.date"), f.date(catalog.DateOf(opt.generated(p)))},
	}
	if p.Target != nil {
		d.Meta = append(d.Meta, field{tr.T("export.f.target"), p.Target.Label})
	}
	if p.Status != "" {
		d.Meta = append(d.Meta, field{tr.T("export.f.status"), f.code("export.status.", p.Status)})
	}

	d.Goals.Show = len(p.Goals) > 0
	for _, g := range p.Goals {
		s := g.Text
		if !g.Due.IsZero() {
			s += " (" + tr.T("export.f.by", "Date", f.date(g.Due)) + ")"
		}
		d.Goals.Body = append(d.Goals.Body, s)
	}

	d.Pathway = table{
		Head: []string{"#", tr.T("export.c.title"), tr.T("export.c.provider"), tr.T("export.c.dates"), tr.T("export.c.mode"),
			"EQF", tr.T("export.c.workload"), tr.T("export.c.cost"), tr.T("export.c.funding")},
		Num: []bool{true, false, false, false, false, true, true, true, false},
	}
	if len(p.Steps) == 0 { // an empty plan says so in words (issue 13)
		d.Pathway.Rows = append(d.Pathway.Rows, []string{"", tr.T("export.no_steps"), "", "", "", "", "", "", ""})
	}
	for i, s := range p.Steps {
		d.Pathway.Rows = append(d.Pathway.Rows, []string{
			strconv.Itoa(i + 1), s.Title, orDash(s.Provider), f.dates(s.Start, s.End), f.mode(s.Mode),
			f.eqf(s.EQF), f.workload(s.ECTS, s.Hours), f.cost(s.Cost, s.Currency), f.funding(s.Funding),
		})
		d.Steps = append(d.Steps, f.stepBlock(i, s))
	}

	d.Funding = table{
		Head: []string{tr.T("export.c.scheme"), tr.T("export.c.available"), tr.T("export.c.planned"), tr.T("export.c.remaining"), tr.T("export.c.as_of")},
		Num:  []bool{false, true, true, true, false},
	}
	for _, s := range p.Funding {
		name := s.Name
		if name == "" {
			name = s.Code
		}
		d.Funding.Rows = append(d.Funding.Rows, []string{name, f.amount(s.Unit, s.Available), f.amount(s.Unit, s.Planned), f.amount(s.Unit, s.Remaining()), f.date(s.AsOf)})
	}

	t := p.Totals
	d.Totals = []field{
		{tr.T("export.t.steps"), strconv.Itoa(len(p.Steps))},
		{tr.T("export.t.workload"), f.workload(&t.ECTS, &t.Hours)},
		{tr.T("export.t.dates"), f.dates(t.Start, t.End)},
		{tr.T("export.t.cost"), f.money(t.Cost, t.Currency)},
		{tr.T("export.t.funded"), f.money(t.Funded, t.Currency)},
		{tr.T("export.t.out_of_pocket"), f.money(t.OutOfPocket, t.Currency)},
	}

	if c := p.Coverage; c != nil {
		d.Coverage.Show = true
		d.Coverage.Body = []coverageLine{
			{tr.T("export.cov.covered"), len(c.Covered), skillLabels(c.Covered)},
			{tr.T("export.cov.planned"), len(c.Planned), skillLabels(c.Planned)},
			{tr.T("export.cov.missing"), len(c.Missing), skillLabels(c.Missing)},
		}
	}

	d.Actions = table{Head: []string{tr.T("export.c.action"), tr.T("export.c.owner"), tr.T("export.c.due"), tr.T("export.c.status")}}
	for _, a := range p.Actions {
		st := "–"
		if a.Status != "" {
			st = f.code("export.action.", a.Status)
		}
		d.Actions.Rows = append(d.Actions.Rows, []string{a.Summary, f.code("export.owner.", a.Owner), f.date(a.Due), st})
	}

	if n := p.Next; n != nil {
		d.Next.Show = true
		parts := []string{f.dateTime(n.At.In(opt.loc()))}
		if n.Channel != "" {
			parts = append(parts, f.code("export.channel.", n.Channel))
		}
		if n.Venue != "" {
			parts = append(parts, n.Venue)
		}
		d.Next.Body = strings.Join(parts, " · ")
	}
	d.Notes.Show = len(p.Notes) > 0
	for _, n := range p.Notes {
		d.Notes.Body = append(d.Notes.Body, f.dateTime(n.At.In(opt.loc()))+": "+n.Text)
	}
	d.Warnings.Show = len(p.Warnings) > 0
	d.Warnings.Body = p.Warnings
	d.Footer = tr.T("export.footer")
	d.OutcomesLabel = tr.T("export.f.outcomes")
	return d
}

func (f fmtr) funding(fs []Funding) string {
	if len(fs) == 0 {
		return "–"
	}
	parts := make([]string, len(fs))
	for i, x := range fs {
		parts[i] = f.p.Scheme(x.Scheme) + " " + f.amount(x.Unit, x.Amount)
	}
	return strings.Join(parts, ", ")
}

func (f fmtr) stepBlock(i int, s Step) stepBlock {
	tr := f.tr
	b := stepBlock{Title: strconv.Itoa(i+1) + ". " + s.Title}
	b.Fields = []field{
		{tr.T("export.f.awarding_body"), orDash(s.AwardingBody)},
		{tr.T("export.f.assessment"), orDash(f.p.Vocab("assessment", s.Assessment))}, // labels, never codes (issue 13)
		{tr.T("export.f.qa"), orDash(f.p.Vocab("qa", s.QA))},
		{tr.T("export.f.prerequisites"), orDash(strings.Join(s.Prerequisites, "; "))},
	}
	if s.Country != "" {
		where := f.p.Vocab("country", s.Country)
		if r := f.p.Region(s.Region); r != "" && r != where {
			where += " · " + r
		}
		b.Fields = append(b.Fields, field{tr.T("export.f.country"), where})
	}
	if len(s.Languages) > 0 {
		var ls []string
		for _, l := range s.Languages {
			ls = append(ls, f.p.Vocab("lang", l))
		}
		b.Fields = append(b.Fields, field{tr.T("export.f.languages"), strings.Join(ls, ", ")})
	}
	if s.URL != "" {
		b.Fields = append(b.Fields, field{tr.T("export.f.url"), s.URL})
	}
	for _, o := range s.Outcomes {
		t := o.Text
		if t == "" {
			t = strings.Join(skillLabels(o.Skills), ", ")
		}
		b.Outcomes = append(b.Outcomes, t)
	}
	return b
}

func skillLabels(ss []catalog.SkillRef) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Label
		if out[i] == "" {
			out[i] = s.URI
		}
	}
	return out
}

type cell struct {
	Text string
	Num  bool
}

func (t table) num(i int) bool { return i < len(t.Num) && t.Num[i] }

// HeadCells is the header row with alignment, for the HTML template.
func (t table) HeadCells() []cell {
	out := make([]cell, len(t.Head))
	for i, h := range t.Head {
		out[i] = cell{h, t.num(i)}
	}
	return out
}

// BodyCells is the rows with alignment, for the HTML template.
func (t table) BodyCells() [][]cell {
	out := make([][]cell, len(t.Rows))
	for r, row := range t.Rows {
		out[r] = make([]cell, len(row))
		for i, c := range row {
			out[r][i] = cell{c, t.num(i)}
		}
	}
	return out
}
