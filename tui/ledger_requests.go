package tui

import (
	"context"
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// requestsDep is what the ledger needs of the people side for entries
// held for approval: the person's requests, a decision, and who acts.
type requestsDep interface {
	LedgerRequests(ctx context.Context, personID string) ([]sessions.LedgerRequest, error)
	DecideRequest(ctx context.Context, id string, approve bool, reason string) (sessions.LedgerRequest, error)
	Caller() (sessions.Counsellor, bool)
}

type decidedMsg struct {
	r   sessions.LedgerRequest
	err error
}

// loadRequests is the person's held entries, when the people side keeps them.
func loadRequests(ctx context.Context, dep People, personID string) ([]sessions.LedgerRequest, error) {
	rd, ok := dep.(requestsDep)
	if !ok {
		return nil, nil
	}
	return rd.LedgerRequests(ctx, personID)
}

// pendingIn is the oldest pending request of scheme (nil: none).
func (p *ledgerPage) pendingIn(scheme string) *sessions.LedgerRequest {
	for i, r := range p.requests {
		if r.Scheme == scheme && r.Status() == sessions.RequestPending {
			return &p.requests[i]
		}
	}
	return nil
}

// canApprove: a supervisor (or the local user) may decide what is held.
func (p *ledgerPage) canApprove() bool {
	rd, ok := p.sh.Deps.People.(requestsDep)
	if !ok || p.pendingIn(p.current().Code) == nil {
		return false
	}
	c, served := rd.Caller()
	return !served || sessions.Decide(c.Role, sessions.OpApprove, sessions.ScopeOther) == sessions.Allow
}

// approve approves the oldest pending entry of the current scheme.
func (p *ledgerPage) approve() tea.Cmd {
	r := p.pendingIn(p.current().Code)
	rd := p.sh.Deps.People.(requestsDep)
	id := r.ID
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
		defer cancel()
		got, err := rd.DecideRequest(ctx, id, true, "")
		return decidedMsg{r: got, err: err}
	}
}

// requestKey handles the ledger's keys and messages for held entries.
func (p *ledgerPage) requestMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case decidedMsg:
		if msg.err != nil {
			return Status(p.sh.P.Error(msg.err), true), true
		}
		return tea.Batch(Status(p.sh.Tr.T("team.approved", "ID", msg.r.ID, "Entry", msg.r.Decision.EntryID), false), p.load()), true
	case postedMsg:
		var held *app.HeldError
		if !errors.As(msg.err, &held) {
			return nil, false
		}
		p.form, p.sel = nil, -1
		r := held.Request
		text := p.sh.Tr.T("team.held", "ID", r.ID, "Amount", p.sh.P.Amount(r.Scheme, r.Amount),
			"Threshold", p.sh.P.Amount(r.Scheme, r.Threshold), "Centre", r.Centre)
		return tea.Batch(Status(text, false), p.load()), true
	case tea.KeyPressMsg:
		if p.form == nil && key.Matches(msg, p.keys.Approve) && p.canApprove() {
			return p.approve(), true
		}
	}
	return nil, false
}

// requestRows are the current scheme's held entries under its ledger:
// shown, never counted.
func (p *ledgerPage) requestRows(scheme string) []string {
	st, tr := p.sh.Styles, p.sh.Tr
	var rows []string
	for _, r := range p.requests {
		if r.Scheme != scheme {
			continue
		}
		status := st.Warning.Render("⏳ " + tr.T("team.pending"))
		if d := r.Decision; d != nil {
			if d.Decision == sessions.RequestApproved {
				continue // its entry is in the ledger above
			}
			status = st.Muted.Render(tr.T("team.rejected_line", "Who", d.DecidedBy, "Reason", d.Reason))
		}
		row := ansi.Truncate(" "+p.sh.P.Date(dateOf(r.CreatedAt))+"     "+tr.T("people.kind."+string(r.Kind))+" "+
			p.sh.P.Amount(r.Scheme, r.Amount)+" ("+r.CreatedBy+")  "+status, p.w, "…")
		rows = append(rows, row)
	}
	return rows
}
