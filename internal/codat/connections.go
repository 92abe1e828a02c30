package codat

import (
	"context"
	"net/http"
)

const connectionTemplate = "/companies/{companyId}/connections/{connectionId}"

// ListConnections returns every connection of a company (list-connections).
func (c *Client) ListConnections(ctx context.Context, companyID string, opts ListOptions) ([]Connection, error) {
	path, err := companyPath("/companies/{companyId}/connections", companyID)
	if err != nil {
		return nil, err
	}
	return listAll[Connection](ctx, c, "list-connections", path, opts.values(), opts.PageSize)
}

// CreateConnection connects a company to a platform (create-connection).
// It is retried like CreateCompany: never after 408 or 5xx.
func (c *Client) CreateConnection(ctx context.Context, companyID, platformKey string) (*Connection, error) {
	path, err := companyPath("/companies/{companyId}/connections", companyID)
	if err != nil {
		return nil, err
	}
	if platformKey == "" {
		return nil, errEmptyParam("platformKey")
	}
	cl := call{operation: "create-connection", method: http.MethodPost, path: path,
		body: CreateConnectionRequest{PlatformKey: platformKey}, safety: replayUnlessSent}
	return c.connectionCall(ctx, cl)
}

// GetConnection returns one connection (get-connection).
func (c *Client) GetConnection(ctx context.Context, companyID, connectionID string) (*Connection, error) {
	path, err := connectionPath(companyID, connectionID)
	if err != nil {
		return nil, err
	}
	return c.connectionCall(ctx, call{operation: "get-connection", method: http.MethodGet, path: path, safety: replaySafe})
}

// UnlinkConnection sets a connection's status to Unlinked
// (unlink-connection). Unlinking twice is the same as once, so it retries.
func (c *Client) UnlinkConnection(ctx context.Context, companyID, connectionID string) (*Connection, error) {
	path, err := connectionPath(companyID, connectionID)
	if err != nil {
		return nil, err
	}
	cl := call{operation: "unlink-connection", method: http.MethodPatch, path: path,
		body: UpdateConnectionStatus{Status: StatusUnlinked}, safety: replaySafe}
	return c.connectionCall(ctx, cl)
}

// DeleteConnection deletes a connection (delete-connection; 200, no body).
// A retried delete that already succeeded answers 404.
func (c *Client) DeleteConnection(ctx context.Context, companyID, connectionID string) error {
	path, err := connectionPath(companyID, connectionID)
	if err != nil {
		return err
	}
	return c.do(ctx, call{operation: "delete-connection", method: http.MethodDelete, path: path, safety: replaySafe}, nil)
}

func (c *Client) connectionCall(ctx context.Context, cl call) (*Connection, error) {
	var out Connection
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func connectionPath(companyID, connectionID string) (string, error) {
	return escapePath(connectionTemplate, param{"companyId", companyID}, param{"connectionId", connectionID})
}
