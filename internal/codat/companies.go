package codat

import (
	"context"
	"net/http"
)

// ListCompanies returns every company matching opts (list-companies).
func (c *Client) ListCompanies(ctx context.Context, opts ListCompaniesOptions) ([]Company, error) {
	filters := ListOptions{Query: opts.Query, OrderBy: opts.OrderBy}.values()
	setIfNotEmpty(filters, "tags", opts.Tags)
	return listAll[Company](ctx, c, "list-companies", "/companies", filters, opts.PageSize)
}

// CreateCompany creates a company (create-company). It is retried under its
// Idempotency-Key after a 429, a dropped connection or a 409 for the key,
// never after 408 or 5xx, so a failure can still mean the company exists;
// callers that must not duplicate should use CreateCompanyOnce.
func (c *Client) CreateCompany(ctx context.Context, req CompanyRequest) (*Company, error) {
	cl := call{operation: "create-company", method: http.MethodPost, path: "/companies", body: req,
		safety: replayUnlessSent}
	return c.companyCall(ctx, cl)
}

// GetCompany returns one company (get-company).
func (c *Client) GetCompany(ctx context.Context, companyID string) (*Company, error) {
	path, err := companyPath("/companies/{companyId}", companyID)
	if err != nil {
		return nil, err
	}
	return c.companyCall(ctx, call{operation: "get-company", method: http.MethodGet, path: path, safety: replaySafe})
}

// ReplaceCompany replaces name, description and tags (replace-company, PUT):
// fields left empty in req are cleared.
func (c *Client) ReplaceCompany(ctx context.Context, companyID string, req CompanyRequest) (*Company, error) {
	path, err := companyPath("/companies/{companyId}", companyID)
	if err != nil {
		return nil, err
	}
	cl := call{operation: "replace-company", method: http.MethodPut, path: path, body: req, safety: replaySafe}
	return c.companyCall(ctx, cl)
}

// UpdateCompany changes the non-nil fields of update (update-company,
// PATCH). Setting the same fields twice has the same effect as once, so it
// is retried like a read.
func (c *Client) UpdateCompany(ctx context.Context, companyID string, update CompanyUpdate) (*Company, error) {
	path, err := companyPath("/companies/{companyId}", companyID)
	if err != nil {
		return nil, err
	}
	cl := call{operation: "update-company", method: http.MethodPatch, path: path, body: update, safety: replaySafe}
	return c.companyCall(ctx, cl)
}

// DeleteCompany deletes a company with its connections and data
// (delete-company). A retried delete that already succeeded answers 404;
// callers deleting should treat IsNotFound as done.
func (c *Client) DeleteCompany(ctx context.Context, companyID string) error {
	path, err := companyPath("/companies/{companyId}", companyID)
	if err != nil {
		return err
	}
	return c.do(ctx, call{operation: "delete-company", method: http.MethodDelete, path: path, safety: replaySafe}, nil)
}

func (c *Client) companyCall(ctx context.Context, cl call) (*Company, error) {
	var out Company
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func companyPath(template, companyID string) (string, error) {
	return escapePath(template, param{"companyId", companyID})
}
