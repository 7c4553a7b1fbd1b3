package views

// JoinPage is where people type a join code (/join).
type JoinPage struct {
	Lang  Lang
	Path  string
	Code  string // what was typed, shown again after a wrong code
	Error string // why the code did not lead anywhere
}

// Invalid is the field's aria-invalid: "true" after a code that led nowhere.
func (p JoinPage) Invalid() string {
	if p.Error != "" {
		return "true"
	}
	return "false"
}

// DescribedBy names what is said under the field: the error, or the hint.
func (p JoinPage) DescribedBy() string {
	if p.Error != "" {
		return "code-error"
	}
	return "code-hint"
}

// JoinScreen is the page a teacher puts on the projector for the class to
// join: the QR code, the address and the code in very large type.
type JoinScreen struct {
	Lang    Lang
	Path    string
	Title   string // the board's
	QRPath  string // the QR code's image
	JoinURL string // the link the QR code holds, in small type for those who cannot scan
	Address string // where to type the code, "corkboard.example/join"
	Code    string // "K7P-MQ4", or "" when joining by code is off
}
