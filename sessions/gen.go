package sessions

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/koers-project/koers/catalog"
)

// GenOffer is what the population generator needs of a register offer to
// plan it: its id, title, price (cents, nil unknown), hours and schemes.
type GenOffer struct {
	ID      string
	Title   string
	Price   *int64
	Hours   float64
	Schemes []string
}

// GenPerson is one synthetic person's whole file: profile, guidance
// sessions with actions, one plan with steps and their dated outcomes,
// learning-account entries (running totals filled), earned credentials and
// employment follow-ups. Ids are set (UUIDv7-shaped, from the seed) so
// entries can name the steps they reserve for.
type GenPerson struct {
	Person      Person
	Sessions    []Session
	Plan        *Plan
	Outcomes    []StepOutcome
	Entries     []Entry
	Credentials []Credential
	Employment  []EmploymentOutcome
}

// Centres, regions and funders of the synthetic population.
var (
	genCentres = []string{"gent", "antwerpen", "brussel", "leuven", "brugge", "hasselt"}
	genRegions = []string{"BE21", "BE21", "BE23", "BE23", "BE10", "BE24", "BE25", "BE22", "BE31", "NL41", "NL33"}
	genFunders = []string{"VDAB", "ESF+", "sector fund", "municipality"}
	genDrop    = []string{"found a job", "health", "course too hard", "family reasons", "moved away"}
)

// GeneratePopulation yields n synthetic people, the same ones for the same
// seed, n, offers and asOf (the day the population is "now"): ages 18–66,
// stated gender for most, education and employment spread as in a public
// employment service's caseload, regions, centres, 1–8 sessions over two
// years with no-shows, a plan for about two in three with 1–4 steps on the
// given offers, enrolments, completions and drop-outs, ledgers (yearly
// accruals, top-ups for the low-qualified and unemployed, reservations,
// spending, releases, expiries) and follow-ups at 6 and 12 months.
func GeneratePopulation(seed uint64, n int, offers []GenOffer, asOf time.Time) iter.Seq[GenPerson] {
	return func(yield func(GenPerson) bool) {
		g := &popGen{r: rand.New(rand.NewPCG(seed, 0x6b6f657273)), offers: offers, asOf: asOf.UTC().Truncate(24 * time.Hour)}
		for i := range n {
			if !yield(g.person(i)) {
				return
			}
		}
	}
}

type popGen struct {
	r      *rand.Rand
	offers []GenOffer
	asOf   time.Time
	clock  int64 // milliseconds, so ids sort in generation order
}

// id is a UUIDv7-shaped id from the generator's random stream.
func (g *popGen) id(at time.Time) string {
	g.clock++
	ms := uint64(at.UnixMilli()) + uint64(g.clock%1000)
	a, b := g.r.Uint64(), g.r.Uint64()
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x", ms>>16, ms&0xffff, a&0xfff, 0x8000|(a>>12)&0x3fff, b&0xffffffffffff)
}

func (g *popGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *popGen) day(daysAgo int) time.Time {
	return g.asOf.AddDate(0, 0, -daysAgo).Add(time.Duration(9+g.r.IntN(8)) * time.Hour)
}

func (g *popGen) person(i int) GenPerson {
	r := g.r
	start := r.IntN(730) + 30 // first session, days ago
	created := g.day(start + 1)
	p := Person{Name: fmt.Sprintf("Person %06d", i+1), BirthYear: g.asOf.Year() - 18 - r.IntN(49), Language: "nl",
		Region: g.pick(genRegions), Centre: g.pick(genCentres), CreatedAt: created, UpdatedAt: created, CreatedBy: "gen", UpdatedBy: "gen"}
	p.ID = g.id(created)
	switch x := r.IntN(100); {
	case x < 48:
		p.Gender = "female"
	case x < 95:
		p.Gender = "male"
	case x < 97:
		p.Gender = "other"
	}
	p.EQF = catalog.EQF([]int{0, 1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 7}[r.IntN(13)])
	p.Employment = []string{"", Unemployed, Unemployed, Unemployed, Employed, Employed, Employed, SelfEmpl, Student, Inactive}[r.IntN(10)]
	out := GenPerson{Person: p}

	// Sessions: the first, then more every few weeks; some not attended.
	ns := 1 + r.IntN(8)
	ago := start
	for s := range ns {
		at := g.day(ago)
		gs := Session{PersonID: p.ID, At: at, Minutes: 30 + 15*r.IntN(4), Channel: Channels[r.IntN(4)], Attended: true,
			Counsellor: "gen", CreatedAt: at, CreatedBy: "gen", Goals: []Goal{}, Actions: []Action{}}
		if s > 0 && r.IntN(100) < 12 {
			gs.Attended, gs.Reason = false, "did not come"
		}
		gs.ID = g.id(at)
		if gs.Attended {
			for range r.IntN(3) {
				st := "open"
				if r.IntN(100) < 60 {
					st = "done"
				}
				gs.Actions = append(gs.Actions, Action{ID: g.id(at), Summary: "agreed action", Owner: "person",
					Due: catalog.DateOf(at).AddDays(14 + r.IntN(60)), Status: st, SessionID: gs.ID})
			}
		}
		out.Sessions = append(out.Sessions, gs)
		ago -= 14 + r.IntN(60)
		if ago < 1 {
			break
		}
	}

	l := &genLedger{g: g, person: p.ID, totals: map[string]Totals{}}
	// Accruals: the account opened up to four years before the first
	// session; a yearly ILA credit since; leave hours for those in work,
	// whose unused part lapses at the end of each year.
	opened := start + r.IntN(5*365)
	for ago := opened; ago > 0; ago -= 365 {
		at := g.day(ago)
		l.post(ILAScheme, Accrual, int64(50000+100*r.IntN(1000)), at, "", "")
		if p.Employment == Employed || p.Employment == SelfEmpl {
			if ago > 365 {
				l.post(LeaveScheme, Expire, l.totals[LeaveScheme].Available()/2, at, "", "")
			}
			l.post(LeaveScheme, Accrual, 7500*60/100, at, "", "")
		}
	}
	if low := p.EQF >= 1 && p.EQF <= 2; low || p.Employment == Unemployed {
		l.post(ILAScheme, TopUp, int64(25000+100*r.IntN(500)), g.day(start-r.IntN(30)), g.pick(genFunders), "most in need")
		if r.IntN(2) == 0 {
			l.post(VoucherScheme, Accrual, 25000, g.day(start), "", "")
		}
	}

	// A plan for about two in three, made at one of the first sessions.
	if len(g.offers) > 0 && r.IntN(3) < 2 && start > 20 {
		made := g.day(start - r.IntN(min(start-10, 60)))
		pl := &Plan{ID: g.id(made), PersonID: p.ID, Name: "plan", Agreed: true, CreatedAt: made, UpdatedAt: made, CreatedBy: "gen", UpdatedBy: "gen"}
		madeAgo := int(g.asOf.Sub(made).Hours() / 24)
		cursor := madeAgo - 7 - r.IntN(30)
		lastClose := time.Time{}
		allClosed := true
		for range 1 + r.IntN(4) {
			o := g.offers[r.IntN(len(g.offers))]
			st := Step{ID: g.id(made), Kind: KindOffer, OfferID: o.ID, Title: o.Title, Status: StepPlanned,
				CreatedAt: made, UpdatedAt: made, CreatedBy: "gen", UpdatedBy: "gen"}
			st.Funding = l.fund(o)
			ref := ReserveRef(st.ID)
			for _, f := range st.Funding {
				l.post(f.Scheme, Reserve, f.Amount, made, "", ref)
			}
			weeks := max(1, int(o.Hours/8))
			if cursor > 3 && r.IntN(100) < 75 {
				enrol := g.day(cursor)
				out.Outcomes = append(out.Outcomes, StepOutcome{ID: g.id(enrol), PersonID: p.ID, PlanID: pl.ID, StepID: st.ID,
					Status: StepEnrolled, On: catalog.DateOf(enrol), CreatedAt: enrol, CreatedBy: "gen"})
				st.Status = StepEnrolled
				endAgo := cursor - 7*weeks
				if endAgo > 0 {
					end := g.day(endAgo)
					oc := StepOutcome{ID: g.id(end), PersonID: p.ID, PlanID: pl.ID, StepID: st.ID, On: catalog.DateOf(end), CreatedAt: end, CreatedBy: "gen"}
					if r.IntN(100) < 78 {
						oc.Status, st.Status = StepCompleted, StepCompleted
						for _, f := range st.Funding {
							l.post(f.Scheme, Spend, f.Amount, end, "", ref)
						}
						if r.IntN(100) < 70 {
							c := g.credential(p, o, end)
							oc.CredentialID = c.ID
							out.Credentials = append(out.Credentials, c)
						}
					} else {
						oc.Status, st.Status, oc.Reason = StepDropped, StepDropped, g.pick(genDrop)
						for _, f := range st.Funding {
							l.post(f.Scheme, Release, f.Amount, end, "", ref)
						}
					}
					out.Outcomes = append(out.Outcomes, oc)
					st.UpdatedAt = end
					if end.After(lastClose) {
						lastClose = end
					}
				} else {
					allClosed = false
				}
				cursor = endAgo - r.IntN(30)
			} else {
				allClosed = false
			}
			for i := range st.Funding {
				if st.Status.Open() {
					st.Funding[i].Reserved = st.Funding[i].Amount
				}
			}
			pl.Steps = append(pl.Steps, st)
		}
		out.Plan = pl
		// Follow-ups at 6 and 12 months, for most plans that ended long enough ago.
		if allClosed && !lastClose.IsZero() {
			for _, m := range FollowUpMonths {
				due := lastClose.AddDate(0, m, 0)
				if due.After(g.asOf) || r.IntN(100) >= 80 {
					continue
				}
				at := due.AddDate(0, 0, r.IntN(20))
				if at.After(g.asOf) {
					at = g.asOf
				}
				fs := Session{ID: g.id(at), PersonID: p.ID, At: at, Channel: Phone, Attended: true, Counsellor: "gen",
					Summary: fmt.Sprintf("follow-up %d months after the plan", m), CreatedAt: at, CreatedBy: "gen", Goals: []Goal{}, Actions: []Action{}}
				out.Sessions = append(out.Sessions, fs)
				sit := []string{Employed, Employed, Employed, SelfEmpl, Unemployed, Unemployed, Student, Inactive}[r.IntN(8)]
				src := SelfReported
				if r.IntN(3) == 0 {
					src = Administrative
				}
				out.Employment = append(out.Employment, EmploymentOutcome{ID: g.id(at), PersonID: p.ID, PlanID: pl.ID, SessionID: fs.ID,
					Months: m, Situation: sit, Source: src, On: catalog.DateOf(at), CreatedAt: at, CreatedBy: "gen"})
			}
		}
	}
	// Yearly expiry of part of what is left on the ILA.
	if t := l.totals[ILAScheme]; t.Available() > 20000 && r.IntN(100) < 30 {
		l.post(ILAScheme, Expire, t.Available()/4, g.day(r.IntN(20)+1), "", "")
	}
	out.Entries = l.entries
	return out
}

// Scheme codes the generator posts to (the default schemes).
const (
	ILAScheme     = catalog.SchemeILA
	LeaveScheme   = catalog.SchemeLeave
	VoucherScheme = catalog.SchemeVoucher
)

// genLedger posts entries in date order per account with running totals.
type genLedger struct {
	g       *popGen
	person  string
	totals  map[string]Totals
	entries []Entry
	last    map[string]time.Time
}

func (l *genLedger) post(scheme string, k Kind, amount int64, at time.Time, funder, ref string) {
	if amount <= 0 {
		return
	}
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	if at.Before(l.last[scheme]) {
		at = l.last[scheme] // entries of one account never go back in time
	}
	l.last[scheme] = at
	e := Entry{PersonID: l.person, Scheme: scheme, Kind: k, Amount: amount, Ref: ref, Funder: funder, Effective: at,
		Key: l.g.id(at), CreatedAt: at, CreatedBy: "gen"}
	if k == TopUp {
		e.Reason = "most in need"
	}
	var c Context
	if ref != "" {
		c.Outstanding = Outstanding(l.entries, ref)
		for _, x := range l.entries {
			if x.Ref == ref && x.Scheme != scheme {
				c.Outstanding -= x.DReserved
			}
		}
	}
	p, err := Prepare(l.totals[scheme], e, c)
	if err != nil {
		return // the generator never overdraws: an entry the rules refuse is not made
	}
	p.ID = e.Key
	l.totals[scheme] = Totals{Seq: p.Seq, Balance: p.BalanceAfter, Reserved: p.ReservedAfter}
	l.entries = append(l.entries, p)
}

// fund asks the schemes for the offer's price (voucher first, then the
// ILA) and leave hours, within what is available.
func (l *genLedger) fund(o GenOffer) []FundingLine {
	var out []FundingLine
	var price int64
	if o.Price != nil {
		price = *o.Price
	}
	if price > 0 {
		if v := min(price/2, 12500, l.totals[VoucherScheme].Available()); v > 0 {
			out = append(out, FundingLine{Scheme: VoucherScheme, Amount: v})
			price -= v
		}
		if v := min(price, l.totals[ILAScheme].Available()); v > 0 {
			out = append(out, FundingLine{Scheme: ILAScheme, Amount: v})
		}
	}
	if h := int64(o.Hours * 60 / 2); h > 0 {
		if v := min(h, l.totals[LeaveScheme].Available()); v > 0 {
			out = append(out, FundingLine{Scheme: LeaveScheme, Amount: v})
		}
	}
	// What is asked here is reserved at once, so later steps see less.
	return out
}

func (g *popGen) credential(p Person, o GenOffer, at time.Time) Credential {
	h := o.Hours
	return Credential{ID: g.id(at), PersonID: p.ID, Learner: p.Name, Title: o.Title, Country: "BE", AwardingBody: "synthetic",
		Issued: catalog.DateOf(at), Outcomes: []catalog.Outcome{{Text: "completed " + o.Title}}, Hours: &h, EQF: 4,
		Assessment: "exam", Mode: catalog.ModeOnline, QA: "accredited", Source: "manual", OfferID: o.ID, CreatedAt: at, CreatedBy: "gen"}
}
