package codat

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// MaxPageSize is the largest pageSize Codat accepts; list calls use it so a
// catalogue under 5000 items takes one request.
const MaxPageSize = 5000

// maxPages stops a server that never signals the end from looping forever
// (a variable so tests can lower it).
var maxPages = 10000

// ListOptions filters and orders a list call. Every page is fetched.
type ListOptions struct {
	// Query is a Codat query, e.g. "status=Linked".
	Query string
	// OrderBy is a field name, "-" prefixed for descending.
	OrderBy string
	// PageSize is the page size to request; 0 means MaxPageSize.
	PageSize int
}

// ListCompaniesOptions adds the companies-only tag filter.
type ListCompaniesOptions struct {
	Query   string
	Tags    string // e.g. "region=uk && team=invoice-finance"
	OrderBy string
	// PageSize is the page size to request; 0 means MaxPageSize.
	PageSize int
}

func (o ListOptions) values() url.Values {
	v := url.Values{}
	setIfNotEmpty(v, "query", o.Query)
	setIfNotEmpty(v, "orderBy", o.OrderBy)
	return v
}

func setIfNotEmpty(v url.Values, key, value string) {
	if value != "" {
		v.Set(key, value)
	}
}

func effectivePageSize(requested int) (int, error) {
	switch {
	case requested == 0:
		return MaxPageSize, nil
	case requested < 0 || requested > MaxPageSize:
		return 0, fmt.Errorf("codat: page size %d is outside 1..%d", requested, MaxPageSize)
	}
	return requested, nil
}

// listAll fetches every page of a list operation.
func listAll[T any](ctx context.Context, c *Client, operation, path string, filters url.Values, pageSize int) ([]T, error) {
	size, err := effectivePageSize(pageSize)
	if err != nil {
		return nil, err
	}
	var all []T
	for pageNumber := 1; pageNumber <= maxPages; pageNumber++ {
		page, err := listPage[T](ctx, c, call{operation: operation, path: path, query: filters}, pageNumber, size)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Results...)
		if !hasMorePages(page, len(all), size) {
			return all, nil
		}
	}
	return nil, fmt.Errorf("codat: GET %s (%s): more than %d pages, giving up", path, operation, maxPages)
}

// listPage fetches one page of the list operation cl names (its operation,
// path, filters in query and, optionally, maxBody).
func listPage[T any](ctx context.Context, c *Client, cl call, pageNumber, size int) (*Page[T], error) {
	query := cloneValues(cl.query)
	query.Set("page", strconv.Itoa(pageNumber))
	query.Set("pageSize", strconv.Itoa(size))
	cl.method, cl.query, cl.safety = http.MethodGet, query, replaySafe
	var page Page[T]
	if err := c.do(ctx, cl, &page); err != nil {
		return nil, err
	}
	if page.PageNumber != 0 && page.PageNumber != pageNumber {
		return nil, &DecodeError{Operation: cl.operation, Method: http.MethodGet, Path: cl.path, StatusCode: http.StatusOK,
			Err: fmt.Errorf("asked for page %d, got page %d", pageNumber, page.PageNumber)}
	}
	return &page, nil
}

// hasMorePages decides whether to fetch the next page. totalResults is
// required by the spec, so it wins when present; otherwise the next link
// and a full page must both say there is more. An empty page always ends
// the list, which also ends a server that ignores the page parameter
// once its results run out.
func hasMorePages[T any](page *Page[T], collected, requestedSize int) bool {
	received := len(page.Results)
	if received == 0 {
		return false
	}
	if page.TotalResults > 0 {
		return collected < page.TotalResults
	}
	if page.Links.Next == nil || page.Links.Next.Href == "" {
		return false
	}
	fullPage := page.PageSize
	if fullPage <= 0 {
		fullPage = requestedSize
	}
	return received >= fullPage
}

// decodePage decodes one list response body.
func decodePage[T any](data []byte) (*Page[T], error) {
	var page Page[T]
	if err := decodeJSON(data, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+2)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
