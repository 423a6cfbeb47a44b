package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/text/language"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// searchFlags are koers search's filters as typed.
type searchFlags struct {
	eqf, language, region, maxPrice, scheme, startAfter, provider string
	currency                                                      string
	modes                                                         []string
	limit                                                         int
	withdrawn, json, passedLast                                   bool
}

var (
	reRegionFlag   = regexp.MustCompile(`^[A-Za-z]{2}[0-9A-Za-z]{0,3}$`)
	reCurrencyFlag = regexp.MustCompile(`^[A-Z]{3}$`)
)

// query checks the flags and builds the search; a bad value is a usage
// error naming its flag.
func (f *searchFlags) query(a *invocation, text string) (catalog.Query, error) {
	tr := a.tr()
	q := catalog.Query{Text: text, Language: strings.ToLower(f.language), Scheme: f.scheme, Provider: f.provider, Withdrawn: f.withdrawn}
	bad := func(flag, value string) error {
		return usageErr("%s", tr.T("register.err.flag", "Flag", flag, "Value", value, "Want", tr.T("register.want."+strings.TrimPrefix(flag, "--"))))
	}
	if f.eqf != "" {
		lo, hi, isRange := strings.Cut(f.eqf, "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(strings.TrimSpace(lo))
		h, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || l < 1 || l > 8 || h < 1 || h > 8 || l > h {
			return q, bad("--eqf", f.eqf)
		}
		q.EQFMin, q.EQFMax = catalog.EQF(l), catalog.EQF(h)
	}
	for _, m := range f.modes {
		for _, part := range strings.Split(m, ",") {
			mode := catalog.Mode(strings.ToLower(strings.TrimSpace(part)))
			if !mode.Valid() {
				return q, bad("--mode", part)
			}
			q.Modes = append(q.Modes, mode)
		}
	}
	if f.language != "" { // a real ISO 639 language, not any two letters (issue 13)
		if _, err := language.ParseBase(q.Language); err != nil || !regexp.MustCompile(`^[a-z]{2,3}$`).MatchString(q.Language) {
			return q, bad("--language", f.language)
		}
	}
	if f.region != "" { // a NUTS prefix of a country koers knows, or a province or city name
		code, err := catalog.ParseRegion(f.region)
		if err != nil || !reRegionFlag.MatchString(code) {
			return q, bad("--region", f.region)
		}
		q.Region = code
	}
	if f.maxPrice != "" {
		m, err := catalog.ParseMoney(f.maxPrice)
		if err != nil || m < 0 {
			return q, bad("--max-price", f.maxPrice)
		}
		q.MaxPrice = &m
	}
	if f.currency != "" {
		c := strings.ToUpper(strings.TrimSpace(f.currency))
		if !reCurrencyFlag.MatchString(c) {
			return q, bad("--currency", f.currency)
		}
		q.Currency = c
	}
	if f.startAfter != "" {
		d, err := catalog.ParseDate(f.startAfter)
		if err != nil {
			return q, bad("--start-after", f.startAfter)
		}
		q.StartAfter = d
	}
	if f.limit < 0 {
		return q, bad("--limit", strconv.Itoa(f.limit))
	}
	q.Limit = f.limit
	return q, nil
}

func newSearchCmd(a *invocation) *cobra.Command {
	var f searchFlags
	cmd := &cobra.Command{
		Use:   "search [QUERY]",
		Short: "Search the register of training offers and micro-credentials",
		Long: "Search the register as the TUI does: every word of QUERY must match (case and accents do not matter),\n" +
			"the last word may be the start of a word. An empty QUERY lists every offer that passes the filters.",
		Example: "  koers search energie --eqf 4-6 --mode online\n  koers search \"data an\" --language nl --max-price 500 --json",
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			text := strings.Join(args, " ")
			q, err := f.query(a, text)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("limit") {
				q.Limit = 50
				if strings.TrimSpace(text) == "" {
					q.Limit = 1 << 30
				}
			} else if q.Limit == 0 {
				q.Limit = 1 << 30
			}
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				if err := checkScheme(ctx, a, st, f.scheme); err != nil {
					return err
				}
				if f.passedLast { // issue 13: what can no longer be booked comes last
					q.BookableOn = st.Today()
				}
				hits, err := st.SearchOffers(ctx, q)
				if err != nil {
					return err
				}
				if f.json {
					out := make([]offerJSON, len(hits))
					for i, h := range hits {
						out[i] = toOfferJSON(h.Offer)
						score := h.Score
						out[i].Score = &score
					}
					return printJSON(a.stdout, out)
				}
				return printHits(a, hits, st.Today())
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.eqf, "eqf", "", "level N or range N-M on the EQF (1–8)")
	fl.StringSliceVar(&f.modes, "mode", nil, "form of participation: online, onsite, blended (repeatable)")
	fl.StringVar(&f.language, "language", "", "language of instruction (ISO 639-1, e.g. nl)")
	fl.StringVar(&f.region, "region", "", "region: a NUTS prefix (BE2, BE23)")
	fl.StringVar(&f.maxPrice, "max-price", "", "highest price, in --currency (offers priced in another currency never pass)")
	fl.StringVar(&f.currency, "currency", catalog.MainCurrency, "ISO 4217 currency of --max-price")
	fl.StringVar(&f.scheme, "scheme", "", "eligible for funding scheme CODE (ila, voucher, leave)")
	fl.StringVar(&f.startAfter, "start-after", "", "starts on or after DATE (YYYY-MM-DD)")
	fl.StringVar(&f.provider, "provider", "", "provider or awarding body contains TEXT")
	fl.IntVar(&f.limit, "limit", 50, "at most N offers (0: all; default all for an empty query)")
	fl.BoolVar(&f.withdrawn, "withdrawn", false, "include withdrawn offers")
	fl.BoolVar(&f.passedLast, "passed-last", true, "list offers whose start or application deadline has passed after the others (--passed-last=false: rank order)")
	fl.BoolVar(&f.json, "json", false, "print JSON")
	return cmd
}

// checkScheme refuses a --scheme the database does not define, naming the
// ones it does.
func checkScheme(ctx context.Context, a *invocation, st *app.App, code string) error {
	if code == "" {
		return nil
	}
	schemes, err := st.Schemes(ctx)
	if err != nil {
		return err
	}
	var codes []string
	for _, sc := range schemes {
		if sc.Code == code {
			return nil
		}
		codes = append(codes, sc.Code)
	}
	tr := a.tr()
	return usageErr("%s", tr.T("register.err.flag", "Flag", "--scheme", "Value", code, "Want", tr.T("register.want.scheme", "Codes", strings.Join(codes, ", "))))
}

func newOfferCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "offer ID",
		Short: "Show one offer with every element (ID is its UUID or SOURCE:SOURCE_ID)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				o, err := st.Offer(ctx, args[0])
				if errors.Is(err, app.ErrNotFound) {
					return usageErr("%s", a.tr().T("register.err.no_offer", "ID", args[0]))
				}
				if err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, toOfferJSON(o))
				}
				return printOffer(a, o)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newStatsCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Database path, counts of offers, providers, ESCO concepts and people, register sources",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withStore(ctx, a, func(st *app.App) error {
				s, err := st.RegisterStats(ctx)
				if err != nil {
					return err
				}
				if asJSON {
					// the stats' keys, plus the ESCO attribution the
					// Commission's reuse policy asks for when ESCO is loaded.
					raw, err := json.Marshal(s)
					if err != nil {
						return err
					}
					var m map[string]any
					if err := json.Unmarshal(raw, &m); err != nil {
						return err
					}
					if s.Occupations > 0 {
						m["esco_attribution"] = app.ESCOAttribution
					}
					return printJSON(a.stdout, m)
				}
				tr := a.tr()
				w := a.stdout
				fmt.Fprintf(w, "%s %s\n", tr.T("register.stats.path"), s.Path)
				fmt.Fprintf(w, "%s %d · %s %d\n", tr.T("register.stats.active"), s.OffersActive, tr.T("register.stats.withdrawn"), s.OffersWithdrawn)
				fmt.Fprintf(w, "%s %d\n", tr.T("register.stats.providers"), s.Providers)
				fmt.Fprintf(w, "%s %d · %s %d · %s %d\n", tr.T("register.stats.occupations"), s.Occupations, tr.T("register.stats.skills"), s.Skills,
					tr.T("register.stats.relations"), s.Relations)
				fmt.Fprintf(w, "%s %d\n", tr.T("register.stats.people"), s.People)
				if s.Occupations > 0 {
					fmt.Fprintf(w, "%s %s\n", tr.T("register.stats.esco"), app.ESCOAttribution)
				}
				for _, src := range s.Sources {
					fmt.Fprintf(w, "%s %s: %s %s · %s %d\n", tr.T("register.stats.source"), src.Name, tr.T("register.stats.last_import"),
						src.LastImport.Format("2006-01-02 15:04"), tr.T("register.stats.active"), src.Active)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newGenCmd(a *invocation) *cobra.Command {
	var (
		n    int
		seed uint64
		out  string
		pop  popFlags
	)
	cmd := &cobra.Command{
		Use:   "gen --offers N [--seed S] -o FILE | gen --people N [--seed S] [-o DB]",
		Short: "Write a deterministic synthetic register (JSON lines), or a synthetic population into a database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tr := a.tr()
			if cmd.Flags().Changed("people") {
				return genPeople(cmd, a, pop, seed, out)
			}
			if n <= 0 {
				return usageErr("%s", tr.T("register.err.flag", "Flag", "--offers", "Value", strconv.Itoa(n), "Want", tr.T("register.want.offers")))
			}
			if out == "" {
				return usageErr("%s", tr.T("register.err.flag", "Flag", "-o", "Value", "", "Want", tr.T("register.want.o")))
			}
			write := func(w io.Writer) error {
				bw := bufio.NewWriterSize(w, 1<<20)
				enc := json.NewEncoder(bw)
				for o := range catalog.Generate(seed, n) {
					if err := cmd.Context().Err(); err != nil {
						return err
					}
					if err := enc.Encode(o); err != nil {
						return err
					}
				}
				return bw.Flush()
			}
			if out == "-" {
				return write(present.Raw(a.stdout))
			}
			// Write beside the target and rename: never a half-written file.
			tmp, err := os.CreateTemp(filepath.Dir(out), ".koers-gen-*")
			if err != nil {
				return fmt.Errorf("gen: %w", err)
			}
			defer os.Remove(tmp.Name())
			if err := write(tmp); err != nil {
				tmp.Close()
				return fmt.Errorf("gen %s: %w", out, err)
			}
			if err := tmp.Close(); err != nil {
				return fmt.Errorf("gen %s: %w", out, err)
			}
			if err := os.Rename(tmp.Name(), out); err != nil {
				return fmt.Errorf("gen: %w", err)
			}
			fmt.Fprintln(a.stderr, tr.N("register.gen.done", n, "File", out))
			return nil
		},
	}
	cmd.Flags().IntVar(&n, "offers", 0, "how many offers")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed (same seed, same register)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (- for stdout); with --people a new database file (default: --db)")
	pop.register(cmd)
	return cmd
}
