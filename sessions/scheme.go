package sessions

import (
	"fmt"
	"strconv"
	"strings"
)

// Unit is what a learning-account scheme counts.
type Unit string

// Units. Amounts are stored in minor units: cents, minutes, whole days.
const (
	UnitEUR   Unit = "EUR"
	UnitHours Unit = "hours"
	UnitDays  Unit = "days"
)

// Valid reports whether u is a known unit.
func (u Unit) Valid() bool { return u == UnitEUR || u == UnitHours || u == UnitDays }

// Parse reads an amount written in the unit's major units ("500.00" EUR,
// "7.5" hours, "2" days) and returns minor units. It refuses what the unit
// cannot hold exactly: a third decimal for EUR, a fraction of a minute for
// hours, a fraction of a day. Negative amounts are refused: the entry kind
// carries the direction.
func (u Unit) Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("%q is negative (the entry kind gives the direction)", s)
	}
	s = strings.TrimPrefix(s, "+")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	if hasDot && frac == "" {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not an amount", s)
		}
	}
	if whole == "" {
		whole = "0"
	}
	if len(whole) > 12 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	switch u {
	case UnitEUR:
		if len(frac) > 2 {
			return 0, fmt.Errorf("%q has more than two decimals (EUR counts whole cents)", s)
		}
		for len(frac) < 2 {
			frac += "0"
		}
		f, _ := strconv.ParseInt(frac, 10, 64)
		return w*100 + f, nil
	case UnitHours:
		frac = strings.TrimRight(frac, "0")
		if len(frac) > 6 {
			return 0, fmt.Errorf("%q has too many decimals", s)
		}
		scale := int64(1)
		for range len(frac) {
			scale *= 10
		}
		var f int64
		if frac != "" {
			f, _ = strconv.ParseInt(frac, 10, 64)
		}
		if (f*60)%scale != 0 {
			return 0, fmt.Errorf("%q is not a whole number of minutes", s)
		}
		return w*60 + f*60/scale, nil
	case UnitDays:
		if strings.TrimRight(frac, "0") != "" {
			return 0, fmt.Errorf("%q is not a whole number of days", s)
		}
		return w, nil
	}
	return 0, fmt.Errorf("unknown unit %q", u)
}

// Format writes minor units in major units: "500.00", "7.5", "2".
func (u Unit) Format(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	switch u {
	case UnitEUR:
		return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
	case UnitHours:
		h, m := v/60, v%60
		if m == 0 {
			return fmt.Sprintf("%s%d", sign, h)
		}
		s := strconv.FormatFloat(float64(m)/60, 'f', 2, 64)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		return sign + strconv.FormatInt(h, 10) + strings.TrimPrefix(s, "0")
	}
	return sign + strconv.FormatInt(v, 10)
}

// Major is v in major units as a number (JSON output).
func (u Unit) Major(v int64) float64 {
	switch u {
	case UnitEUR:
		return float64(v) / 100
	case UnitHours:
		return float64(v) / 60
	}
	return float64(v)
}

// Scheme is one kind of learning entitlement. Definitions are data (the
// schemes table); DefaultSchemes are those a Flemish job centre starts with.
type Scheme struct {
	Code string `json:"code"`
	Unit Unit   `json:"unit"`
	// Annual is the yearly accrual in minor units (leave: 125 h), 0 if none.
	Annual int64 `json:"annual"`
	// SharePercent is the share of a course's cost the scheme pays (voucher: 50).
	SharePercent int `json:"share_percent"`
	// Cap is the most the scheme pays towards one course, minor units; 0 means no cap.
	Cap int64 `json:"cap"`
}

// DefaultSchemes are the scheme definitions the store starts with.
func DefaultSchemes() []Scheme {
	return []Scheme{
		{Code: "ila", Unit: UnitEUR, SharePercent: 100},
		{Code: "leave", Unit: UnitHours, Annual: 125 * 60, SharePercent: 100},
		{Code: "voucher", Unit: UnitEUR, SharePercent: 50, Cap: 12500},
	}
}

// Payable is what the scheme pays towards a cost (minor units) given what
// is available: its share of the cost, at most the cap, at most available.
func (sc Scheme) Payable(cost, available int64) int64 {
	if cost <= 0 || available <= 0 {
		return 0
	}
	share := sc.SharePercent
	if share <= 0 || share > 100 {
		share = 100
	}
	p := cost * int64(share) / 100
	if sc.Cap > 0 && p > sc.Cap {
		p = sc.Cap
	}
	return min(p, available)
}

// FindScheme returns the scheme with code from list.
func FindScheme(list []Scheme, code string) (Scheme, bool) {
	for _, s := range list {
		if s.Code == code {
			return s, true
		}
	}
	return Scheme{}, false
}
