package tui

import (
	"context"
	"encoding/json"

	tea "charm.land/bubbletea/v2"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// searchFor opens the register search for the person in view: an offer
// picked there becomes an agreed action ("enrol in …", with the offer id)
// in the person's session draft, so the next session screen carries it.
func (p *personPage) searchFor() tea.Cmd {
	if p.sh.Deps.Register == nil {
		return Status(p.sh.Tr.T("people.search_soon"), false)
	}
	person, dep, tr, pr := p.file.person, p.sh.Deps.People, p.sh.Tr, p.sh.P
	target := &SearchTarget{Label: person.Name, Add: func(o catalog.Offer) tea.Cmd {
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
			defer cancel()
			if err := addOfferToDraft(ctx, dep, person.ID, o, tr.T("people.enrol", "Title", o.Title), "person"); err != nil {
				return StatusMsg{Text: tr.T("people.err.draft", "Err", pr.Error(err)), Err: true}
			}
			return StatusMsg{Text: tr.T("people.offer_added", "Title", o.Title)}
		}
	}, AddHelp: tr.T("search.key.add_action")}
	return Push(NewSearchPage(p.sh, target))
}

// addOfferToDraft appends an enrolment action for offer o to the person's
// session draft (creating the draft if there is none).
func addOfferToDraft(ctx context.Context, dep People, personID string, o catalog.Offer, summary, owner string) error {
	var d sessionDraft
	if body, _, err := dep.Draft(ctx, personID, draftKind); err == nil {
		_ = json.Unmarshal([]byte(body), &d)
	}
	for _, a := range d.Actions {
		if a.OfferID == o.ID {
			return nil
		}
	}
	a := sessions.Action{Type: "enrol", Summary: summary, Owner: owner, Status: "open", OfferID: o.ID}
	d.Actions = append(d.Actions, a)
	if d.Channel == "" {
		d.Channel = string(sessions.FaceToFace)
	}
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return dep.SaveDraft(ctx, personID, draftKind, string(body))
}
