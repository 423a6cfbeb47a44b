package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (no time of day, no zone), written YYYY-MM-DD.
// The zero Date means "unknown" and is written as JSON null.
type Date struct{ t time.Time }

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return Date{t}, nil
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	return Date{time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
}

// NewDate builds a date from its parts.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// IsZero reports whether the date is unknown.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time is midnight UTC of the date.
func (d Date) Time() time.Time { return d.t }

// String is YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// DaysUntil is the number of days from d to e (negative if e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }

// MarshalJSON writes "YYYY-MM-DD" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD", "" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a string YYYY-MM-DD")
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Money is an amount in minor units (cents). JSON writes it as a decimal
// number of major units (12.5 for 1250 cents).
type Money int64

// ParseMoney reads a decimal amount with at most two decimals ("480", "480.5",
// "480.50"). A third decimal is an error, not a rounding.
func ParseMoney(s string) (Money, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimals", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not an amount", s)
		}
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/1000 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	m := Money(w*100 + f)
	if neg {
		m = -m
	}
	return m, nil
}

// String is the amount with two decimals ("480.00").
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Float is the amount in major units.
func (m Money) Float() float64 { return float64(m) / 100 }

// MarshalJSON writes a decimal number.
func (m Money) MarshalJSON() ([]byte, error) {
	s := m.String()
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0")
	s = strings.TrimSuffix(s, ".")
	return []byte(s), nil
}

// UnmarshalJSON reads a decimal number (or a numeric string) with at most two decimals.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// EQF is a European Qualifications Framework level: 1–8, EQFUnknown (0,
// written null) or EQFNotApplicable (written "n/a").
type EQF int8

// Special EQF values.
const (
	EQFUnknown       EQF = 0
	EQFNotApplicable EQF = -1
)

// URI is the EU vocabulary URI of the level, or "".
func (e EQF) URI() string {
	if e < 1 || e > 8 {
		return ""
	}
	return fmt.Sprintf("http://data.europa.eu/snb/eqf/%d", e)
}

// Valid reports whether e is a level, unknown or not applicable.
func (e EQF) Valid() bool { return e == EQFUnknown || e == EQFNotApplicable || (e >= 1 && e <= 8) }

// MarshalJSON writes a number, null or "n/a".
func (e EQF) MarshalJSON() ([]byte, error) {
	switch {
	case e == EQFUnknown:
		return []byte("null"), nil
	case e == EQFNotApplicable:
		return []byte(`"n/a"`), nil
	}
	return []byte(strconv.Itoa(int(e))), nil
}

// UnmarshalJSON reads a number, null, "n/a", or an EQF URI.
func (e *EQF) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseEQF(s)
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// ParseEQF reads "5", "n/a", "" / "null" (unknown) or a level URI. It does
// not range-check: an EQF of 9 parses and fails validation, so the message
// can name the field.
func ParseEQF(s string) (EQF, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "", "null":
		return EQFUnknown, nil
	case "n/a", "na", "not applicable", "not-applicable":
		return EQFNotApplicable, nil
	}
	s = strings.TrimPrefix(s, "http://data.europa.eu/snb/eqf/")
	n, err := strconv.Atoi(s)
	if err != nil || n < -128 || n > 127 {
		return EQFUnknown, fmt.Errorf("%q is not an EQF level", s)
	}
	return EQF(n), nil
}
