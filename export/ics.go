package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// uidDomain ends every event UID; UIDs derive from koers ids, so
// re-exporting a plan updates the same calendar entries.
const uidDomain = "@koers"

// WriteICS renders the plan's dates as iCalendar (RFC 5545, CRLF lines):
// all-day events for each step's start and end and each action's due date,
// and a one-hour event for the next appointment. Titles carry no personal
// details unless Options.PersonalTitles is set.
func WriteICS(w io.Writer, p *Plan, opt Options) error {
	tr := opt.Tr
	stamp := opt.generated(p)
	cal := ics.NewCalendarFor("koers")
	cal.SetProductId("-//koers//learning plan//" + strings.ToUpper(tr.Lang()))
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName(tr.T("export.title"))

	who := ""
	if opt.PersonalTitles && p.Person.Name != "" {
		who = p.Person.Name + ": "
	}
	allDay := func(uid string, d catalog.Date, summary, desc string) {
		e := cal.AddEvent(uid + uidDomain)
		e.SetDtStampTime(stamp)
		e.SetAllDayStartAt(d.Time())
		e.SetAllDayEndAt(d.AddDays(1).Time())
		e.SetSummary(present.TerminalText(summary))
		if desc != "" {
			e.SetDescription(present.TerminalText(desc))
		}
		e.SetTimeTransparency(ics.TransparencyTransparent)
	}
	f := newFmtr(tr)
	for _, s := range p.Steps {
		desc := strings.Join(nonEmpty(s.Provider, f.dates(s.Start, s.End), s.URL), "\n")
		if !s.Start.IsZero() {
			allDay("step-"+s.ID+"-start", s.Start, who+tr.T("export.ics.start", "Title", s.Title), desc)
		}
		if !s.End.IsZero() {
			allDay("step-"+s.ID+"-end", s.End, who+tr.T("export.ics.end", "Title", s.Title), desc)
		}
	}
	for _, a := range p.Actions {
		if a.Due.IsZero() {
			continue
		}
		title := tr.T("export.ics.action")
		if opt.PersonalTitles {
			title = who + a.Summary
		}
		desc := a.Summary
		if a.Owner != "" {
			desc += "\n" + tr.T("export.c.owner") + ": " + a.Owner
		}
		allDay("action-"+a.ID, a.Due, title, desc)
	}
	if n := p.Next; n != nil && !n.At.IsZero() {
		e := cal.AddEvent("appointment-" + n.ID + uidDomain)
		e.SetDtStampTime(stamp)
		e.SetStartAt(n.At.UTC())
		e.SetEndAt(n.At.UTC().Add(time.Hour))
		e.SetSummary(present.TerminalText(who + tr.T("export.ics.appointment")))
		if n.Venue != "" {
			e.SetLocation(present.TerminalText(n.Venue))
		}
		if n.Channel != "" {
			e.SetDescription(f.code("export.channel.", n.Channel))
		}
	}
	if err := cal.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("write icalendar: %w", err)
	}
	return nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && s != "–" {
			out = append(out, s)
		}
	}
	return out
}
