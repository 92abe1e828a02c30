package codat

import "strings"

// CompanyFilter selects companies by what list-companies cannot filter on
// itself. Codat's query language does not look inside arrays, so it cannot
// select by a company's connections (using-the-api/querying.md), and the
// same page says it does not apply to the companies list at all (the spec
// offers query there nonetheless): a name filter applied here works under
// either reading. Tags go to Codat (ListCompaniesOptions.Tags), which
// documents that filter (using-the-api/managing-companies.md).
type CompanyFilter struct {
	// NameContains keeps companies whose name contains it, ignoring case.
	NameContains string
	// ConnectionStatus and PlatformKey keep companies with a connection in
	// that status, to that platform: both on the same connection when both
	// are set.
	ConnectionStatus ConnectionStatus
	PlatformKey      string
}

// Matches reports whether the company passes the filter; keys names the
// platforms of connections without an integrationKey.
func (f CompanyFilter) Matches(c *Company, keys PlatformKeys) bool {
	if f.NameContains != "" && !strings.Contains(strings.ToLower(c.Name), strings.ToLower(f.NameContains)) {
		return false
	}
	if f.ConnectionStatus == "" && f.PlatformKey == "" {
		return true
	}
	for _, conn := range c.DataConnections {
		if (f.ConnectionStatus == "" || conn.Status == f.ConnectionStatus) &&
			(f.PlatformKey == "" || conn.PlatformKey(keys) == f.PlatformKey) {
			return true
		}
	}
	return false
}

// ConnectionAdoptedOnImport is the connection an imported company's
// resource manages: its only one, or none when it has several (which one
// the business uses is for the configuration to say) or none.
func (c *Company) ConnectionAdoptedOnImport() *Connection {
	if len(c.DataConnections) != 1 {
		return nil
	}
	return &c.DataConnections[0]
}
