package codat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// GetDataStatus returns the cache status of each data type that has one
// (get-company-data-status). Types Codat reports as null are left out.
func (c *Client) GetDataStatus(ctx context.Context, companyID string) (DataStatuses, error) {
	path, err := companyPath("/companies/{companyId}/dataStatus", companyID)
	if err != nil {
		return nil, err
	}
	var raw map[string]*DataStatus
	cl := call{operation: "get-company-data-status", method: http.MethodGet, path: path, safety: replaySafe}
	if err := c.do(ctx, cl, &raw); err != nil {
		return nil, err
	}
	out := make(DataStatuses, len(raw))
	for dataType, status := range raw {
		if status != nil {
			out[dataType] = *status
		}
	}
	return out, nil
}

// RefreshAllData queues every data type with fetchOnFirstLink
// (refresh-company-data; 204). Queueing twice only refreshes twice, which is
// better than failing a run, so it is retried like a read.
func (c *Client) RefreshAllData(ctx context.Context, companyID string) error {
	path, err := companyPath("/companies/{companyId}/data/all", companyID)
	if err != nil {
		return err
	}
	return c.do(ctx, call{operation: "refresh-company-data", method: http.MethodPost, path: path, safety: replaySafe}, nil)
}

// RefreshDataType queues one data type (refresh-data-type). connectionID is
// optional. A retry after an ambiguous failure may queue a second pull; the
// returned operation is the one Codat answered for, and both complete.
func (c *Client) RefreshDataType(ctx context.Context, companyID, dataType, connectionID string) (*PullOperation, error) {
	path, err := escapePath("/companies/{companyId}/data/queue/{dataType}",
		param{"companyId", companyID}, param{"dataType", dataType})
	if err != nil {
		return nil, err
	}
	var query url.Values
	if connectionID != "" {
		query = url.Values{"connectionId": {connectionID}}
	}
	cl := call{operation: "refresh-data-type", method: http.MethodPost, path: path, query: query, safety: replaySafe}
	return c.pullOperationCall(ctx, cl)
}

// ListPullOperations returns every pull operation of a company
// (list-pull-operations).
func (c *Client) ListPullOperations(ctx context.Context, companyID string, opts ListOptions) ([]PullOperation, error) {
	path, err := companyPath("/companies/{companyId}/data/history", companyID)
	if err != nil {
		return nil, err
	}
	return listAll[PullOperation](ctx, c, "list-pull-operations", path, opts.values(), opts.PageSize)
}

// GetPullOperation returns one pull operation (get-pull-operation).
func (c *Client) GetPullOperation(ctx context.Context, companyID, datasetID string) (*PullOperation, error) {
	path, err := escapePath("/companies/{companyId}/data/history/{datasetId}",
		param{"companyId", companyID}, param{"datasetId", datasetID})
	if err != nil {
		return nil, err
	}
	return c.pullOperationCall(ctx, call{operation: "get-pull-operation", method: http.MethodGet, path: path,
		safety: replaySafe})
}

// GetCompanySyncSettings returns a company's sync settings
// (get-company-syncSettings).
func (c *Client) GetCompanySyncSettings(ctx context.Context, companyID string) (*CompanySyncSettings, error) {
	path, err := companyPath("/companies/{companyId}/syncSettings", companyID)
	if err != nil {
		return nil, err
	}
	var out CompanySyncSettings
	cl := call{operation: "get-company-syncSettings", method: http.MethodGet, path: path, safety: replaySafe}
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	out.fillOmitted(companyID)
	return &out, nil
}

// SetCompanySyncSettings replaces a company's sync settings
// (set-company-syncSettings; 204). An empty settings.CompanyID is filled
// with companyID; a different one is refused. The POST replaces the whole
// set, so it is retried like a read.
func (c *Client) SetCompanySyncSettings(ctx context.Context, companyID string, settings CompanySyncSettings) error {
	path, err := companyPath("/companies/{companyId}/syncSettings", companyID)
	if err != nil {
		return err
	}
	if settings.CompanyID == "" {
		settings.CompanyID = companyID
	}
	if settings.CompanyID != companyID {
		return fmt.Errorf("codat: sync settings are for company %q, not %q", settings.CompanyID, companyID)
	}
	cl := call{operation: "set-company-syncSettings", method: http.MethodPost, path: path, body: settings,
		safety: replaySafe}
	return c.do(ctx, cl, nil)
}

// GetProfileSyncSettings returns the client-wide default sync settings
// (get-profile-syncSettings).
func (c *Client) GetProfileSyncSettings(ctx context.Context) (*ProfileSyncSettings, error) {
	var out ProfileSyncSettings
	cl := call{operation: "get-profile-syncSettings", method: http.MethodGet, path: "/profile/syncSettings",
		safety: replaySafe}
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	out.fillOmitted()
	return &out, nil
}

// SetProfileSyncSettings replaces the client-wide default sync settings
// (update-profile-syncSettings; 204). Retried like a read: it replaces.
func (c *Client) SetProfileSyncSettings(ctx context.Context, settings ProfileSyncSettings) error {
	cl := call{operation: "update-profile-syncSettings", method: http.MethodPost, path: "/profile/syncSettings",
		body: settings, safety: replaySafe}
	return c.do(ctx, cl, nil)
}

// GetCompanyInfo returns the company as its platform describes it
// (get-company-info). Before the company data type has synced Codat answers
// 409: test it with IsConflict.
func (c *Client) GetCompanyInfo(ctx context.Context, companyID string) (*CompanyInfo, error) {
	path, err := companyPath("/companies/{companyId}/data/info", companyID)
	if err != nil {
		return nil, err
	}
	var out CompanyInfo
	cl := call{operation: "get-company-info", method: http.MethodGet, path: path, safety: replaySafe}
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) pullOperationCall(ctx context.Context, cl call) (*PullOperation, error) {
	var out PullOperation
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// WaitForCompanyInfo reads the company info and, while Codat answers 409 and
// wait has not passed, reads it again on DefaultPollSchedule. The last read
// is at the deadline, so a sync that finishes just in time is not missed. It
// returns the last 409 when the wait runs out, and a *WaitStoppedError when
// ctx ends first.
//
// Waiting helps only once the business has authorised: before waiting it
// reads the company once, and when no connection is Linked it returns the
// 409 at once, with that company (unlinked), whose links say what to do.
func (c *Client) WaitForCompanyInfo(ctx context.Context, companyID string, wait time.Duration) (info *CompanyInfo, unlinked *Company, err error) {
	var last error
	checked := wait <= 0 // without a wait there is nothing to cut short
	err = PollUntil(ctx, time.Now().Add(wait), DefaultPollSchedule, func() (bool, error) {
		info, last = c.GetCompanyInfo(ctx, companyID)
		if last == nil || !IsConflict(last) {
			return true, last
		}
		if !checked {
			checked = true
			// If the look-up fails, wait anyway: the wait is what was asked for.
			if company, err := c.GetCompany(ctx, companyID); err == nil && !company.HasLinkedConnection() {
				unlinked = company
				return true, last
			}
		}
		return false, nil
	})
	if errors.Is(err, ErrPollDeadline) {
		return nil, nil, last
	}
	if err != nil {
		return nil, unlinked, err
	}
	return info, nil, nil
}
