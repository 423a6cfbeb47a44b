package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// AddSession validates and records a guidance session with its notes,
// goals and actions in one transaction (all or nothing), and discards the
// person's session draft. Counsellor defaults to the actor.
func (s *Store) AddSession(ctx context.Context, g sessions.Session) (sessions.Session, error) {
	g, err := store.NewSession(g, s.actor, s.now())
	if err != nil {
		return g, err
	}
	now := s.stamp()
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, g.PersonID); err != nil {
			return err
		}
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO guidance_sessions (id, person_id, at, minutes, channel, venue, attended, reason,
			counsellor, summary, next_at, created_at, created_by, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$12,$13)`,
			g.ID, g.PersonID, stampArg(g.At), g.Minutes, string(g.Channel), g.Venue, g.Attended,
			z.Seal(g.Reason, "guidance_sessions", "reason", g.ID), g.Counsellor, z.Seal(g.Summary, "guidance_sessions", "summary", g.ID),
			stampArg(g.Next), now, s.actor); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		for _, n := range g.Notes {
			if strings.TrimSpace(n) == "" {
				continue
			}
			nid := NewID()
			if _, err := tx.Exec(ctx, `INSERT INTO session_notes (id, session_id, person_id, body, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6)`,
				nid, g.ID, g.PersonID, z.Seal(n, "session_notes", "body", nid), now, s.actor); err != nil {
				return fmt.Errorf("insert note: %w", err)
			}
		}
		for i := range g.Goals {
			gl := &g.Goals[i]
			gl.ID = NewID()
			if gl.Status == "" {
				gl.Status = "open"
			}
			if _, err := tx.Exec(ctx, `INSERT INTO goals (id, person_id, session_id, type, summary, target, status, created_at, created_by, updated_at, updated_by)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$8,$9)`, gl.ID, g.PersonID, g.ID, gl.Type, z.Seal(gl.Summary, "goals", "summary", gl.ID), dateArg(gl.Target), gl.Status, now, s.actor); err != nil {
				return fmt.Errorf("insert goal %d: %w", i+1, err)
			}
		}
		for i := range g.Actions {
			a := &g.Actions[i]
			a.ID, a.SessionID = NewID(), g.ID
			if a.Status == "" {
				a.Status = "open"
			}
			if _, err := tx.Exec(ctx, `INSERT INTO actions (id, person_id, session_id, type, summary, owner, due, status, offer_id, created_at, created_by, updated_at, updated_by)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$10,$11)`, a.ID, g.PersonID, g.ID, a.Type, z.Seal(a.Summary, "actions", "summary", a.ID), a.Owner, dateArg(a.Due), a.Status, a.OfferID, now, s.actor); err != nil {
				return fmt.Errorf("insert action %d: %w", i+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM drafts WHERE person_id=$1 AND kind=$2`, g.PersonID, sessions.DraftSession); err != nil {
			return fmt.Errorf("discard draft: %w", err)
		}
		return s.audit(ctx, tx, g.PersonID, "change", "session "+g.ID)
	})
	if err != nil {
		return g, err
	}
	g.CreatedAt, g.CreatedBy = now, s.actor
	return g, nil
}

// Sessions lists a person's guidance sessions, newest first, with their
// goals and actions; notes only when withNotes (they are restricted).
func (s *Store) Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error) {
	if err := exists(ctx, s.pool, personID); err != nil {
		return nil, err
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, person_id::text, at, minutes, channel, venue, attended, reason, counsellor, summary, next_at,
		created_at, created_by FROM guidance_sessions WHERE person_id=$1 ORDER BY at DESC, id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Session, error) {
		var g sessions.Session
		var at, created time.Time
		var next *time.Time
		var ch string
		err := r.Scan(&g.ID, &g.PersonID, &at, &g.Minutes, &ch, &g.Venue, &g.Attended, &g.Reason, &g.Counsellor, &g.Summary, &next, &created, &g.CreatedBy)
		g.At, g.Next, g.CreatedAt = at.UTC(), when(next), created.UTC()
		g.Channel = sessions.Channel(ch)
		g.Goals, g.Actions = []sessions.Goal{}, []sessions.Action{}
		if err != nil {
			return g, err
		}
		return g, z.OpenFields("guidance_sessions", g.ID, store.SealField("reason", &g.Reason), store.SealField("summary", &g.Summary))
	})
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", mapErr(err))
	}
	idx := map[string]int{}
	for i, g := range out {
		idx[g.ID] = i
	}
	if err := s.goalsInto(ctx, z, personID, out, idx); err != nil {
		return nil, err
	}
	actions, err := s.actions(ctx, z, personID, false)
	if err != nil {
		return nil, err
	}
	for _, a := range actions {
		if i, ok := idx[a.SessionID]; ok {
			out[i].Actions = append(out[i].Actions, a)
		}
	}
	if withNotes {
		rows, err := s.pool.Query(ctx, `SELECT id::text, session_id::text, body FROM session_notes WHERE person_id=$1 ORDER BY created_at, id`, personID)
		if err != nil {
			return nil, fmt.Errorf("read notes: %w", mapErr(err))
		}
		var nid, sid, body string
		_, err = pgx.ForEachRow(rows, []any{&nid, &sid, &body}, func() error {
			if err := z.OpenFields("session_notes", nid, store.SealField("body", &body)); err != nil {
				return err
			}
			if i, ok := idx[sid]; ok {
				out[i].Notes = append(out[i].Notes, body)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read notes: %w", mapErr(err))
		}
	}
	return emptyIfNil(out), nil
}

// goalsInto puts every goal of the person, oldest first, on its session.
func (s *Store) goalsInto(ctx context.Context, z store.Sealer, personID string, out []sessions.Session, idx map[string]int) error {
	rows, err := s.pool.Query(ctx, `SELECT id::text, session_id::text, type, summary, target, status FROM goals WHERE person_id=$1 ORDER BY created_at, id`, personID)
	if err != nil {
		return fmt.Errorf("read goals: %w", mapErr(err))
	}
	var g sessions.Goal
	var sid string
	var target *time.Time
	_, err = pgx.ForEachRow(rows, []any{&g.ID, &sid, &g.Type, &g.Summary, &target, &g.Status}, func() error {
		g.Target = civil(target)
		if err := z.OpenFields("goals", g.ID, store.SealField("summary", &g.Summary)); err != nil {
			return err
		}
		if i, ok := idx[sid]; ok {
			out[i].Goals = append(out[i].Goals, g)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read goals: %w", mapErr(err))
	}
	return nil
}

// OpenActions lists the person's actions still open, soonest due first.
func (s *Store) OpenActions(ctx context.Context, personID string) ([]sessions.Action, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	return s.actions(ctx, z, personID, true)
}

func (s *Store) actions(ctx context.Context, z store.Sealer, personID string, openOnly bool) ([]sessions.Action, error) {
	if !isID(personID) {
		return []sessions.Action{}, nil
	}
	q := `SELECT id::text, session_id::text, type, summary, owner, due, status, offer_id FROM actions WHERE person_id=$1`
	if openOnly {
		q += ` AND status='open' ORDER BY due NULLS LAST, created_at`
	} else {
		q += ` ORDER BY created_at, id`
	}
	rows, err := s.pool.Query(ctx, q, personID)
	if err != nil {
		return nil, fmt.Errorf("read actions: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sessions.Action, error) {
		var a sessions.Action
		var due *time.Time
		err := r.Scan(&a.ID, &a.SessionID, &a.Type, &a.Summary, &a.Owner, &due, &a.Status, &a.OfferID)
		a.Due = civil(due)
		if err != nil {
			return a, err
		}
		return a, z.OpenFields("actions", a.ID, store.SealField("summary", &a.Summary))
	})
	if err != nil {
		return nil, fmt.Errorf("read actions: %w", mapErr(err))
	}
	return emptyIfNil(out), nil
}

// SetActionStatus changes an action's status (open, done, cancelled).
func (s *Store) SetActionStatus(ctx context.Context, actionID, status string) error {
	switch status {
	case "open", "done", "cancelled":
	default:
		return fmt.Errorf("status %q is not open, done or cancelled: %w", status, store.ErrConflict)
	}
	if !isID(actionID) {
		return fmt.Errorf("action %s: %w", actionID, store.ErrNotFound)
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		var pid string
		err := tx.QueryRow(ctx, `UPDATE actions SET status=$1, updated_at=$2, updated_by=$3 WHERE id=$4 RETURNING person_id::text`,
			status, s.stamp(), s.actor, actionID).Scan(&pid)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("action %s: %w", actionID, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, pid, "change", "action "+actionID+" "+status)
	})
}

// NextAppointment is the latest next-appointment date recorded for the
// person that is still ahead of today (UTC), or zero.
func (s *Store) NextAppointment(ctx context.Context, personID string) (time.Time, error) {
	if !isID(personID) {
		return time.Time{}, nil
	}
	today := s.now().UTC().Truncate(24 * time.Hour)
	var next *time.Time
	err := s.pool.QueryRow(ctx, `SELECT max(next_at) FROM guidance_sessions WHERE person_id=$1 AND next_at >= $2`, personID, today).Scan(&next)
	return when(next), mapErr(err)
}

// SaveDraft stores (replacing) the person's draft of kind.
func (s *Store) SaveDraft(ctx context.Context, personID, kind, body string) error {
	if !isID(personID) {
		return fmt.Errorf("save draft: %w", personNotFound(personID))
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO drafts (person_id, kind, body, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5)
			ON CONFLICT (person_id, kind) DO UPDATE SET body=excluded.body, updated_at=excluded.updated_at, updated_by=excluded.updated_by`,
			personID, kind, z.Seal(body, "drafts", "body", draftID(personID, kind)), s.stamp(), s.actor)
		if err != nil {
			return fmt.Errorf("save draft: %w", err)
		}
		return nil
	})
}

// Draft reads the person's draft of kind; store.ErrNotFound when there is none.
func (s *Store) Draft(ctx context.Context, personID, kind string) (string, time.Time, error) {
	if !isID(personID) {
		return "", time.Time{}, fmt.Errorf("draft: %w", store.ErrNotFound)
	}
	z, err := s.readSeals()
	if err != nil {
		return "", time.Time{}, err
	}
	var body string
	var at time.Time
	err = s.pool.QueryRow(ctx, `SELECT body, updated_at FROM drafts WHERE person_id=$1 AND kind=$2`, personID, kind).Scan(&body, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}, fmt.Errorf("draft: %w", store.ErrNotFound)
	}
	if err != nil {
		return "", time.Time{}, mapErr(err)
	}
	if body, err = z.Open(body, "drafts", "body", draftID(personID, kind)); err != nil {
		return "", time.Time{}, err
	}
	return body, at.UTC(), nil
}

// DiscardDraft removes the person's draft of kind.
func (s *Store) DiscardDraft(ctx context.Context, personID, kind string) error {
	if !isID(personID) {
		return nil
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM drafts WHERE person_id=$1 AND kind=$2`, personID, kind)
		return err
	})
}

// draftID is the row id a draft's body is sealed for, with the person's
// uuid in its canonical form (as the key change reads it back from the
// uuid column), whatever case the caller wrote it in.
func draftID(personID, kind string) string {
	if u, err := uuid.Parse(personID); err == nil {
		personID = u.String()
	}
	return store.DraftID(personID, kind)
}
