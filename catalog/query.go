package catalog

// Query is a register search: free text plus filters. The zero Query lists
// every active offer.
type Query struct {
	Text       string   // what the person typed; every term is quoted before it reaches FTS
	EQFMin     EQF      // 0: no lower bound
	EQFMax     EQF      // 0: no upper bound
	Modes      []Mode   // any of these; empty: all
	Language   string   // ISO 639-1 language of instruction
	Region     string   // NUTS prefix ("BE2", "BE21")
	MaxPrice   *Money   // in Currency; offers priced in another currency never pass
	Currency   string   // ISO 4217 code of MaxPrice; "" is MainCurrency
	Scheme     string   // eligible for this funding scheme
	StartAfter Date     // starts on or after
	Provider   string   // provider or awarding body contains this text (folded)
	Skills     []string // teaches any of these skill URIs
	Withdrawn  bool     // include withdrawn offers
	// BookableOn, when set, orders the offers that can no longer be booked
	// on that day (their start, or within a page their application
	// deadline, has passed) after the others; zero keeps rank order.
	BookableOn Date
	Limit      int // 0: a default page size
	Offset     int
}

// Hit is one search result: the offer and its score (higher is better).
type Hit struct {
	Offer Offer
	Score float64
}

// Bucket is one facet value and how many matching offers have it.
type Bucket struct {
	Value string
	Count int
}

// Facets are the counts for a query's whole match set.
type Facets struct {
	Total    int
	EQF      []Bucket // "1".."8", "n/a", "unknown"
	Mode     []Bucket
	Language []Bucket
	Scheme   []Bucket
}

// MainCurrency is the register's main currency: the currency of a price
// filter that names none, and of the money schemes (ila, voucher).
const MainCurrency = "EUR"
