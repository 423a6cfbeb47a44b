package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/catalog"
)

// Replies of the search page's commands. Each carries the sequence number
// of the query it answers; the page drops replies to older queries.
type (
	searchDebounceMsg struct{ seq int }
	searchHitsMsg     struct {
		seq    int
		offset int
		hits   []catalog.Hit
		err    error
	}
	searchFacetsMsg struct {
		seq    int
		facets catalog.Facets
		err    error
	}
	searchOfferMsg struct {
		id    string
		offer catalog.Offer
		err   error
	}
	// registerEmptyMsg says whether the register holds any offer at all,
	// asked when a query finds none (the page then says how to fill it).
	registerEmptyMsg struct{ empty bool }
)

// probeEmpty asks whether the register holds any offer: one hit of the
// query that asks for everything.
func (p *searchPage) probeEmpty() tea.Cmd {
	reg := p.reg
	if reg == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), searchTimeout)
		defer cancel()
		hits, err := reg.SearchOffers(ctx, catalog.Query{Limit: 1, Withdrawn: true})
		return registerEmptyMsg{empty: err == nil && len(hits) == 0}
	}
}

// search starts a new query: it makes older replies stale and waits the
// debounce before asking the store, so typing never queues work.
func (p *searchPage) search() tea.Cmd {
	p.seq++
	p.loading = true
	seq := p.seq
	return tea.Tick(searchDebounce, func(_ time.Time) tea.Msg { return searchDebounceMsg{seq: seq} })
}

// fetch asks for the first page and, in a second message, the count and
// facets: the list shows as soon as its page is there.
func (p *searchPage) fetch(seq int) tea.Cmd {
	if p.reg == nil {
		p.loading = false
		return nil
	}
	q := p.query()
	// A newer query makes the one in flight pointless: cancel it so the
	// store stops working on it (its replies would be dropped anyway).
	if p.cancel != nil {
		p.cancel()
	}
	ctx, cancel := context.WithTimeout(context.Background(), searchTimeout)
	p.cancel = cancel
	return tea.Batch(searchHits(ctx, p.reg, seq, q), searchFacets(ctx, p.reg, seq, q))
}

func searchHits(ctx context.Context, reg Register, seq int, q catalog.Query) tea.Cmd {
	return func() tea.Msg {
		hits, err := reg.SearchOffers(ctx, q)
		return searchHitsMsg{seq: seq, offset: q.Offset, hits: hits, err: err}
	}
}

func searchFacets(ctx context.Context, reg Register, seq int, q catalog.Query) tea.Cmd {
	return func() tea.Msg {
		q.Limit, q.Offset = 0, 0
		f, err := reg.CountFacets(ctx, q)
		return searchFacetsMsg{seq: seq, facets: f, err: err}
	}
}

// offerInLang is a Register that gives an offer's ESCO skills their labels
// in the interface's language (app.App does, where the taxonomy is loaded).
type offerInLang interface {
	OfferIn(ctx context.Context, id, lang string) (catalog.Offer, error)
}

func (p *searchPage) loadOffer(id string) tea.Cmd {
	if p.reg == nil || id == "" {
		return nil
	}
	reg, lang := p.reg, p.sh.Tr.Lang()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), searchTimeout)
		defer cancel()
		var o catalog.Offer
		var err error
		if in, ok := reg.(offerInLang); ok {
			o, err = in.OfferIn(ctx, id, lang)
		} else {
			o, err = reg.Offer(ctx, id)
		}
		return searchOfferMsg{id: id, offer: o, err: err}
	}
}

// gotHits takes a page of hits for the current query; a first page
// replaces the list and clears the facets of the previous query.
func (p *searchPage) gotHits(msg searchHitsMsg) tea.Cmd {
	if msg.seq != p.seq {
		return nil
	}
	p.loading = false
	if msg.err != nil && errors.Is(msg.err, context.Canceled) {
		return nil
	}
	if msg.err != nil {
		p.err = p.sh.P.Error(msg.err)
		return Status(p.sh.Tr.T("search.error", "Err", p.sh.P.Error(msg.err)), true)
	}
	p.err = ""
	if msg.offset == 0 {
		p.hits = msg.hits
		p.cursor, p.top = 0, 0
		for i, h := range p.hits {
			if p.keepID != "" && h.Offer.ID == p.keepID {
				p.cursor = i
			}
		}
		p.keepID = ""
	} else if msg.offset == len(p.hits) {
		p.hits = append(p.hits, msg.hits...)
	}
	p.more = len(msg.hits) == searchPageSize
	p.clampScroll()
	if msg.offset == 0 && len(msg.hits) == 0 {
		return p.probeEmpty()
	}
	p.regEmpty = false
	return nil
}

// maybeMore loads the next page when the cursor nears the end of the list.
func (p *searchPage) maybeMore() tea.Cmd {
	if !p.more || p.loading || p.reg == nil || p.cursor < len(p.hits)-p.listHeight() {
		return nil
	}
	p.loading = true
	q := p.query()
	q.Offset = len(p.hits)
	ctx, cancel := context.WithTimeout(context.Background(), searchTimeout)
	more := searchHits(ctx, p.reg, p.seq, q)
	return func() tea.Msg {
		defer cancel()
		return more()
	}
}
