package codat

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// CompanyFilter picks companies from list-companies. Only Tags is sent to
// Codat: using-the-api/querying.md says the query language "will not work"
// on metadata endpoints such as listing companies, while
// using-the-api/managing-companies.md documents the tags parameter there.
// The other fields are checked on each company Codat returns.
type CompanyFilter struct {
	// Tags is the tags expression; nil lists every company.
	Tags *TagFilter
	// Name is a company name, matched exactly.
	Name string
	// NameContains is text the name must contain, ignoring case.
	NameContains string
	// ConnectionStatus and PlatformKey ask for a connection with that
	// status and to that platform (both, when both are set).
	ConnectionStatus ConnectionStatus
	PlatformKey      string
}

// Match reports whether the company passes the filter. keys names the
// platform of connections whose integrationKey Codat left out.
func (f CompanyFilter) Match(c *Company, keys PlatformKeys) bool {
	switch {
	case f.Tags != nil && !f.Tags.Match(c.Tags):
	case f.Name != "" && c.Name != f.Name:
	case f.NameContains != "" && !strings.Contains(strings.ToLower(c.Name), strings.ToLower(f.NameContains)):
	case (f.ConnectionStatus != "" || f.PlatformKey != "") && !slices.ContainsFunc(c.DataConnections, f.matchConnection(keys)):
	default:
		return true
	}
	return false
}

func (f CompanyFilter) matchConnection(keys PlatformKeys) func(Connection) bool {
	return func(conn Connection) bool {
		return (f.ConnectionStatus == "" || conn.Status == f.ConnectionStatus) &&
			(f.PlatformKey == "" || conn.PlatformKey(keys) == f.PlatformKey)
	}
}

// FindCompanies lists the companies that pass the filter, in Codat's order:
// one request per 5,000 companies that match Tags, and the catalogue (read
// once per run) only if a connection does not name its platform. It
// returns the platform keys of those connections too.
func (c *Client) FindCompanies(ctx context.Context, f CompanyFilter, catalogue *Catalogue) ([]Company, PlatformKeys, error) {
	opts := ListCompaniesOptions{}
	if f.Tags != nil {
		opts.Tags = f.Tags.String()
	}
	all, err := c.ListCompanies(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	var conns []Connection
	for _, company := range all {
		conns = append(conns, company.DataConnections...)
	}
	keys, err := catalogue.PlatformKeys(ctx, conns...)
	if err != nil {
		return nil, nil, fmt.Errorf("looking up the platforms of the companies' connections: %w", err)
	}
	// Codat already applied Tags; checking it again costs nothing and keeps
	// the result right should Codat ignore the parameter.
	return slices.DeleteFunc(all, func(company Company) bool { return !f.Match(&company, keys) }), keys, nil
}
