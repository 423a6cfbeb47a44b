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

// Cover is the greedy, in-order funding of requests against what each scheme
// has available: each request gets what is left, the uncovered part of a
// money request is paid out of pocket. It returns, per request, the covered
// amounts, and the total gap per scheme.
func Cover(requests []map[string]int64, available map[string]int64) (covered []map[string]int64, gap map[string]int64) {
	left := map[string]int64{}
	for k, v := range available {
		left[k] = v
	}
	gap = map[string]int64{}
	covered = make([]map[string]int64, len(requests))
	for i, req := range requests {
		covered[i] = map[string]int64{}
		for _, sc := range sortedKeys(req) {
			want := req[sc]
			got := min(want, max(left[sc], 0))
			left[sc] -= got
			covered[i][sc] = got
			if want > got {
				gap[sc] += want - got
			}
		}
	}
	return covered, gap
}

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
