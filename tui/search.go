package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/catalog"
)

// Register is what the search page needs from the store.
type Register interface {
	// SearchOffers is one page of hits, best match first.
	SearchOffers(ctx context.Context, q catalog.Query) ([]catalog.Hit, error)
	// CountFacets counts the whole match set of q (limit and offset ignored).
	CountFacets(ctx context.Context, q catalog.Query) (catalog.Facets, error)
	// Offer is one offer with every element.
	Offer(ctx context.Context, id string) (catalog.Offer, error)
}

// SearchTarget is who the search is for (a person or their plan): the
// header says so and p adds the selected offer through Add, whose command
// reports back with a StatusMsg.
type SearchTarget struct {
	Label string
	Add   func(offer catalog.Offer) tea.Cmd
	// AddHelp names what p does in the help line ("" says "add to plan").
	AddHelp string
}

// Search timing and paging.
const (
	searchDebounce = 80 * time.Millisecond
	searchTimeout  = 5 * time.Second
	searchPageSize = 60
)

// searchPage is the register search: a search box, the result list, a
// filter panel, facet counts and a detail view (a side pane when wide).
type searchPage struct {
	sh     *Shared
	reg    Register
	target *SearchTarget
	keys   searchKeys
	w, h   int

	input   textinput.Model
	filters filterState
	panel   *filterPanel // nil when closed

	seq     int                // the query in flight; replies with another seq are stale
	cancel  context.CancelFunc // cancels the query in flight
	loading bool
	// regEmpty: the register holds no offer at all (asked when a query
	// finds none), so "no match" would send the counsellor the wrong way.
	regEmpty bool
	hits     []catalog.Hit
	more     bool // another page may follow
	facets   *catalog.Facets
	fseq     int // the query the facets count
	err      string
	cursor   int
	top      int    // first visible row
	keepID   string // after a refresh, select this offer again if it is still there

	detail *detailView // nil when closed
}

// NewSearchPage is the register search opened for target (nil: for no one).
func NewSearchPage(sh *Shared, target *SearchTarget) Page {
	p := &searchPage{sh: sh, reg: sh.Deps.Register, target: target, keys: newSearchKeys(sh.Tr)}
	p.input = textinput.New()
	p.input.Prompt = "> "
	p.input.Placeholder = sh.Tr.T("search.placeholder")
	p.input.SetStyles(inputStyles(sh.Styles.IsDark))
	p.input.Focus()
	return p
}

func newHomePage(sh *Shared) Page { return NewSearchPage(sh, nil) }

// Init runs the first query at once (no debounce: nothing is being typed),
// so the first results show as soon as the store answers.
func (p *searchPage) Init() tea.Cmd {
	p.seq++
	p.loading = true
	return p.fetch(p.seq)
}

// Title is the crumb in the header.
func (p *searchPage) Title() string {
	if p.target != nil {
		return p.sh.Tr.T("search.title_for", "Name", p.target.Label)
	}
	return p.sh.Tr.T("search.title")
}

// InputFocused is true while the search box has focus, so q types a q.
func (p *searchPage) InputFocused() bool {
	return p.input.Focused() && p.panel == nil && p.detail == nil
}

// SetSize lays the page out in w×h cells.
func (p *searchPage) SetSize(w, h int) {
	p.w, p.h = w, h
	p.layout()
}

// layout sizes the box, the detail and the list scroll for the current
// size and mode.
func (p *searchPage) layout() {
	p.input.SetWidth(max(p.listWidth()/2-4, 10))
	if p.detail != nil {
		p.detail.setSize(p.detailSize())
	}
	p.clampScroll()
}

// query is what the box and the filters ask for.
func (p *searchPage) query() catalog.Query {
	q := p.filters.query(p.sh.Now())
	q.Text = strings.TrimSpace(p.input.Value())
	q.Limit = searchPageSize
	return q
}

// Update handles replies, then keys by mode: detail, filter panel, search
// box, list.
func (p *searchPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case searchDebounceMsg:
		if msg.seq != p.seq {
			return p, nil
		}
		return p, p.fetch(msg.seq)
	case searchHitsMsg:
		return p, p.gotHits(msg)
	case registerEmptyMsg:
		p.regEmpty = msg.empty
		return p, nil
	case searchFacetsMsg:
		if msg.seq == p.seq && msg.err == nil {
			f := msg.facets
			p.facets, p.fseq = &f, msg.seq
		}
		return p, nil
	case searchOfferMsg:
		if p.detail != nil && p.detail.id == msg.id {
			p.detail.loaded(msg.offer, msg.err)
		}
		return p, nil
	case RevealMsg: // back from another page: refresh, keep the selection
		if h, ok := p.selected(); ok {
			p.keepID = h.Offer.ID
		}
		return p, p.search()
	case tea.BackgroundColorMsg: // the root rebuilt the styles; the box keeps its own
		p.input.SetStyles(inputStyles(msg.IsDark()))
		if p.detail != nil {
			p.detail.render()
		}
		return p, nil
	case tea.PasteMsg:
		if p.InputFocused() {
			return p, p.updateInput(msg)
		}
		return p, nil
	case tea.KeyPressMsg:
		switch {
		case p.detail != nil:
			return p, p.detailKey(msg)
		case p.panel != nil:
			return p, p.panelKey(msg)
		case p.input.Focused():
			return p, p.inputKey(msg)
		}
		return p, p.listKey(msg)
	}
	return p, nil
}

func (p *searchPage) inputKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		p.input.Blur()
		return nil
	case "enter": // leave the box and open the selected offer
		p.input.Blur()
		return p.openDetail()
	case "up", "down", "pgup", "pgdown":
		return p.listKey(msg)
	case "tab": // a search box has no use for tab: on the home screen it opens the people list
		if p.target == nil {
			p.input.Blur()
			return func() tea.Msg { return OpenPeopleMsg{} }
		}
	}
	return p.updateInput(msg)
}

// updateInput passes msg to the box and, when the text changed, schedules
// a search after the debounce.
func (p *searchPage) updateInput(msg tea.Msg) tea.Cmd {
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() == before {
		return cmd
	}
	return tea.Batch(cmd, p.search())
}

func (p *searchPage) listKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.keys
	switch {
	case key.Matches(msg, k.Focus):
		return p.input.Focus()
	case key.Matches(msg, k.Up):
		p.move(-1)
	case key.Matches(msg, k.Down):
		p.move(1)
	case key.Matches(msg, k.PageUp):
		p.move(-max(p.listHeight()-1, 1))
	case key.Matches(msg, k.PageDown):
		p.move(max(p.listHeight()-1, 1))
	case key.Matches(msg, k.Home):
		p.move(-len(p.hits))
	case key.Matches(msg, k.End):
		p.move(len(p.hits))
	case key.Matches(msg, k.Open):
		return p.openDetail()
	case key.Matches(msg, k.Filters):
		p.panel = newFilterPanel(p.sh, &p.filters)
		return nil
	case key.Matches(msg, k.Add):
		if h, ok := p.selected(); ok {
			return p.add(h.Offer)
		}
	case key.Matches(msg, k.Back): // back to the page that opened the search (none on home)
		return Pop()
	}
	return p.maybeMore()
}

func (p *searchPage) move(d int) {
	p.cursor = min(max(p.cursor+d, 0), max(len(p.hits)-1, 0))
	p.clampScroll()
}

func (p *searchPage) clampScroll() {
	h := p.listHeight()
	if p.cursor < p.top {
		p.top = p.cursor
	}
	if p.cursor >= p.top+h {
		p.top = p.cursor - h + 1
	}
	p.top = max(0, min(p.top, max(len(p.hits)-h, 0)))
}

func (p *searchPage) selected() (catalog.Hit, bool) {
	if p.cursor < 0 || p.cursor >= len(p.hits) {
		return catalog.Hit{}, false
	}
	return p.hits[p.cursor], true
}

// add hands offer to the target, or says there is none.
func (p *searchPage) add(o catalog.Offer) tea.Cmd {
	if p.target == nil || p.target.Add == nil {
		return Status(p.sh.Tr.T("search.no_target"), false)
	}
	return p.target.Add(o)
}

func (p *searchPage) openDetail() tea.Cmd {
	h, ok := p.selected()
	if !ok {
		return nil
	}
	p.detail = newDetailView(p.sh, h.Offer)
	p.layout()
	return p.loadOffer(h.Offer.ID)
}

func (p *searchPage) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.keys
	switch {
	case key.Matches(msg, k.Back):
		p.detail = nil
		p.layout()
	case key.Matches(msg, k.Add):
		return p.add(p.detail.offer)
	case p.detailWide() && (key.Matches(msg, k.Up) || key.Matches(msg, k.Down)):
		// beside the list, up and down browse offers; the pane follows
		d := 1
		if key.Matches(msg, k.Up) {
			d = -1
		}
		p.move(d)
		if h, ok := p.selected(); ok && h.Offer.ID != p.detail.id {
			return tea.Batch(p.openDetail(), p.maybeMore())
		}
	default:
		p.detail.update(msg)
	}
	return nil
}

func (p *searchPage) panelKey(msg tea.KeyPressMsg) tea.Cmd {
	changed, closed := p.panel.update(msg)
	if closed {
		p.panel = nil
	}
	if changed {
		return p.search()
	}
	return nil
}

// detailWide reports whether the detail opens in a side pane.
func (p *searchPage) detailWide() bool { return p.w >= WideWidth }

func (p *searchPage) detailSize() (int, int) {
	if p.detailWide() {
		return p.w - p.listWidth() - p.sh.Styles.Pane.GetHorizontalFrameSize(), p.h
	}
	return p.w, p.h
}

// listWidth is the width of the result list (narrower beside a pane).
func (p *searchPage) listWidth() int {
	if p.detail != nil && p.detailWide() {
		return p.w * 11 / 20
	}
	return p.w
}
