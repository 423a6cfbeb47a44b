package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/koers-project/koers/sessions"
)

// GenOffers lists what the population generator needs of the register's
// active offers (at most limit, in register order): id, title, price,
// hours and schemes.
func (s *Store) GenOffers(ctx context.Context, limit int) ([]sessions.GenOffer, error) {
	rids, err := s.rids(ctx, `SELECT rid FROM offers WHERE status = 'active' AND rid <= `+ceilingSQL+` ORDER BY rid LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read offers: %w", err)
	}
	list, err := s.offersByRIDs(ctx, rids)
	if err != nil {
		return nil, err
	}
	out := make([]sessions.GenOffer, 0, len(list))
	for _, o := range list {
		g := sessions.GenOffer{ID: o.ID, Title: o.Title, Schemes: o.Schemes}
		if o.Price != nil {
			p := int64(*o.Price)
			g.Price = &p
		}
		switch {
		case o.Hours != nil:
			g.Hours = *o.Hours
		case o.ECTS != nil:
			g.Hours = *o.ECTS * 27
		}
		out = append(out, g)
	}
	return out, nil
}

// WritePopulation writes a generated population in one transaction (all of
// it or none), with prepared statements: the people, sessions, actions,
// plans, steps and funding, ledger entries (the triggers still check every
// running total), credentials, outcomes and follow-ups. It returns how many
// people and ledger entries it wrote. Generated files are not audited
// (no one looked at them).
func (s *Store) WritePopulation(ctx context.Context, people iter.Seq[sessions.GenPerson]) (nPeople, nEntries int, err error) {
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		w, err := newPopWriter(ctx, tx)
		if err != nil {
			return err
		}
		w.z, w.tx = z, tx
		defer w.close()
		for gp := range people {
			if err := w.write(ctx, gp); err != nil {
				return fmt.Errorf("person %d: %w", nPeople+1, err)
			}
			nPeople++
			nEntries += len(gp.Entries)
		}
		return nil
	})
	return nPeople, nEntries, err
}

type popWriter struct {
	stmts map[string]*sql.Stmt
	z     seals // seals personal values when the database is encrypted
	tx    *sql.Tx
}

var popSQL = map[string]string{
	"person": `INSERT INTO people (id, name, language, birth_year, eqf, employment, gender, region, centre, created_at, created_by, updated_at, updated_by)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
	"session": `INSERT INTO guidance_sessions (id, person_id, at, minutes, channel, attended, reason, counsellor, summary, created_at, created_by, updated_at, updated_by)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
	"action": `INSERT INTO actions (id, person_id, session_id, summary, owner, due, status, created_at, created_by, updated_at, updated_by)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
	"plan": `INSERT INTO plans (id, person_id, name, agreed, created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?)`,
	"step": `INSERT INTO plan_steps (id, plan_id, person_id, position, kind, offer_id, title, status, created_at, created_by, updated_at, updated_by)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
	"funding": `INSERT INTO plan_funding (step_id, person_id, scheme, amount) VALUES (?,?,?,?)`,
	"account": `INSERT INTO accounts (id, person_id, scheme, created_at, created_by) VALUES (?,?,?,?,?)`,
	"entry": `INSERT INTO ledger_entries (id, account_id, person_id, seq, kind, amount, d_balance, d_reserved, balance_after, reserved_after,
		idem_key, ref, funder, reason, effective, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
	"credential": `INSERT INTO credentials (id, person_id, title, issued, source, doc, created_at, created_by) VALUES (?,?,?,?,?,?,?,?)`,
	"outcome": `INSERT INTO step_outcomes (id, person_id, plan_id, step_id, status, on_date, reason, credential_id, created_at, created_by)
		VALUES (?,?,?,?,?,?,?,?,?,?)`,
	"employment": `INSERT INTO employment_outcomes (id, person_id, plan_id, session_id, months, situation, source, on_date, created_at, created_by)
		VALUES (?,?,?,?,?,?,?,?,?,?)`,
}

func newPopWriter(ctx context.Context, tx *sql.Tx) (*popWriter, error) {
	w := &popWriter{stmts: map[string]*sql.Stmt{}}
	for k, q := range popSQL {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("prepare %s: %w", k, err)
		}
		w.stmts[k] = st
	}
	return w, nil
}

func (w *popWriter) close() {
	for _, st := range w.stmts {
		_ = st.Close()
	}
}

func (w *popWriter) exec(ctx context.Context, k string, args ...any) error {
	if _, err := w.stmts[k].ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("insert %s: %w", k, mapErr(err))
	}
	return nil
}

func (w *popWriter) write(ctx context.Context, gp sessions.GenPerson) error {
	p := gp.Person
	pc, pu := writeStamp(p.CreatedAt), writeStamp(p.UpdatedAt)
	z := w.z
	if err := w.exec(ctx, "person", p.ID, z.seal(p.Name, "people", "name", p.ID), p.Language, p.BirthYear, int(p.EQF), p.Employment, p.Gender, p.Region, p.Centre, pc, p.CreatedBy, pu, p.UpdatedBy); err != nil {
		return err
	}
	if err := writeTokens(ctx, w.tx, z, p.ID, p.Name, ""); err != nil {
		return err
	}
	for _, g := range gp.Sessions {
		at := writeStamp(g.At)
		if err := w.exec(ctx, "session", g.ID, p.ID, at, g.Minutes, string(g.Channel), boolInt(g.Attended), z.seal(g.Reason, "guidance_sessions", "reason", g.ID), g.Counsellor,
			z.seal(g.Summary, "guidance_sessions", "summary", g.ID), at, g.CreatedBy, at, g.CreatedBy); err != nil {
			return err
		}
		for _, a := range g.Actions {
			if err := w.exec(ctx, "action", a.ID, p.ID, g.ID, z.seal(a.Summary, "actions", "summary", a.ID), a.Owner, a.Due.String(), a.Status, at, g.CreatedBy, at, g.CreatedBy); err != nil {
				return err
			}
		}
	}
	if pl := gp.Plan; pl != nil {
		mc := writeStamp(pl.CreatedAt)
		if err := w.exec(ctx, "plan", pl.ID, p.ID, z.seal(pl.Name, "plans", "name", pl.ID), boolInt(pl.Agreed), mc, pl.CreatedBy, writeStamp(pl.UpdatedAt), pl.UpdatedBy); err != nil {
			return err
		}
		for i, st := range pl.Steps {
			if err := w.exec(ctx, "step", st.ID, pl.ID, p.ID, i, string(st.Kind), st.OfferID, st.Title, string(st.Status), writeStamp(st.CreatedAt), st.CreatedBy, writeStamp(st.UpdatedAt), st.UpdatedBy); err != nil {
				return err
			}
			for _, f := range st.Funding {
				if err := w.exec(ctx, "funding", st.ID, p.ID, f.Scheme, f.Amount); err != nil {
					return err
				}
			}
		}
	}
	accounts := map[string]string{}
	for _, e := range gp.Entries {
		acc, ok := accounts[e.Scheme]
		if !ok {
			acc = e.ID + "-a"
			accounts[e.Scheme] = acc
			if err := w.exec(ctx, "account", acc, p.ID, e.Scheme, writeStamp(e.CreatedAt), e.CreatedBy); err != nil {
				return err
			}
		}
		if err := w.exec(ctx, "entry", e.ID, acc, p.ID, e.Seq, string(e.Kind), e.Amount, e.DBalance, e.DReserved, e.BalanceAfter, e.ReservedAfter,
			e.Key, e.Ref, e.Funder, z.seal(e.Reason, "ledger_entries", "reason", e.ID), writeStamp(e.Effective), writeStamp(e.CreatedAt), e.CreatedBy); err != nil {
			return err
		}
	}
	for _, c := range gp.Credentials {
		doc, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if err := w.exec(ctx, "credential", c.ID, p.ID, z.seal(c.Title, "credentials", "title", c.ID), c.Issued.String(), c.Source,
			z.seal(string(doc), "credentials", "doc", c.ID), writeStamp(c.CreatedAt), c.CreatedBy); err != nil {
			return err
		}
	}
	for _, o := range gp.Outcomes {
		var cred any
		if o.CredentialID != "" {
			cred = o.CredentialID
		}
		if err := w.exec(ctx, "outcome", o.ID, p.ID, o.PlanID, o.StepID, string(o.Status), o.On.String(), z.seal(o.Reason, "step_outcomes", "reason", o.ID), cred, writeStamp(o.CreatedAt), o.CreatedBy); err != nil {
			return err
		}
	}
	for _, e := range gp.Employment {
		if err := w.exec(ctx, "employment", e.ID, p.ID, e.PlanID, e.SessionID, e.Months, e.Situation, e.Source, e.On.String(), writeStamp(e.CreatedAt), e.CreatedBy); err != nil {
			return err
		}
	}
	return nil
}
