package catalog

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Envelope is a signed credential opened: the payload (the credential
// itself, as JSON) and what the signature's protected header says. koers
// does not verify signatures offline (that needs the issuer's trust list
// and the time-stamp authority); Status says so, and never more.
type Envelope struct {
	// Payload is the credential document inside the envelope; for an
	// unsigned document, the document itself.
	Payload []byte
	// Signed is true when the document was a JWS/JAdES envelope.
	Signed bool
	// Form is "JWS compact", "JWS JSON" or "" (unsigned).
	Form string
	// Alg is the signature algorithm of the protected header ("RS256").
	Alg string
	// Signer is the subject of the first certificate of x5c, if any (the
	// organisation that sealed the credential, as it claims).
	Signer string
	// SigningTime is the JAdES sigT claim, as written.
	SigningTime string
}

// Signature status words, recorded on an imported credential.
const (
	SignatureNone        = "unsigned"
	SignatureNotVerified = "signed, not verified offline"
)

// Status is the honest signature status of the envelope.
func (e Envelope) Status() string {
	if !e.Signed {
		return SignatureNone
	}
	return SignatureNotVerified
}

// ErrEnvelope is wrapped by every refusal of a malformed signed envelope.
var ErrEnvelope = errors.New("not a readable signed credential")

// maxEnvelopeNesting bounds envelopes inside envelopes (a VC-JWT holding a
// JWS holding the credential is as deep as real wallets go).
const maxEnvelopeNesting = 3

// OpenEnvelope opens a credential document: a JWS in compact form
// (header.payload.signature, base64url), a JWS JSON serialisation
// (general with "signatures" or flattened with "protected"; JAdES uses it
// with an unencoded payload, "b64": false), a VC-JWT payload ({"vc": …}),
// or a plain JSON credential, returned as is. The payload must be a JSON
// object.
func OpenEnvelope(doc []byte) (Envelope, error) {
	env := Envelope{Payload: doc}
	for range maxEnvelopeNesting {
		next, ok, err := openOnce(bytes.TrimSpace(env.Payload), &env)
		if err != nil {
			return Envelope{}, err
		}
		if !ok {
			return env, nil
		}
		if len(bytes.TrimSpace(next)) == 0 {
			return Envelope{}, fmt.Errorf("%w: the payload is empty", ErrEnvelope)
		}
		env.Payload = next
	}
	return Envelope{}, fmt.Errorf("%w: envelopes nested more than %d deep", ErrEnvelope, maxEnvelopeNesting)
}

// openOnce removes one envelope; ok is false when doc is not one.
func openOnce(doc []byte, env *Envelope) (payload []byte, ok bool, err error) {
	doc = bytes.TrimPrefix(doc, []byte("\xEF\xBB\xBF"))
	if len(doc) == 0 {
		return nil, false, fmt.Errorf("%w: empty document", ErrEnvelope)
	}
	if doc[0] != '{' {
		return openCompact(doc, env)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, false, nil // not JSON: the parsers report it with its position
	}
	if vc, ok := top["vc"]; ok && len(top["credentialSubject"]) == 0 { // a VC-JWT claims set
		return vc, true, nil
	}
	rawPayload, has := top["payload"]
	if !has {
		return nil, false, nil
	}
	var p string
	if err := json.Unmarshal(rawPayload, &p); err != nil {
		return nil, false, fmt.Errorf("%w: payload is not a string", ErrEnvelope)
	}
	protected := top["protected"]
	if sigs, ok := top["signatures"]; ok {
		var list []struct {
			Protected json.RawMessage `json:"protected"`
		}
		if err := json.Unmarshal(sigs, &list); err != nil || len(list) == 0 {
			return nil, false, fmt.Errorf("%w: signatures is not a list of signatures", ErrEnvelope)
		}
		protected = list[0].Protected
	}
	var ph string
	if len(protected) > 0 {
		if err := json.Unmarshal(protected, &ph); err != nil {
			return nil, false, fmt.Errorf("%w: protected header is not a string", ErrEnvelope)
		}
	}
	hdr, err := readProtected(ph, env)
	if err != nil {
		return nil, false, err
	}
	env.Signed, env.Form = true, "JWS JSON"
	// JAdES writes the payload unencoded ("b64": false); a payload that is
	// already JSON is taken as such whatever the header says.
	if (hdr.B64 != nil && !*hdr.B64) || strings.HasPrefix(strings.TrimSpace(p), "{") {
		return []byte(p), true, nil
	}
	b, err := b64url(p)
	if err != nil {
		return nil, false, fmt.Errorf("%w: payload is not base64url: %v", ErrEnvelope, err)
	}
	return b, true, nil
}

// openCompact reads header.payload.signature.
func openCompact(doc []byte, env *Envelope) ([]byte, bool, error) {
	parts := strings.Split(string(doc), ".")
	if len(parts) != 3 {
		return nil, false, nil // neither JSON nor a compact JWS: let the parser say what it is
	}
	for _, p := range parts[:2] {
		if strings.ContainsAny(p, " \n\t{}\"") {
			return nil, false, nil
		}
	}
	hdr, err := readProtected(parts[0], env)
	if err != nil {
		return nil, false, err
	}
	env.Signed, env.Form = true, "JWS compact"
	if hdr.B64 != nil && !*hdr.B64 {
		return nil, false, fmt.Errorf("%w: a compact JWS with an unencoded payload is detached; koers needs the payload", ErrEnvelope)
	}
	b, err := b64url(parts[1])
	if err != nil {
		return nil, false, fmt.Errorf("%w: payload is not base64url: %v", ErrEnvelope, err)
	}
	if len(bytes.TrimSpace(b)) == 0 || bytes.TrimSpace(b)[0] != '{' {
		return nil, false, fmt.Errorf("%w: the payload is not a JSON credential", ErrEnvelope)
	}
	return b, true, nil
}

type protectedHeader struct {
	Alg  string   `json:"alg"`
	B64  *bool    `json:"b64"`
	X5C  []string `json:"x5c"`
	SigT string   `json:"sigT"`
}

// readProtected decodes a base64url protected header into env.
func readProtected(s string, env *Envelope) (protectedHeader, error) {
	var h protectedHeader
	if s == "" {
		return h, nil
	}
	b, err := b64url(s)
	if err != nil {
		return h, fmt.Errorf("%w: protected header is not base64url: %v", ErrEnvelope, err)
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("%w: protected header is not JSON: %v", ErrEnvelope, strings.TrimPrefix(err.Error(), "json: "))
	}
	if env.Alg == "" {
		env.Alg, env.SigningTime = h.Alg, h.SigT
	}
	if len(h.X5C) > 0 && env.Signer == "" {
		if der, err := base64.StdEncoding.DecodeString(h.X5C[0]); err == nil {
			if cert, err := x509.ParseCertificate(der); err == nil {
				env.Signer = signerName(cert)
			}
		}
	}
	return h, nil
}

func signerName(c *x509.Certificate) string {
	s := c.Subject
	switch {
	case len(s.Organization) > 0 && s.CommonName != "" && s.CommonName != s.Organization[0]:
		return s.CommonName + " (" + s.Organization[0] + ")"
	case len(s.Organization) > 0:
		return s.Organization[0]
	}
	return s.CommonName
}

// b64url decodes base64url with or without padding.
func b64url(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	return base64.RawURLEncoding.DecodeString(s)
}
