package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/present"
)

// Filter fields, in panel order.
const (
	fEQFMin = iota
	fEQFMax
	fMode
	fLanguage
	fRegion
	fMaxPrice
	fScheme
	fStartAfter
	fPassed // 0: offers that can no longer be booked last; 1: in rank order
	nFilters
)

// Choices of the filter fields that are not vocabularies.
var (
	filterLanguages = []string{"nl", "en", "fr", "de"}
	filterRegions   = []string{"BE", "BE1", "BE2", "BE3", "NL", "LU", "FR", "DE"}
	filterPrices    = []int{0, 100, 250, 500, 1000, 2000} // euros
	filterSchemes   = []string{"ila", "leave", "voucher"}
	filterStarts    = []int{0, 1, 3, 6, 12} // months from today
)

// filterState is the chosen option of each filter field; 0 is "any", n is
// the field's (n-1)th choice.
type filterState struct {
	idx [nFilters]int
}

// choices is how many options field f has besides "any".
func choices(f int) int {
	switch f {
	case fEQFMin, fEQFMax:
		return 8
	case fMode:
		return len(catalog.Modes)
	case fLanguage:
		return len(filterLanguages)
	case fRegion:
		return len(filterRegions)
	case fMaxPrice:
		return len(filterPrices)
	case fScheme:
		return len(filterSchemes)
	case fStartAfter:
		return len(filterStarts)
	case fPassed:
		return 1
	}
	return 0
}

// set moves field f by d options, wrapping through "any".
func (s *filterState) step(f, d int) {
	n := choices(f) + 1
	s.idx[f] = ((s.idx[f]+d)%n + n) % n
}

// query turns the filters into a register query; now anchors "start after".
func (s filterState) query(now time.Time) catalog.Query {
	var q catalog.Query
	i := s.idx
	if i[fEQFMin] > 0 {
		q.EQFMin = catalog.EQF(i[fEQFMin])
	}
	if i[fEQFMax] > 0 {
		q.EQFMax = catalog.EQF(i[fEQFMax])
	}
	if i[fMode] > 0 {
		q.Modes = []catalog.Mode{catalog.Modes[i[fMode]-1]}
	}
	if i[fLanguage] > 0 {
		q.Language = filterLanguages[i[fLanguage]-1]
	}
	if i[fRegion] > 0 {
		q.Region = filterRegions[i[fRegion]-1]
	}
	if i[fMaxPrice] > 0 {
		m := catalog.Money(filterPrices[i[fMaxPrice]-1] * 100)
		q.MaxPrice = &m
	}
	if i[fScheme] > 0 {
		q.Scheme = filterSchemes[i[fScheme]-1]
	}
	if i[fStartAfter] > 0 {
		q.StartAfter = catalog.DateOf(now.AddDate(0, filterStarts[i[fStartAfter]-1], 0))
	}
	if i[fPassed] == 0 { // issue 13: what can no longer be booked comes last unless asked
		q.BookableOn = catalog.DateOf(now)
	}
	return q
}

// value is the label of field f's current option.
func (s filterState) value(pr *present.Printer, f int, now time.Time) string {
	tr := pr.Tr()
	n := s.idx[f]
	if f == fPassed {
		return tr.T([]string{"filter.passed.last", "filter.passed.rank"}[n])
	}
	if n == 0 {
		return tr.T("filter.any")
	}
	switch f {
	case fEQFMin, fEQFMax:
		return pr.EQF(catalog.EQF(n))
	case fMode:
		return pr.Vocab("mode", string(catalog.Modes[n-1]))
	case fLanguage:
		return pr.Vocab("lang", filterLanguages[n-1])
	case fRegion:
		return pr.Vocab("region", filterRegions[n-1])
	case fMaxPrice:
		if filterPrices[n-1] == 0 {
			return tr.T("present.free")
		}
		return "≤ " + pr.MoneyShort(catalog.Money(filterPrices[n-1]*100), "EUR")
	case fScheme:
		return pr.Vocab("scheme", filterSchemes[n-1])
	case fStartAfter:
		if filterStarts[n-1] == 0 {
			return tr.T("filter.today")
		}
		return s.query(now).StartAfter.String()
	}
	return ""
}

// summary is the active filters in one short line ("EQF 4–6 · online").
func (s filterState) summary(pr *present.Printer, now time.Time) string {
	var parts []string
	i := s.idx
	switch {
	case i[fEQFMin] > 0 && i[fEQFMax] > 0:
		parts = append(parts, fmt.Sprintf("EQF %d–%d", i[fEQFMin], i[fEQFMax]))
	case i[fEQFMin] > 0:
		parts = append(parts, fmt.Sprintf("EQF ≥ %d", i[fEQFMin]))
	case i[fEQFMax] > 0:
		parts = append(parts, fmt.Sprintf("EQF ≤ %d", i[fEQFMax]))
	}
	for _, f := range []int{fMode, fLanguage, fRegion, fMaxPrice, fScheme} {
		if i[f] > 0 {
			parts = append(parts, s.value(pr, f, now))
		}
	}
	if i[fStartAfter] > 0 {
		parts = append(parts, "≥ "+s.query(now).StartAfter.String())
	}
	if i[fPassed] > 0 {
		parts = append(parts, pr.Tr().T("filter.passed.summary"))
	}
	return strings.Join(parts, " · ")
}

// filterPanel edits a filterState in place.
type filterPanel struct {
	sh     *Shared
	state  *filterState
	cursor int
	keys   filterKeys
}

type filterKeys struct{ Up, Down, Prev, Next, Clear, ClearAll, Close key.Binding }

func newFilterPanel(sh *Shared, s *filterState) *filterPanel {
	tr := sh.Tr
	b := func(help, label string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(label, tr.T(help)))
	}
	return &filterPanel{sh: sh, state: s, keys: filterKeys{
		Up:       b("filter.key.up", "↑/k", "up", "k"),
		Down:     b("filter.key.down", "↓/j", "down", "j"),
		Prev:     b("filter.key.prev", "←/h", "left", "h", "-"),
		Next:     b("filter.key.next", "→/l", "right", "l", "+", "space"),
		Clear:    b("filter.key.clear", "x", "x", "backspace", "delete"),
		ClearAll: b("filter.key.clear_all", "X", "X"),
		Close:    b("filter.key.close", "esc/enter", "esc", "enter", "f"),
	}}
}

// update handles a key: whether the filters changed, whether to close.
func (fp *filterPanel) update(msg tea.KeyPressMsg) (changed, closed bool) {
	k := fp.keys
	before := *fp.state
	switch {
	case key.Matches(msg, k.Close):
		return false, true
	case key.Matches(msg, k.Up):
		fp.cursor = (fp.cursor + nFilters - 1) % nFilters
	case key.Matches(msg, k.Down):
		fp.cursor = (fp.cursor + 1) % nFilters
	case key.Matches(msg, k.Prev):
		fp.state.step(fp.cursor, -1)
	case key.Matches(msg, k.Next):
		fp.state.step(fp.cursor, 1)
	case key.Matches(msg, k.Clear):
		fp.state.idx[fp.cursor] = 0
	case key.Matches(msg, k.ClearAll):
		*fp.state = filterState{}
	}
	return *fp.state != before, false
}

func (fp *filterPanel) shortHelp() []key.Binding {
	k := fp.keys
	return []key.Binding{k.Up, k.Down, k.Prev, k.Next, k.Clear, k.ClearAll, k.Close}
}

// filterNames are the message ids of the field labels.
var filterNames = [nFilters]string{"filter.eqf_min", "filter.eqf_max", "filter.mode", "filter.language",
	"filter.region", "filter.max_price", "filter.scheme", "filter.start_after", "filter.passed"}

// view is the panel in at most w cells.
func (fp *filterPanel) view(w int) string {
	st, tr := fp.sh.Styles, fp.sh.Tr
	labelW := 0
	for _, id := range filterNames {
		labelW = max(labelW, len([]rune(tr.T(id))))
	}
	lines := []string{st.Title.Render(tr.T("filter.title"))}
	now := fp.sh.Now()
	for f := range nFilters {
		label := padRight(tr.T(filterNames[f]), labelW)
		val := "‹ " + fp.state.value(fp.sh.P, f, now) + " ›"
		line := "  " + label + "  " + val
		if f == fp.cursor {
			line = st.Selected.Render("▸ " + label + "  " + val)
		} else if fp.state.idx[f] > 0 {
			line = "  " + label + "  " + st.Bold.Render(val)
		}
		lines = append(lines, line)
	}
	// The keys are in the help line under the page: no hint row here, so
	// the panel leaves room for the results.
	return st.Dialog.Width(min(w, labelW+32+st.Dialog.GetHorizontalFrameSize())).Render(strings.Join(lines, "\n"))
}
