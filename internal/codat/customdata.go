package codat

import (
	"context"
	"net/http"
)

// CustomDataTypeConfig is GET/PUT
// /integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}: a
// data type outside Codat's model, read from one platform endpoint (docs
// using-the-api/custom-data.md). DataSource and KeyBy are required; Codat
// validates none of the values. There is no delete: a configuration, once
// made, can only be replaced.
type CustomDataTypeConfig struct {
	// DataSource is the platform endpoint, query included.
	DataSource string `json:"dataSource"`
	// RequiredData maps the client's field names to JSONPaths into the
	// platform's records (no nested objects or arrays).
	RequiredData map[string]string `json:"requiredData,omitempty"`
	// KeyBy are the JSONPaths that identify a record.
	KeyBy []string `json:"keyBy"`
	// SourceModifiedDate are the JSONPaths of a record's last modification.
	SourceModifiedDate []string `json:"sourceModifiedDate,omitempty"`
}

// GetCustomDataType returns a custom data type's configuration for a
// platform (get-custom-data-type-configuration); 404 when it has none. The
// spec's 200 schema is CustomDataTypeRecords, but the docs and the PUT's
// answer describe the configuration, which is what this decodes.
func (c *Client) GetCustomDataType(ctx context.Context, platformKey, customDataIdentifier string) (*CustomDataTypeConfig, error) {
	path, err := customDataPath(platformKey, customDataIdentifier)
	if err != nil {
		return nil, err
	}
	return c.customDataCall(ctx, call{operation: "get-custom-data-type-configuration", method: http.MethodGet,
		path: path, safety: replaySafe})
}

// ConfigureCustomDataType creates or replaces a custom data type for a
// platform (configure-custom-data-type, PUT) and returns the stored
// configuration. Retried like a read: it replaces.
func (c *Client) ConfigureCustomDataType(ctx context.Context, platformKey, customDataIdentifier string, config CustomDataTypeConfig) (*CustomDataTypeConfig, error) {
	path, err := customDataPath(platformKey, customDataIdentifier)
	if err != nil {
		return nil, err
	}
	if config.KeyBy == nil {
		config.KeyBy = []string{} // an array, as the spec requires, for Codat to refuse as empty
	}
	return c.customDataCall(ctx, call{operation: "configure-custom-data-type", method: http.MethodPut, path: path,
		body: config, safety: replaySafe})
}

func (c *Client) customDataCall(ctx context.Context, cl call) (*CustomDataTypeConfig, error) {
	var out CustomDataTypeConfig
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func customDataPath(platformKey, customDataIdentifier string) (string, error) {
	return escapePath("/integrations/{platformKey}/dataTypes/custom/{customDataIdentifier}",
		param{"platformKey", platformKey}, param{"customDataIdentifier", customDataIdentifier})
}
