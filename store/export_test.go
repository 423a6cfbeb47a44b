package store

// MapErr lets the external tests (the engine suite) map raw SQL errors the
// way the store does.
var MapErr = mapErr
