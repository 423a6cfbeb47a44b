// Package catalog is the register side of koers: training offers and
// micro-credentials with every Annex I element, the EU vocabularies they use,
// the ESCO taxonomy, the search query model, stacking rules, importers that
// parse files into domain values, and pathway suggestion.
//
// It is a functional core: plain types and pure functions, no SQL and no
// terminal.
package catalog
