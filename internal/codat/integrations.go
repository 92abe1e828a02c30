package codat

import (
	"context"
	"net/http"
)

// ListIntegrations returns every integration (list-integrations).
func (c *Client) ListIntegrations(ctx context.Context, opts ListOptions) ([]Integration, error) {
	return listAll[Integration](ctx, c, "list-integrations", "/integrations", opts.values(), opts.PageSize)
}

// GetIntegration returns one integration by its 4-letter platform key
// (get-integration).
func (c *Client) GetIntegration(ctx context.Context, platformKey string) (*Integration, error) {
	path, err := escapePath("/integrations/{platformKey}", param{"platformKey", platformKey})
	if err != nil {
		return nil, err
	}
	var out Integration
	cl := call{operation: "get-integration", method: http.MethodGet, path: path, safety: replaySafe}
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
