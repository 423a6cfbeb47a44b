package store

// As returns a view of the same open database that stamps actor on every
// change and audit row: a server opens the database once and gives each
// authenticated session its own view, so the register's in-memory index is
// shared. Closing a view does nothing; close the store it came from.
func (s *Store) As(actor string) *Store {
	v := *s
	v.actor = actor
	v.view = true
	return &v
}

// Acting is As that also stamps the server session and the centre the
// actor acts from on every audit row.
func (s *Store) Acting(actor, session, centre string) *Store {
	v := s.As(actor)
	v.session, v.centre = session, centre
	return v
}
