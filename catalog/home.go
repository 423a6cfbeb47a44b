package catalog

import "strings"

// ParseHome reads a home region as a counsellor types it: a postcode
// ("6000", "L-1111"), a province or city name ("Charleroi", "Antwerpen")
// or a NUTS code ("BE32"). "" is not stated.
func ParseHome(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	digits := strings.ToUpper(t)
	for _, p := range []string{"BE-", "B-", "LU-", "L-"} {
		digits = strings.TrimPrefix(digits, p)
	}
	if digits != "" && strings.Trim(digits, "0123456789 ") == "" {
		return RegionOfPostcode(t)
	}
	return ParseRegion(t)
}
