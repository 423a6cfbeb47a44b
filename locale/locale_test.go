package locale

import "testing"

func TestCatalogLoadsAndTranslates(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, id string
		n        int
		want     string
	}{
		{"en", "app.offers", 1, "1 offer"},
		{"en", "app.offers", 3, "3 offers"},
		{"nl", "app.offers", 3, "3 aanbiedingen"},
		{"fr", "app.offers", 2, "2 offres"},
		{"de", "app.offers", 2, "2 offers"},
	}
	for _, tt := range tests {
		if got := c.For(tt.lang).N(tt.id, tt.n); got != tt.want {
			t.Errorf("%s %s %d: got %q, want %q", tt.lang, tt.id, tt.n, got, tt.want)
		}
	}
	if got := c.For("nl").T("no.such.id"); got != "no.such.id" {
		t.Errorf("missing id: got %q", got)
	}
}

// TestEveryMessageInEveryLanguage keeps the catalogue complete: an id known in
// English must exist in Dutch and French too.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	c := Must()
	for _, id := range c.IDs("en") {
		for _, lang := range []string{"nl", "fr"} {
			if !c.HasIn(lang, id) {
				t.Errorf("message %q has no %s text", id, lang)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"nl_BE.UTF-8": "nl", "fr-FR": "fr", "EN": "en", "de_DE": "en", "": "en"} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
