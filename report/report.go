// Package report computes the anonymised figures a centre or a ministry
// monitors learning accounts with (Council Recommendation 2022/C 243/03):
// participation, who takes part by group, entitlements accrued and spent,
// what they were spent on, outcomes and the guidance itself.
//
// It is pure: it aggregates plain per-person records a data source streams
// in (no SQL, no terminal) and returns tables of cells. Reports are
// anonymised by construction: a record carries no name, id, birth date or
// note; the report holds only aggregates; every cell about fewer than k
// people is suppressed, and complementary suppression stops a suppressed
// cell being recomputed from the sums printed beside it (table.go).
package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DefaultK is the smallest number of people a printed cell may be about.
const DefaultK = 5

// Day is a calendar day as yyyymmdd (20260315); 0 is unknown. Records use
// it instead of time.Time so a million ledger rows compare as integers.
type Day int32

// ParseDay reads the leading YYYY-MM-DD of s (a date or an RFC 3339
// stamp); anything else is 0, unknown.
func ParseDay(s string) Day {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0
	}
	n := 0
	for i, c := range []byte(s[:10]) {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return Day(n)
}

// DayOf is the day of t in its location.
func DayOf(t time.Time) Day {
	if t.IsZero() {
		return 0
	}
	return Day(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

// Time is the day at midnight UTC.
func (d Day) Time() time.Time {
	return time.Date(int(d)/10000, time.Month(int(d)/100%100), int(d)%100, 0, 0, 0, 0, time.UTC)
}

// Month is "YYYY-MM".
func (d Day) Month() string { return fmt.Sprintf("%04d-%02d", int(d)/10000, int(d)/100%100) }

// String is YYYY-MM-DD.
func (d Day) String() string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", int(d)/10000, int(d)/100%100, int(d)%100)
}

// Params say what a report covers. From and To bound the period (both
// included); Centre and Region (a NUTS prefix) narrow it to a centre's
// caseload or the people living in a region; K is the suppression
// threshold, never below DefaultK.
type Params struct {
	From   Day    `json:"from"`
	To     Day    `json:"to"`
	Centre string `json:"centre,omitempty"`
	Region string `json:"region,omitempty"`
	// Centres, when set, limits the report to the people of these centres
	// (a supervisor's centre, a regional supervisor's region): set by the
	// application from the account, never by the person asking.
	Centres []string `json:"centres,omitempty"`
	K       int      `json:"k"`
}

// Check refuses parameters that would weaken the report: k below the
// default, a period that ends before it starts or is unknown.
func (p Params) Check() error {
	switch {
	case p.K < DefaultK:
		return fmt.Errorf("k: %d is below %d: k may only be raised", p.K, DefaultK)
	case p.From == 0 || p.To == 0:
		return fmt.Errorf("from/to: the period is required")
	case p.To < p.From:
		return fmt.Errorf("to: %s is before from (%s)", p.To, p.From)
	}
	return nil
}

// Last12Months is the period of the twelve months up to and including today.
func Last12Months(today time.Time) (from, to Day) {
	return DayOf(today.AddDate(-1, 0, 1)), DayOf(today)
}

// Record is what one person contributes to a report: groups and dated
// events, and nothing that names them. A data source fills one per person
// and passes it to Builder.Add (it may reuse it afterwards).
type Record struct {
	BirthYear  int    // 0 unknown
	Gender     string // "" not recorded
	EQF        int    // highest education level, 0 unknown
	Employment string // "" not recorded
	Region     string // NUTS, "" unknown
	Centre     string
	Schemes    []string // schemes the person holds an account in
	// PlanMade is the day the person's first plan with a step was made.
	PlanMade     Day
	Sessions     []Session
	Actions      []Action
	Steps        []Step
	Entries      []Entry
	Employment6  Follow // at 6 months; Situation "" none recorded
	Employment12 Follow
	Credentials  []Day // days earned credentials were issued (or recorded)
}

// Reset empties r for the next person, keeping its slices' memory.
func (r *Record) Reset() {
	*r = Record{Schemes: r.Schemes[:0], Sessions: r.Sessions[:0], Actions: r.Actions[:0], Steps: r.Steps[:0],
		Entries: r.Entries[:0], Credentials: r.Credentials[:0]}
}

// Session is a guidance session: when, and whether the person came.
type Session struct {
	At       Day
	Attended bool
}

// Action is an action agreed in a session, on the session's day.
type Action struct {
	Agreed Day
	Done   bool
}

// Tri is a yes/no that may be unknown.
type Tri int8

// Tri values.
const (
	Unknown Tri = iota
	No
	Yes
)

// Step is a plan step: its dated outcomes and what it is (from the
// register offer), and what it cost the person out of pocket (cents).
type Step struct {
	Enrolled, Completed, Dropped Day
	EQF                          int    // 0 unknown
	Field                        string // ISCED-F 2013 code, "" unknown
	Mode                         string // form of participation, "" unknown
	Micro, Stackable             Tri
	OutOfPocket                  int64 // cents
}

// Entry is a ledger entry. Step is the index in Record.Steps of the step
// it reserves or spends for, or -1.
type Entry struct {
	Scheme string
	Kind   string // accrual, top-up, reserve, spend, release, expire, correct
	Funder string
	Amount int64 // the scheme's minor unit
	On     Day
	Step   int
}

// Follow is an employment follow-up.
type Follow struct {
	Situation string
	On        Day
}

// in reports whether d falls in the period.
func (p Params) in(d Day) bool { return d != 0 && d >= p.From && d <= p.To }

// keep reports whether the record is in the report's population (centre
// and region).
func (p Params) keep(r *Attrs) bool {
	return (p.Centre == "" || r.Centre == p.Centre) && (p.Region == "" || strings.HasPrefix(r.Region, p.Region)) &&
		(len(p.Centres) == 0 || slices.Contains(p.Centres, r.Centre))
}

// Report is the result: sections of tables, and ratios derived from cells.
type Report struct {
	Params   Params    `json:"params"`
	Sections []Section `json:"sections"`
	Ratios   []Ratio   `json:"ratios"`
}

// Section is a titled group of tables.
type Section struct {
	ID     string   `json:"id"`
	Tables []*Table `json:"tables"`
}

// Ratio is a rate derived from two printed cells (per cent, one decimal);
// suppressed when either is, or when the denominator is zero.
type Ratio struct {
	ID         string  `json:"id"`
	Percent    float64 `json:"percent"`
	Suppressed bool    `json:"suppressed"`
}

// Table finds a table by id.
func (r *Report) Table(id string) *Table {
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			if t.ID == id {
				return t
			}
		}
	}
	return nil
}

// Cell is the cell at row and col codes of table id, or false.
func (r *Report) Cell(table, row, col string) (Cell, bool) {
	t := r.Table(table)
	if t == nil {
		return Cell{}, false
	}
	i, j := slices.Index(t.Rows, row), slices.Index(t.Cols, col)
	if i < 0 || j < 0 {
		return Cell{}, false
	}
	return t.Cells[i][j], true
}

// MarshalJSON writes the day as "YYYY-MM-DD" (null when unknown).
func (d Day) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// MarshalJSON writes a suppressed ratio's percent as null.
func (x Ratio) MarshalJSON() ([]byte, error) {
	var v *float64
	if !x.Suppressed {
		v = &x.Percent
	}
	return json.Marshal(struct {
		ID         string   `json:"id"`
		Percent    *float64 `json:"percent"`
		Suppressed bool     `json:"suppressed"`
	}{x.ID, v, x.Suppressed})
}
