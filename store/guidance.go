package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/koers-project/koers/sessions"
)

// NewSession readies a session for AddSession on either engine: the
// counsellor defaults to actor, the session is validated as of now and
// gets a new id; its goals and actions are copies (the caller's slices are
// not ours to write: the TUI keeps showing them while the store runs).
func NewSession(g sessions.Session, actor string, now time.Time) (sessions.Session, error) {
	if g.Counsellor == "" {
		g.Counsellor = actor
	}
	if err := g.Validate(now).Err(); err != nil {
		return g, err
	}
	g.ID = NewID()
	g.Goals, g.Actions = slices.Clone(g.Goals), slices.Clone(g.Actions)
	return g, nil
}

// AddSession validates and records a guidance session with its notes,
// goals and actions in one transaction (all or nothing), and discards the
// person's session draft. Counsellor defaults to the actor.
func (s *Store) AddSession(ctx context.Context, g sessions.Session) (sessions.Session, error) {
	g, err := NewSession(g, s.actor, s.now())
	if err != nil {
		return g, err
	}
	now := s.stamp()
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, g.PersonID); err != nil {
			return err
		}
		z, err := s.writeSeals(ctx, tx)
		if err != nil {
			return err
		}
		att := 0
		if g.Attended {
			att = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO guidance_sessions (id, person_id, at, minutes, channel, venue, attended, reason,
			counsellor, summary, next_at, created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			g.ID, g.PersonID, writeStamp(g.At), g.Minutes, string(g.Channel), g.Venue, att, z.seal(g.Reason, "guidance_sessions", "reason", g.ID),
			g.Counsellor, z.seal(g.Summary, "guidance_sessions", "summary", g.ID),
			writeStamp(g.Next), now, s.actor, now, s.actor); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		for _, n := range g.Notes {
			if strings.TrimSpace(n) == "" {
				continue
			}
			nid := NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO session_notes (id, session_id, person_id, body, created_at, created_by) VALUES (?,?,?,?,?,?)`,
				nid, g.ID, g.PersonID, z.seal(n, "session_notes", "body", nid), now, s.actor); err != nil {
				return fmt.Errorf("insert note: %w", err)
			}
		}
		for i := range g.Goals {
			gl := &g.Goals[i]
			gl.ID = NewID()
			if gl.Status == "" {
				gl.Status = "open"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO goals (id, person_id, session_id, type, summary, target, status, created_at, created_by, updated_at, updated_by)
				VALUES (?,?,?,?,?,?,?,?,?,?,?)`, gl.ID, g.PersonID, g.ID, gl.Type, z.seal(gl.Summary, "goals", "summary", gl.ID), gl.Target.String(), gl.Status, now, s.actor, now, s.actor); err != nil {
				return fmt.Errorf("insert goal %d: %w", i+1, err)
			}
		}
		for i := range g.Actions {
			a := &g.Actions[i]
			a.ID, a.SessionID = NewID(), g.ID
			if a.Status == "" {
				a.Status = "open"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO actions (id, person_id, session_id, type, summary, owner, due, status, offer_id, created_at, created_by, updated_at, updated_by)
				VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, a.ID, g.PersonID, g.ID, a.Type, z.seal(a.Summary, "actions", "summary", a.ID), a.Owner, a.Due.String(), a.Status, a.OfferID, now, s.actor, now, s.actor); err != nil {
				return fmt.Errorf("insert action %d: %w", i+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE person_id=? AND kind=?`, g.PersonID, sessions.DraftSession); err != nil {
			return fmt.Errorf("discard draft: %w", err)
		}
		return s.audit(ctx, tx, g.PersonID, "change", "session "+g.ID)
	})
	if err != nil {
		return g, err
	}
	g.CreatedAt, g.CreatedBy = readStamp(now), s.actor
	return g, nil
}

// Sessions lists a person's guidance sessions, newest first, with their
// goals and actions; notes only when withNotes (they are restricted).
func (s *Store) Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error) {
	if err := exists(ctx, s.db, personID); err != nil {
		return nil, err
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, person_id, at, minutes, channel, venue, attended, reason, counsellor, summary, next_at,
		created_at, created_by FROM guidance_sessions WHERE person_id=? ORDER BY at DESC, id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("read sessions: %w", err)
	}
	var out []sessions.Session
	for rows.Next() {
		var g sessions.Session
		var at, next, created, ch string
		var att int
		if err := rows.Scan(&g.ID, &g.PersonID, &at, &g.Minutes, &ch, &g.Venue, &att, &g.Reason, &g.Counsellor, &g.Summary, &next, &created, &g.CreatedBy); err != nil {
			rows.Close()
			return nil, err
		}
		if err := z.openFields("guidance_sessions", g.ID, field{"reason", &g.Reason}, field{"summary", &g.Summary}); err != nil {
			rows.Close()
			return nil, err
		}
		g.At, g.Next, g.CreatedAt = readStamp(at), readStamp(next), readStamp(created)
		g.Channel, g.Attended = sessions.Channel(ch), att == 1
		g.Goals, g.Actions = []sessions.Goal{}, []sessions.Action{}
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	goals, err := s.Goals(ctx, personID)
	if err != nil {
		return nil, err
	}
	actions, err := s.actions(ctx, personID, false)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for i, g := range out {
		idx[g.ID] = i
	}
	for _, g := range goals {
		if i, ok := idx[g.sessionID]; ok {
			out[i].Goals = append(out[i].Goals, g.Goal)
		}
	}
	for _, a := range actions {
		if i, ok := idx[a.SessionID]; ok {
			out[i].Actions = append(out[i].Actions, a)
		}
	}
	if withNotes {
		nrows, err := s.db.QueryContext(ctx, `SELECT id, session_id, body FROM session_notes WHERE person_id=? ORDER BY created_at, id`, personID)
		if err != nil {
			return nil, fmt.Errorf("read notes: %w", err)
		}
		defer nrows.Close()
		for nrows.Next() {
			var nid, sid, body string
			if err := nrows.Scan(&nid, &sid, &body); err != nil {
				return nil, err
			}
			if err := z.openFields("session_notes", nid, field{"body", &body}); err != nil {
				return nil, err
			}
			if i, ok := idx[sid]; ok {
				out[i].Notes = append(out[i].Notes, body)
			}
		}
		if err := nrows.Err(); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []sessions.Session{}
	}
	return out, nil
}

// SessionGoal is a goal with the session that agreed it.
type SessionGoal struct {
	sessions.Goal
	sessionID string
}

// Goals lists every goal on a person's file, oldest first.
func (s *Store) Goals(ctx context.Context, personID string) ([]SessionGoal, error) {
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, session_id, type, summary, target, status FROM goals WHERE person_id=? ORDER BY created_at, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("read goals: %w", err)
	}
	defer rows.Close()
	var out []SessionGoal
	for rows.Next() {
		var g SessionGoal
		var target string
		if err := rows.Scan(&g.ID, &g.sessionID, &g.Type, &g.Summary, &target, &g.Status); err != nil {
			return nil, err
		}
		if err := z.openFields("goals", g.ID, field{"summary", &g.Summary}); err != nil {
			return nil, err
		}
		g.Target = civilDate(target)
		out = append(out, g)
	}
	return out, rows.Err()
}

// OpenActions lists the person's actions still open, soonest due first.
func (s *Store) OpenActions(ctx context.Context, personID string) ([]sessions.Action, error) {
	return s.actions(ctx, personID, true)
}

func (s *Store) actions(ctx context.Context, personID string, openOnly bool) ([]sessions.Action, error) {
	q := `SELECT id, session_id, type, summary, owner, due, status, offer_id FROM actions WHERE person_id=?`
	if openOnly {
		q += ` AND status='open' ORDER BY due='' , due, created_at`
	} else {
		q += ` ORDER BY created_at, id`
	}
	z, err := s.readSeals()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, q, personID)
	if err != nil {
		return nil, fmt.Errorf("read actions: %w", err)
	}
	defer rows.Close()
	out := []sessions.Action{}
	for rows.Next() {
		var a sessions.Action
		var due string
		if err := rows.Scan(&a.ID, &a.SessionID, &a.Type, &a.Summary, &a.Owner, &due, &a.Status, &a.OfferID); err != nil {
			return nil, err
		}
		if err := z.openFields("actions", a.ID, field{"summary", &a.Summary}); err != nil {
			return nil, err
		}
		a.Due = civilDate(due)
		out = append(out, a)
	}
	return out, rows.Err()
}

// SetActionStatus changes an action's status (open, done, cancelled).
func (s *Store) SetActionStatus(ctx context.Context, actionID, status string) error {
	switch status {
	case "open", "done", "cancelled":
	default:
		return fmt.Errorf("status %q is not open, done or cancelled: %w", status, ErrConflict)
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var pid string
		if err := tx.QueryRowContext(ctx, `SELECT person_id FROM actions WHERE id=?`, actionID).Scan(&pid); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("action %s: %w", actionID, ErrNotFound)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE actions SET status=?, updated_at=?, updated_by=? WHERE id=?`, status, s.stamp(), s.actor, actionID); err != nil {
			return err
		}
		return s.audit(ctx, tx, pid, "change", "action "+actionID+" "+status)
	})
}

// NextAppointment is the latest next-appointment date recorded for the person
// that is still ahead of now, or zero.
func (s *Store) NextAppointment(ctx context.Context, personID string) (time.Time, error) {
	var next string
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(next_at), '') FROM guidance_sessions WHERE person_id=? AND next_at >= ?`,
		personID, s.stamp()[:10]).Scan(&next)
	return readStamp(next), err
}

// SaveDraft stores (replacing) the person's draft of kind; the session
// screen calls it as the counsellor types, so nothing typed is lost.
func (s *Store) SaveDraft(ctx context.Context, personID, kind, body string) error {
	z, err := s.writeSeals(ctx, s.db)
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	defer s.writeTurn(ctx)()
	_, err = s.db.ExecContext(ctx, `INSERT INTO drafts (person_id, kind, body, updated_at, updated_by) VALUES (?,?,?,?,?)
		ON CONFLICT (person_id, kind) DO UPDATE SET body=excluded.body, updated_at=excluded.updated_at, updated_by=excluded.updated_by`,
		personID, kind, z.seal(body, "drafts", "body", draftID(personID, kind)), s.stamp(), s.actor)
	if err != nil {
		return fmt.Errorf("save draft: %w", mapErr(err))
	}
	return nil
}

// Draft reads the person's draft of kind; ErrNotFound when there is none.
func (s *Store) Draft(ctx context.Context, personID, kind string) (string, time.Time, error) {
	var body, at string
	z, err := s.readSeals()
	if err != nil {
		return "", time.Time{}, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT body, updated_at FROM drafts WHERE person_id=? AND kind=?`, personID, kind).Scan(&body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, fmt.Errorf("draft: %w", ErrNotFound)
	}
	if err != nil {
		return "", time.Time{}, err
	}
	if err := z.openFields("drafts", draftID(personID, kind), field{"body", &body}); err != nil {
		return "", time.Time{}, err
	}
	return body, readStamp(at), nil
}

// DiscardDraft removes the person's draft of kind.
func (s *Store) DiscardDraft(ctx context.Context, personID, kind string) error {
	defer s.writeTurn(ctx)()
	_, err := s.db.ExecContext(ctx, `DELETE FROM drafts WHERE person_id=? AND kind=?`, personID, kind)
	return err
}
