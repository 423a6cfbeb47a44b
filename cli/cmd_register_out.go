package cli

import (
	"fmt"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// offerJSON is an offer as `koers search --json` and `koers offer --json`
// print it (../shared/CLI.md): every key present, unknown values null.
type offerJSON struct {
	ID            string             `json:"id"`
	Source        string             `json:"source"`
	SourceID      string             `json:"source_id"`
	Title         string             `json:"title"`
	TitleI18n     map[string]string  `json:"title_i18n"`
	Description   *string            `json:"description"`
	DescI18n      map[string]string  `json:"description_i18n"`
	Provider      *string            `json:"provider"`
	AwardingBody  *string            `json:"awarding_body"`
	Country       *string            `json:"country"`
	Region        *string            `json:"region"`
	EQF           catalog.EQF        `json:"eqf"`
	ECTS          *float64           `json:"ects"`
	Hours         *float64           `json:"hours"`
	Mode          *string            `json:"mode"`
	Languages     []string           `json:"languages"`
	Price         *catalog.Money     `json:"price"`
	Currency      *string            `json:"currency"`
	Start         catalog.Date       `json:"start"`
	End           catalog.Date       `json:"end"`
	ApplyBy       catalog.Date       `json:"apply_by"`
	Schemes       []string           `json:"schemes"`
	Skills        []catalog.SkillRef `json:"skills"`
	Outcomes      []catalog.Outcome  `json:"learning_outcomes"`
	Assessment    *string            `json:"assessment"`
	QA            *string            `json:"quality_assurance"`
	Prerequisites []string           `json:"prerequisites"`
	Supervision   *string            `json:"supervision"`
	Stackability  *string            `json:"stackability"`
	Relations     []catalog.Relation `json:"relations"`
	FurtherInfo   *string            `json:"further_information"`
	URL           *string            `json:"url"`
	Grade         *string            `json:"grading"`
	ISCED         *string            `json:"isced"`
	Schedule      *string            `json:"schedule"`
	Location      *string            `json:"location"`
	Status        catalog.Status     `json:"status"`
	Flags         []string           `json:"flags"`
	Score         *float64           `json:"score,omitempty"`
	// Added by issue 12 (additive: nothing above changes).
	HoursRange       *catalog.Range  `json:"hours_range"`
	WeeklyHours      *catalog.Range  `json:"weekly_hours"`
	Length           *catalog.Length `json:"length"`
	CertificatePrice *catalog.Money  `json:"certificate_price"`
	Level            *string         `json:"level"`
	Keywords         []string        `json:"keywords"`
}

// nstr is nil for an empty (unknown) string.
func nstr(s string) *string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return &s
}

// nlist is nil for an empty (unknown) list.
func nlist[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

func nmap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func toOfferJSON(o catalog.Offer) offerJSON {
	return offerJSON{
		ID: o.ID, Source: o.Source, SourceID: o.SourceID, Title: o.Title, TitleI18n: nmap(o.TitleI18n),
		Description: nstr(o.Description), DescI18n: nmap(o.DescI18n), Provider: nstr(o.Provider), AwardingBody: nstr(o.AwardingBody),
		Country: nstr(o.Country), Region: nstr(o.Region), EQF: o.EQF, ECTS: o.ECTS, Hours: o.Hours, Mode: nstr(string(o.Mode)),
		Languages: nlist(o.Languages), Price: o.Price, Currency: nstr(o.Currency), Start: o.Start, End: o.End, ApplyBy: o.ApplyBy,
		Schemes: nlist(o.Schemes), Skills: nlist(o.Skills()), Outcomes: nlist(o.Outcomes), Assessment: nstr(o.Assessment), QA: nstr(o.QA),
		Prerequisites: nlist(o.Prerequisites), Supervision: nstr(o.Supervision), Stackability: nstr(o.Stackability),
		Relations: nlist(o.Relations), FurtherInfo: nstr(o.FurtherInfo), URL: nstr(o.URL), Grade: nstr(o.Grade), ISCED: nstr(o.ISCED),
		Schedule: nstr(o.Schedule), Location: nstr(o.Location), Status: o.Status, Flags: nlist(o.Flags),
		HoursRange: o.HoursRange, WeeklyHours: o.WeeklyHours, Length: o.Length, CertificatePrice: o.CertificatePrice,
		Level: nstr(o.Level), Keywords: nlist(o.Keywords),
	}
}

// cut shortens s to n runes with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s + strings.Repeat(" ", n-len(r))
	}
	return string(r[:n-1]) + "…"
}

func printHits(a *invocation, hits []catalog.Hit, today catalog.Date) error {
	tr := a.tr()
	w := a.stdout
	for _, h := range hits {
		o := h.Offer
		start := o.Start.String()
		if start == "" {
			start = "?"
		}
		if l := a.printer().Lapse(o, today); l != "" { // in words: not bookable any more
			start = l
		}
		fmt.Fprintf(w, "%s  %s  %-7s  %-16s  %-8s  %-10s  %s  %s:%s\n", cut(o.Title, 40), cut(o.Provider, 22), a.printer().EQF(o.EQF),
			a.printer().Workload(o.ECTS, o.Hours), a.printer().Mode(o.Mode), a.printer().Price(o.Price, o.Currency), start, o.Source, o.SourceID)
	}
	fmt.Fprintln(a.stderr, tr.N("app.offers", len(hits)))
	return nil
}

// printOffer shows every Annex I element of an offer, labelled.
func printOffer(a *invocation, o catalog.Offer) error {
	tr := a.tr()
	w := a.stdout
	line := func(id, v string) {
		if strings.TrimSpace(v) == "" {
			v = tr.T("app.unknown")
		}
		fmt.Fprintf(w, "%-24s %s\n", tr.T("register.field."+id)+":", v)
	}
	line("title", o.Title)
	for l, t := range o.TitleI18n {
		line("title", "("+l+") "+t)
	}
	line("id", o.ID+"  ("+o.Source+":"+o.SourceID+")")
	line("status", tr.T("register.status."+string(o.Status)))
	line("provider", o.Provider)
	line("awarding_body", o.AwardingBody)
	line("country", strings.TrimSpace(o.Country+" "+o.Region))
	line("eqf", a.printer().EQF(o.EQF))
	line("workload", a.printer().Workload(o.ECTS, o.Hours))
	line("mode", a.printer().Mode(o.Mode))
	line("assessment", o.Assessment)
	line("quality_assurance", o.QA)
	line("languages", strings.Join(o.Languages, ", "))
	line("price", a.printer().Price(o.Price, o.Currency))
	line("dates", strings.TrimSpace(o.Start.String()+" – "+o.End.String()))
	line("schemes", strings.Join(o.Schemes, ", "))
	line("prerequisites", strings.Join(o.Prerequisites, "; "))
	line("supervision", o.Supervision)
	line("stackability", o.Stackability)
	for _, r := range o.Relations {
		line("relation", tr.T("register.relation."+string(r.Kind))+" "+r.Target+" "+r.Label)
	}
	line("further_information", o.FurtherInfo)
	fmt.Fprintf(w, "%s:\n", tr.T("register.field.learning_outcomes"))
	for _, lo := range o.Outcomes {
		fmt.Fprintf(w, "  • %s\n", lo.Text)
		for _, s := range lo.Skills {
			fmt.Fprintf(w, "      %s <%s>\n", s.Label, s.URI)
		}
	}
	if o.Description != "" {
		fmt.Fprintf(w, "\n%s\n", o.Description)
	}
	if warn := o.WorkloadWarning(); warn != "" {
		fmt.Fprintf(a.stderr, "%s\n", tr.T("register.warn.workload", "Warning", warn))
	}
	return nil
}
