package catalog

import "math"

// Default funding scheme codes (stable; ../shared/CLI.md).
const (
	SchemeILA     = "ila"     // individual learning account, EUR cents
	SchemeVoucher = "voucher" // training vouchers, EUR cents
	SchemeLeave   = "leave"   // paid training leave, minutes
	// SchemeOwn is the pseudo scheme of what the person pays out of pocket.
	SchemeOwn = "own"
)

// HoursPerECTS converts a workload given only in ECTS to hours (the middle
// of the 25–30 h band).
const HoursPerECTS = 27.5

// Unit is what a scheme counts: "EUR" (amounts in cents) or "hours"
// (amounts in minutes).
func Unit(scheme string) string {
	switch scheme {
	case SchemeLeave:
		return "hours"
	case "days":
		return "days"
	}
	return "EUR"
}

// FundingRules are the scheme rules a plan is costed with: ila pays up to
// its available euros; voucher pays a share of a course up to a cap per
// course; leave covers hours.
type FundingRules struct {
	VoucherPercent int   // share of a course's price the voucher pays; 0 means 50
	VoucherCap     Money // most a voucher pays for one course; 0 means no cap
}

// DefaultRules are the rules used when nothing else is configured.
func DefaultRules() FundingRules { return FundingRules{VoucherPercent: 50, VoucherCap: 12500} }

// Request is what each scheme is asked to pay for one course, in the
// scheme's minor unit (cents or minutes), before looking at what is
// available. The voucher pays its share (up to the cap), the ILA the rest of
// the price, and leave the hours, each only when the course is eligible.
// The requests do not depend on the order of steps, so what a set of courses
// costs the person does not either.
func Request(r FundingRules, price Money, hours float64, schemes []string) map[string]int64 {
	out := map[string]int64{}
	rest := int64(price)
	if has(schemes, SchemeVoucher) && rest > 0 {
		pct := r.VoucherPercent
		if pct <= 0 {
			pct = 50
		}
		v := rest * int64(pct) / 100
		if r.VoucherCap > 0 && v > int64(r.VoucherCap) {
			v = int64(r.VoucherCap)
		}
		if v > 0 {
			out[SchemeVoucher] = v
			rest -= v
		}
	}
	if has(schemes, SchemeILA) && rest > 0 {
		out[SchemeILA] = rest
	}
	if has(schemes, SchemeLeave) && hours > 0 {
		out[SchemeLeave] = Minutes(hours)
	}
	return out
}

// Minutes converts hours to whole minutes.
func Minutes(hours float64) int64 { return int64(math.Round(hours * 60)) }

// OutOfPocket is the part of price that the covered money lines leave to the person.
func OutOfPocket(price Money, covered map[string]int64) Money {
	rest := int64(price)
	for sc, v := range covered {
		if Unit(sc) == "EUR" {
			rest -= v
		}
	}
	return Money(max(rest, 0))
}

func has(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// FundParts are the sums over a set of courses that what the voucher and the
// ILA cover depends on. They add up, so a search keeps them incrementally.
type FundParts struct {
	VoucherOnly int64 // voucher shares of courses only the voucher pays for
	VoucherBoth int64 // voucher shares of courses both voucher and ILA pay for
	PriceBoth   int64 // prices of those courses
	PriceILA    int64 // prices of courses only the ILA pays for
}

// PartsOf is one course's contribution to FundParts.
func PartsOf(r FundingRules, price Money, schemes []string) FundParts {
	req := Request(r, price, 0, schemes)
	v, i := has(schemes, SchemeVoucher), has(schemes, SchemeILA)
	switch {
	case v && i:
		return FundParts{VoucherBoth: req[SchemeVoucher], PriceBoth: int64(price)}
	case v:
		return FundParts{VoucherOnly: req[SchemeVoucher]}
	case i:
		return FundParts{PriceILA: int64(price)}
	}
	return FundParts{}
}

// Add sums two sets' parts.
func (a FundParts) Add(b FundParts) FundParts {
	return FundParts{a.VoucherOnly + b.VoucherOnly, a.VoucherBoth + b.VoucherBoth, a.PriceBoth + b.PriceBoth, a.PriceILA + b.PriceILA}
}

// Sub removes b's parts from a.
func (a FundParts) Sub(b FundParts) FundParts {
	return FundParts{a.VoucherOnly - b.VoucherOnly, a.VoucherBoth - b.VoucherBoth, a.PriceBoth - b.PriceBoth, a.PriceILA - b.PriceILA}
}

// Fund is what the voucher and the ILA cover of a set of courses within
// their budgets, the best for the person: the voucher pays its share first
// of the courses nothing else pays for, then of those the ILA could also
// pay; the ILA pays the rest of the courses it is eligible for. It does not
// depend on the order of the courses, and adding a course never lowers what
// the person pays.
func Fund(f FundParts, voucherBudget, ilaBudget int64) (voucher, ila int64) {
	voucher = min(f.VoucherOnly+f.VoucherBoth, max(voucherBudget, 0))
	onBoth := voucher - min(f.VoucherOnly, voucher)
	ila = min(f.PriceILA+f.PriceBoth-onBoth, max(ilaBudget, 0))
	return voucher, ila
}

// FundCourse is one course of a pathway, for Allocate.
type FundCourse struct {
	Price   Money
	Hours   float64
	Schemes []string
}

// Allocate splits what Fund covers over the courses, in order, with the
// same priorities, and the leave hours; it returns the covered amount per
// scheme for each course.
func Allocate(r FundingRules, cs []FundCourse, budget map[string]int64) []map[string]int64 {
	out := make([]map[string]int64, len(cs))
	vLeft, iLeft, lLeft := max(budget[SchemeVoucher], 0), max(budget[SchemeILA], 0), max(budget[SchemeLeave], 0)
	rest := make([]int64, len(cs))
	for k, c := range cs {
		out[k] = map[string]int64{}
		rest[k] = int64(c.Price)
	}
	for _, both := range []bool{false, true} {
		for k, c := range cs {
			if !has(c.Schemes, SchemeVoucher) || has(c.Schemes, SchemeILA) != both {
				continue
			}
			v := min(Request(r, c.Price, 0, c.Schemes)[SchemeVoucher], vLeft)
			vLeft -= v
			rest[k] -= v
			if v > 0 {
				out[k][SchemeVoucher] = v
			}
		}
	}
	for k, c := range cs {
		if has(c.Schemes, SchemeILA) {
			i := min(rest[k], iLeft)
			iLeft -= i
			if i > 0 {
				out[k][SchemeILA] = i
			}
		}
		if has(c.Schemes, SchemeLeave) && c.Hours > 0 {
			l := min(Minutes(c.Hours), lLeft)
			lLeft -= l
			if l > 0 {
				out[k][SchemeLeave] = l
			}
		}
	}
	return out
}
