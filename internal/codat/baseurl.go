package codat

// ValidateBaseURL reports whether New would accept raw as a base URL (https,
// or plain http to a loopback host), so callers can check it before any
// request, at plan time.
func ValidateBaseURL(raw string) error {
	_, err := checkBaseURL(raw)
	return err
}
