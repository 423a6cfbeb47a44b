package present

import (
	"slices"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// Limits says the budget and hour limits of a suggestion that a face set
// (Constraints says the rest): "budget: ILA €500.00, own money €0.00 ·
// at most 120 h"; "" when none is set (the accounts' available amounts
// apply).
func (p *Printer) Limits(k catalog.Constraints) string {
	tr := p.tr
	var parts []string
	if len(k.Budget) > 0 {
		codes := make([]string, 0, len(k.Budget))
		for c := range k.Budget {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		var bs []string
		for _, c := range codes {
			bs = append(bs, p.Scheme(c)+" "+p.Amount(c, k.Budget[c]))
		}
		parts = append(parts, tr.T("plan.limits.budget", "List", strings.Join(bs, ", ")))
	}
	if k.MaxHours > 0 {
		parts = append(parts, tr.T("plan.limits.hours", "Hours", p.Hours(k.MaxHours)))
	}
	return strings.Join(parts, " · ")
}

// Stated is v, or "not stated" in words when an element of a credential
// is empty: a missing Annex I element is said, never left blank.
func (p *Printer) Stated(v string) string {
	if strings.TrimSpace(v) == "" {
		return p.tr.T("credential.not_stated")
	}
	return v
}

// ECTS is a credit value ("4,5 ECTS" in Dutch), or "unknown" when the
// document does not state it: never 0.
func (p *Printer) ECTS(v *float64) string {
	if v == nil {
		return p.tr.T("app.unknown")
	}
	return p.Number(*v) + " ECTS"
}

// Signature says a credential's signature status in words ("unsigned",
// "signed, not verified offline").
func (p *Printer) Signature(status string) string {
	switch status {
	case "":
		return p.tr.T("credential.not_stated")
	case catalog.SignatureNone:
		return p.tr.T("credential.sig.unsigned")
	case catalog.SignatureNotVerified:
		return p.tr.T("credential.sig.not_verified")
	}
	return status
}
