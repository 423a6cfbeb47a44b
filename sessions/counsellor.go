package sessions

import (
	"fmt"
	"time"
)

// Counsellor is a counsellor's login to a centre's koers server. Its name is
// what every change and audit row made through it is stamped with.
type Counsellor struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Disabled bool   `json:"disabled"`
	// Language is the profile's interface language; empty means the
	// language the SSH client sends (LANG).
	Language string `json:"language,omitempty"`
	// Centres are the centres the account belongs to: one for most roles,
	// several for a regional supervisor; empty on a server without centres.
	Centres   []string        `json:"centres"`
	Keys      []CounsellorKey `json:"keys"`
	CreatedAt time.Time       `json:"created_at"`
	CreatedBy string          `json:"created_by"`
	UpdatedAt time.Time       `json:"updated_at"`
	UpdatedBy string          `json:"updated_by"`
}

// CounsellorKey is one SSH public key an account logs in with.
type CounsellorKey struct {
	// Fingerprint is the key's SHA256 fingerprint as ssh-keygen prints it.
	Fingerprint string `json:"fingerprint"`
	// PublicKey is the key in authorized_keys form (type and base64).
	PublicKey string    `json:"public_key"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// ValidCounsellorName checks an account name: 1 to 64 ASCII letters, digits,
// dots, hyphens and underscores, starting with a letter or digit. Names
// appear in logs and on every change, so they stay plain.
func ValidCounsellorName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("%q: an account name has 1 to 64 characters", name)
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case (r == '.' || r == '-' || r == '_') && i > 0:
		default:
			return fmt.Errorf("%q: an account name has only letters, digits, '.', '-' and '_' and starts with a letter or digit", name)
		}
	}
	return nil
}

// Validate checks a new account: its name, its role, and the centres the
// role needs.
func (c Counsellor) Validate() error {
	if err := ValidCounsellorName(c.Name); err != nil {
		return err
	}
	if _, err := ParseRole(string(c.Role)); err != nil {
		return err
	}
	return ValidCentres(c.Role, c.Centres)
}

// InCentre reports whether centre is one of the account's centres. An
// account without centres belongs to the centre-less caseload ("") of a
// server that defines none.
func (c Counsellor) InCentre(centre string) bool {
	if len(c.Centres) == 0 {
		return centre == ""
	}
	for _, x := range c.Centres {
		if x == centre {
			return true
		}
	}
	return false
}

// HomeCentre is the account's first centre ("" when it has none): a
// person the account creates starts there.
func (c Counsellor) HomeCentre() string {
	if len(c.Centres) == 0 {
		return ""
	}
	return c.Centres[0]
}

// ValidCentres checks the centres of an account with role: codes as
// ValidCentreCode, and more than one only for a regional supervisor.
func ValidCentres(role Role, centres []string) error {
	if len(centres) > 1 && role != RoleRegional {
		return fmt.Errorf("only a regional account belongs to several centres (%s has %d)", role, len(centres))
	}
	for _, c := range centres {
		if err := ValidCentreCode(c); err != nil {
			return err
		}
	}
	return nil
}
