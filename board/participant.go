package board

import (
	"crypto/sha256"
	"encoding/base64"
)

// A participant is one person across the tabs and reloads of one browser.
// The browser keeps a random secret and sends it when it connects; everyone
// else only ever sees the public id derived from it here. The public id
// marks the notes a person made (and, later, their votes and raised hands),
// so it must not let anyone act as that person: only the secret does, and
// the secret never leaves the server.

// ParticipantID returns the public participant id for a participant
// secret: 16 URL-safe characters (96 bits) of a SHA-256 hash. The same
// secret always gives the same id; the id does not give the secret back.
func ParticipantID(secret string) string {
	sum := sha256.Sum256([]byte("corkboard participant\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// ValidParticipantID reports whether s has the form ParticipantID gives.
func ValidParticipantID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
