package codat

import (
	"context"
	"maps"
	"net/http"
	"reflect"
)

// SupplementalDataTypes are the data types that take supplemental data: the
// enum of the dataType path parameter of the supplementalDataConfig
// operations.
var SupplementalDataTypes = []string{
	"chartOfAccounts", "bills", "company", "creditNotes", "customers", "invoices", "items", "journalEntries",
	"suppliers", "taxRates", "commerce-companyInfo", "commerce-customers", "commerce-disputes",
	"commerce-locations", "commerce-orders", "commerce-payments", "commerce-paymentMethods", "commerce-products",
	"commerce-productCategories", "commerce-taxComponents", "commerce-transactions",
}

// SupplementalDataConfiguration is GET/PUT
// /integrations/{platformKey}/dataTypes/{dataType}/supplementalDataConfig:
// for one platform and data type, the extra properties to read and write,
// keyed by a name the client chooses for each source object (docs
// using-the-api/supplemental-data/overview.md).
type SupplementalDataConfiguration struct {
	SupplementalDataConfig map[string]SupplementalDataSource `json:"supplementalDataConfig"`
}

// SupplementalDataSource is one source object: the platform endpoint and,
// for reads and writes, the client's name for each platform property
// (dot notation reaches nested properties). Codat validates none of it.
type SupplementalDataSource struct {
	DataSource string            `json:"dataSource,omitempty"`
	PullData   map[string]string `json:"pullData,omitempty"`
	PushData   map[string]string `json:"pushData,omitempty"`
}

// GetSupplementalDataConfig returns the configuration for a platform and
// data type (get-supplemental-data-configuration); an empty map when none is
// set.
func (c *Client) GetSupplementalDataConfig(ctx context.Context, platformKey, dataType string) (*SupplementalDataConfiguration, error) {
	path, err := supplementalPath(platformKey, dataType)
	if err != nil {
		return nil, err
	}
	var out SupplementalDataConfiguration
	cl := call{operation: "get-supplemental-data-configuration", method: http.MethodGet, path: path, safety: replaySafe}
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	if out.SupplementalDataConfig == nil {
		out.SupplementalDataConfig = map[string]SupplementalDataSource{}
	}
	return &out, nil
}

// SetSupplementalDataConfig replaces the configuration for a platform and
// data type (configure-supplemental-data, PUT; 200 with no body). An empty
// map resets it, as the docs describe. Retried like a read: it replaces.
func (c *Client) SetSupplementalDataConfig(ctx context.Context, platformKey, dataType string, config map[string]SupplementalDataSource) error {
	path, err := supplementalPath(platformKey, dataType)
	if err != nil {
		return err
	}
	if config == nil {
		config = map[string]SupplementalDataSource{}
	}
	cl := call{operation: "configure-supplemental-data", method: http.MethodPut, path: path,
		body: SupplementalDataConfiguration{SupplementalDataConfig: config}, safety: replaySafe}
	return c.do(ctx, cl, nil)
}

func supplementalPath(platformKey, dataType string) (string, error) {
	return escapePath("/integrations/{platformKey}/dataTypes/{dataType}/supplementalDataConfig",
		param{"platformKey", platformKey}, param{"dataType", dataType})
}

// MergeSupplementalDataConfig changes the named sources of a platform and
// data type and keeps the others, by read-modify-write: a GET, and a PUT
// unless nothing changes. A nil source removes its name. When before is not
// nil, it records each changed name's source as it was before its first
// change (nil: the name was not there), so that merging before puts them
// back. It returns the whole configuration as sent (or as read, when
// nothing changed).
func (c *Client) MergeSupplementalDataConfig(ctx context.Context, platformKey, dataType string, sources, before map[string]*SupplementalDataSource) (map[string]SupplementalDataSource, error) {
	current, err := c.GetSupplementalDataConfig(ctx, platformKey, dataType)
	if err != nil {
		return nil, err
	}
	config := maps.Clone(current.SupplementalDataConfig)
	for name, source := range sources {
		if before != nil {
			if _, recorded := before[name]; !recorded {
				before[name] = nil
				if was, ok := config[name]; ok {
					before[name] = &was
				}
			}
		}
		if source == nil {
			delete(config, name)
		} else {
			config[name] = *source
		}
	}
	if reflect.DeepEqual(config, current.SupplementalDataConfig) {
		return config, nil
	}
	return config, c.SetSupplementalDataConfig(ctx, platformKey, dataType, config)
}
