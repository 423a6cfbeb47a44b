package tui

import (
	"context"

	"github.com/koers-project/koers/catalog"
)

// Concepts is what the ESCO picker needs from the store: concepts of a
// kind matched by label in every loaded language, labelled in lang.
type Concepts interface {
	MatchConcepts(ctx context.Context, kind catalog.ConceptKind, query, lang string, limit int) ([]catalog.ConceptMatch, error)
}
