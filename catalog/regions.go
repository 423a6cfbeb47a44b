package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Mobility is how far a person can travel to a course: the suggestion
// keeps offers in the regions it reaches, and online offers always.
type Mobility string

// Mobility choices. "" means not stated: no limit.
const (
	MobilityOnline     Mobility = "online"     // online only
	MobilityProvince   Mobility = "province"   // own province (NUTS 2)
	MobilityNeighbours Mobility = "neighbours" // own and neighbouring provinces
	MobilityAnywhere   Mobility = "anywhere"
)

// Mobilities are the choices, in order of reach.
var Mobilities = []Mobility{MobilityOnline, MobilityProvince, MobilityNeighbours, MobilityAnywhere}

// ErrRegion is returned for a region, postcode or mobility koers cannot
// read with certainty.
var ErrRegion = errors.New("unknown region")

// ParseMobility reads a mobility choice (its code, case-insensitive).
func ParseMobility(s string) (Mobility, error) {
	m := Mobility(strings.ToLower(strings.TrimSpace(s)))
	if m == "" || slices.Contains(Mobilities, m) {
		return m, nil
	}
	return "", fmt.Errorf("mobility %q: want one of online, province, neighbours, anywhere: %w", s, ErrRegion)
}

// Province is the NUTS 2 region of a NUTS code (a Belgian or Dutch
// province, Luxembourg); "" for a code shorter than that.
func Province(nuts string) string {
	if len(nuts) < 4 {
		return ""
	}
	return strings.ToUpper(nuts[:4])
}

// neighbours are the NUTS 2 regions that share a border, for Belgium,
// Luxembourg and the Dutch, French and German regions along them (NUTS
// 2021). Symmetric; a test checks it.
var neighbours = map[string][]string{
	"BE10": {"BE24"},
	"BE21": {"BE22", "BE23", "BE24", "NL34", "NL41"},
	"BE22": {"BE21", "BE24", "BE33", "NL41", "NL42"},
	"BE23": {"BE21", "BE24", "BE25", "BE32", "NL34"},
	"BE24": {"BE10", "BE21", "BE22", "BE23", "BE31", "BE32", "BE33"},
	"BE25": {"BE23", "BE32", "FRE1", "NL34"},
	"BE31": {"BE24", "BE32", "BE33", "BE35"},
	"BE32": {"BE23", "BE24", "BE25", "BE31", "BE35", "FRE1", "FRF2"},
	"BE33": {"BE22", "BE24", "BE31", "BE34", "BE35", "DEA2", "DEB2", "LU00", "NL42"},
	"BE34": {"BE33", "BE35", "FRF2", "FRF3", "LU00"},
	"BE35": {"BE31", "BE32", "BE33", "BE34", "FRF2"},
	"LU00": {"BE33", "BE34", "DEB2", "FRF3"},
	"NL34": {"BE21", "BE23", "BE25", "NL33", "NL41"},
	"NL41": {"BE21", "BE22", "NL34", "NL33", "NL42"},
	"NL42": {"BE22", "BE33", "DEA2", "NL41"},
	"NL33": {"NL34", "NL41"},
	"FRE1": {"BE25", "BE32"},
	"FRF2": {"BE32", "BE34", "BE35"},
	"FRF3": {"BE34", "LU00"},
	"DEA2": {"BE33", "NL42"},
	"DEB2": {"BE33", "LU00"},
}

// Reach is the NUTS prefixes a person living in home can travel to with
// mobility m, and whether only online offers fit. An unknown home or an
// unstated mobility reaches everywhere (nil, false): koers does not guess.
func Reach(home string, m Mobility) (regions []string, onlineOnly bool) {
	p := Province(home)
	switch m {
	case MobilityOnline:
		return nil, true
	case MobilityProvince:
		if p != "" {
			return []string{p}, false
		}
	case MobilityNeighbours:
		if p != "" {
			return append([]string{p}, neighbours[p]...), false
		}
	}
	return nil, false
}

// InReach reports whether an offer in region with mode m fits regions (an
// online offer always does; no regions: everything does).
func InReach(region string, m Mode, regions []string) bool {
	if len(regions) == 0 || m == ModeOnline {
		return true
	}
	for _, r := range regions {
		if strings.HasPrefix(region, r) {
			return true
		}
	}
	return false
}

// belgianPostcodes are the bpost ranges of the provinces (first and last
// code, NUTS 2). Scope: Belgium by province, Luxembourg as a whole;
// Dutch postcodes are not mapped (use the province's name or code).
var belgianPostcodes = []struct {
	from, to int
	nuts     string
}{
	{1000, 1299, "BE10"}, {1300, 1499, "BE31"}, {1500, 1999, "BE24"}, {2000, 2999, "BE21"},
	{3000, 3499, "BE24"}, {3500, 3999, "BE22"}, {4000, 4999, "BE33"}, {5000, 5999, "BE35"},
	{6000, 6599, "BE32"}, {6600, 6999, "BE34"}, {7000, 7999, "BE32"}, {8000, 8999, "BE25"},
	{9000, 9999, "BE23"},
}

// RegionOfPostcode is the NUTS 2 region of a Belgian postcode ("6000",
// "B-6000", "BE-6000") or a Luxembourg one ("L-1111", "LU-1111").
func RegionOfPostcode(pc string) (string, error) {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(pc), " ", ""))
	country := "BE"
	for _, p := range []struct{ prefix, country string }{{"BE-", "BE"}, {"B-", "BE"}, {"LU-", "LU"}, {"L-", "LU"}} {
		if strings.HasPrefix(s, p.prefix) {
			s, country = strings.TrimPrefix(s, p.prefix), p.country
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 {
		return "", fmt.Errorf("postcode %q: want a Belgian (6000) or Luxembourg (L-1111) postcode: %w", pc, ErrRegion)
	}
	if country == "LU" {
		return "LU00", nil
	}
	for _, r := range belgianPostcodes {
		if n >= r.from && n <= r.to {
			return r.nuts, nil
		}
	}
	return "", fmt.Errorf("postcode %q: no Belgian province has it: %w", pc, ErrRegion)
}

// regionNames are the names a counsellor may type for a home region: the
// provinces in English, Dutch and French, and their main cities.
var regionNames = map[string][]string{
	"BE10": {"brussels", "brussel", "bruxelles", "brussels-capital region"},
	"BE21": {"antwerp", "antwerpen", "anvers"},
	"BE22": {"limburg (be)", "limbourg", "hasselt", "genk"},
	"BE23": {"east flanders", "oost-vlaanderen", "flandre orientale", "ghent", "gent", "gand", "aalst"},
	"BE24": {"flemish brabant", "vlaams-brabant", "brabant flamand", "leuven", "louvain"},
	"BE25": {"west flanders", "west-vlaanderen", "flandre occidentale", "bruges", "brugge", "kortrijk", "courtrai", "oostende", "ostende"},
	"BE31": {"walloon brabant", "waals-brabant", "brabant wallon", "wavre", "waver", "nivelles"},
	"BE32": {"hainaut", "henegouwen", "charleroi", "mons", "bergen", "tournai", "doornik"},
	"BE33": {"liège", "liege", "luik", "verviers"},
	"BE34": {"luxembourg province", "province de luxembourg", "provincie luxemburg", "arlon", "aarlen"},
	"BE35": {"namur", "namen"},
	"LU00": {"luxembourg", "luxemburg", "grand duchy of luxembourg"},
	"NL34": {"zeeland", "middelburg"},
	"NL41": {"north brabant", "noord-brabant", "brabant-septentrional", "eindhoven", "breda", "tilburg"},
	"NL42": {"limburg (nl)", "maastricht"},
}

// ParseRegion reads a home region: a NUTS code of 2 to 5 characters (a
// digit after the country) whose
// country koers knows (BE, NL, LU, FR, DE), or a province or city name
// above. Names are matched whole, case- and accent-insensitively.
func ParseRegion(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	up := strings.ToUpper(t)
	if len(up) >= 2 && len(up) <= 5 && slices.Contains([]string{"BE", "NL", "LU", "FR", "DE"}, up[:2]) && isNUTSTail(up[2:]) {
		return up, nil
	}
	f := FoldSearch(t)
	for _, code := range sortedKeys(regionNames) {
		for _, n := range regionNames[code] {
			if FoldSearch(n) == f {
				return code, nil
			}
		}
	}
	return "", fmt.Errorf("region %q: not a NUTS code or a province or city koers knows: %w", s, ErrRegion)
}

// isNUTSTail reports whether s can follow a country code in a NUTS code:
// empty, or letters and digits with at least one digit ("10", "E1", "322"),
// so that a name such as "Luik" is not read as a code.
func isNUTSTail(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r < 'A' || r > 'Z':
			return false
		}
	}
	return s == "" || digit
}
