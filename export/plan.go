// Package export renders a person's learning plan for hand-over: a PDF to
// print, Markdown, self-contained HTML, ELM-aligned JSON (which koers can
// import back) and iCalendar.
//
// Every renderer takes one document model, Plan, plus Options (the
// translator for the document language and a clock). A Plan is assembled
// from the store by the caller (see Build); the renderers are pure and
// deterministic: the same Plan and clock give the same bytes.
package export

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/locale"
)

// Plan is the learning plan as it is handed over: who and when, the goals,
// the pathway of steps with their Annex I essentials, funding, skill
// coverage, agreed actions, the next appointment and (only when asked for)
// session notes.
type Plan struct {
	ID         string    `json:"id"`
	Status     string    `json:"status,omitempty"` // "agreed", "draft"
	Person     Person    `json:"person"`
	Counsellor string    `json:"counsellor,omitempty"`
	Generated  time.Time `json:"generated"`
	Target     *Target   `json:"target,omitempty"`
	Goals      []Goal    `json:"goals,omitempty"`
	Steps      []Step    `json:"steps"`
	Funding    []Scheme  `json:"funding,omitempty"`
	Totals     Totals    `json:"totals"`
	Coverage   *Coverage `json:"coverage,omitempty"`
	Actions    []Action  `json:"actions,omitempty"`
	Next       *Meeting  `json:"next_appointment,omitempty"`
	Notes      []Note    `json:"notes,omitempty"`
	Warnings   []string  `json:"warnings,omitempty"` // plan checks, already in the document language
}

// Person is the learner the plan is for.
type Person struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Language string `json:"language,omitempty"` // ISO 639-1: en, nl, fr
	Country  string `json:"country,omitempty"`  // ISO 3166-1 alpha-2
}

// Target is what the pathway leads to: an ESCO occupation or a larger
// credential to stack towards.
type Target struct {
	URI   string `json:"uri,omitempty"`
	Label string `json:"label"`
}

// Goal is one of the person's goals.
type Goal struct {
	Type   string       `json:"type,omitempty"`
	Text   string       `json:"text"`
	Due    catalog.Date `json:"target_date"`
	Status string       `json:"status,omitempty"`
}

// Step is one learning opportunity on the pathway, with its Annex I
// essentials copied from the register entry.
type Step struct {
	ID            string            `json:"id"`
	OfferID       string            `json:"offer_id,omitempty"`
	Source        string            `json:"source,omitempty"`
	SourceID      string            `json:"source_id,omitempty"`
	Title         string            `json:"title"`
	Provider      string            `json:"provider,omitempty"`
	AwardingBody  string            `json:"awarding_body,omitempty"`
	Country       string            `json:"country,omitempty"`
	Region        string            `json:"region,omitempty"`
	URL           string            `json:"url,omitempty"`
	Start         catalog.Date      `json:"start"`
	End           catalog.Date      `json:"end"`
	Mode          catalog.Mode      `json:"mode,omitempty"`
	EQF           catalog.EQF       `json:"eqf"`
	ECTS          *float64          `json:"ects"`
	Hours         *float64          `json:"hours"`
	Cost          *catalog.Money    `json:"cost"`
	Currency      string            `json:"currency,omitempty"`
	Funding       []Funding         `json:"funding,omitempty"`
	Outcomes      []catalog.Outcome `json:"learning_outcomes,omitempty"`
	Assessment    string            `json:"assessment,omitempty"`
	QA            string            `json:"quality_assurance,omitempty"`
	Prerequisites []string          `json:"prerequisites,omitempty"`
	Languages     []string          `json:"languages,omitempty"`
	ISCED         string            `json:"isced,omitempty"`
}

// Unit is the unit a funding scheme counts in.
type Unit string

// Scheme units. Amounts are integers in minor units: cents for EUR,
// minutes for hours, hundredths for days.
const (
	UnitEUR   Unit = "EUR"
	UnitHours Unit = "hours"
	UnitDays  Unit = "days"
)

// Funding is what one scheme pays towards one step.
type Funding struct {
	Scheme string `json:"scheme"`
	Unit   Unit   `json:"unit"`
	Amount int64  `json:"amount"` // minor units
}

// Scheme is the funding summary of one learning-account scheme: what was
// available before the plan, what the plan uses, what remains, as of a date
// (offline balances are indicative).
type Scheme struct {
	Code      string       `json:"code"`
	Name      string       `json:"name,omitempty"`
	Unit      Unit         `json:"unit"`
	Available int64        `json:"available"`
	Planned   int64        `json:"planned"`
	AsOf      catalog.Date `json:"as_of"`
}

// Remaining is what the scheme still allows after the plan (may be negative
// when the plan overspends).
func (s Scheme) Remaining() int64 { return s.Available - s.Planned }

// Totals sum the pathway.
type Totals struct {
	ECTS        float64       `json:"ects"`
	Hours       float64       `json:"hours"`
	Cost        catalog.Money `json:"cost"`
	Funded      catalog.Money `json:"funded"`        // paid by money schemes
	OutOfPocket catalog.Money `json:"out_of_pocket"` // cost − funded, never below 0
	Currency    string        `json:"currency,omitempty"`
	Start       catalog.Date  `json:"start"`
	End         catalog.Date  `json:"end"`
}

// Coverage is the skill coverage of the pathway towards the target:
// essential skills the person holds, will gain from planned steps, or still misses.
type Coverage struct {
	Covered []catalog.SkillRef `json:"covered"`
	Planned []catalog.SkillRef `json:"planned"`
	Missing []catalog.SkillRef `json:"missing"`
}

// Action is an agreed action: who does what by when.
type Action struct {
	ID      string       `json:"id"`
	Summary string       `json:"summary"`
	Owner   string       `json:"owner,omitempty"`
	Due     catalog.Date `json:"due"`
	Status  string       `json:"status,omitempty"`
}

// Meeting is the next guidance appointment.
type Meeting struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Channel string    `json:"channel,omitempty"`
	Venue   string    `json:"venue,omitempty"`
}

// Note is a session note; restricted, exported only on request.
type Note struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Options is what every renderer needs besides the plan.
type Options struct {
	// Tr is the catalogue in the document language (the person's, or --lang).
	Tr *locale.Tr
	// Now is the clock; it dates the document when Plan.Generated is zero.
	Now func() time.Time
	// PersonalTitles puts the person's name in iCalendar event titles.
	PersonalTitles bool
	// Location is the time zone appointment and note times are shown in
	// (nil: UTC). iCalendar always writes UTC.
	Location *time.Location
	// Undrawable, if set, hears of every character the PDF's fonts cannot
	// draw (shown as U+FFFD instead), so that the export can say so.
	Undrawable func(r rune)
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

func (o Options) generated(p *Plan) time.Time {
	if !p.Generated.IsZero() {
		return p.Generated.UTC()
	}
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Time{}
}

// Format is an export format.
type Format string

// Export formats.
const (
	PDF      Format = "pdf"
	Markdown Format = "md"
	HTML     Format = "html"
	JSON     Format = "json"
	ICS      Format = "ics"
)

// Formats lists every format, in menu order (a new slice each call).
func Formats() []Format { return []Format{PDF, Markdown, HTML, JSON, ICS} }

// ParseFormat reads a format name ("pdf", "md", "markdown", "html", "json", "ics", "ical").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pdf":
		return PDF, nil
	case "md", "markdown":
		return Markdown, nil
	case "html", "htm":
		return HTML, nil
	case "json", "jsonld", "json-ld":
		return JSON, nil
	case "ics", "ical", "icalendar":
		return ICS, nil
	}
	return "", fmt.Errorf("%q is not pdf, md, html, json or ics", s)
}

// Ext is the file name extension of the format, with the dot.
func (f Format) Ext() string { return "." + string(f) }

// MediaType is the format's MIME type.
func (f Format) MediaType() string {
	switch f {
	case PDF:
		return "application/pdf"
	case Markdown:
		return "text/markdown; charset=utf-8"
	case HTML:
		return "text/html; charset=utf-8"
	case JSON:
		return "application/ld+json"
	case ICS:
		return "text/calendar; charset=utf-8"
	}
	return "application/octet-stream"
}

// Write renders p in format f.
func Write(w io.Writer, f Format, p *Plan, opt Options) error {
	if opt.Tr == nil {
		return errors.New("export: no translator")
	}
	switch f {
	case PDF:
		return WritePDF(w, p, opt)
	case Markdown:
		return WriteMarkdown(w, p, opt)
	case HTML:
		return WriteHTML(w, p, opt)
	case JSON:
		return WriteJSON(w, p, opt)
	case ICS:
		return WriteICS(w, p, opt)
	}
	return fmt.Errorf("export: unknown format %q", f)
}

// FileName is the suggested file name for a plan export: the person's id
// (never their name: file names travel in logs and mail) and the date.
func FileName(personID string, f Format, day catalog.Date) string {
	id := personID
	if len(id) > 8 {
		id = id[len(id)-8:]
	}
	return "learning-plan-" + id + "-" + day.String() + f.Ext()
}
