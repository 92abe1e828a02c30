package codat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Catalogue is Codat's integrations catalogue, read at most once: it is the
// same for every company, and one request lists it whole. A failed read is
// not kept, so a later caller tries again.
type Catalogue struct {
	client *Client

	mu   sync.Mutex
	list []Integration
}

// NewCatalogue reads the catalogue through client on first use.
func (c *Client) NewCatalogue() *Catalogue { return &Catalogue{client: c} }

// Integrations returns the whole catalogue. Callers must not modify it.
func (c *Catalogue) Integrations(ctx context.Context) ([]Integration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.list != nil {
		return c.list, nil
	}
	list, err := c.client.ListIntegrations(ctx, ListOptions{})
	if err != nil {
		return nil, err
	}
	c.list = list
	return list, nil
}

// CheckPlatform returns a *PlatformError unless platformKey is an enabled
// platform of the catalogue.
func (c *Catalogue) CheckPlatform(ctx context.Context, platformKey string) error {
	list, err := c.Integrations(ctx)
	if err != nil {
		return err
	}
	return CheckPlatform(list, platformKey)
}

// PlatformKeys maps integrationId to platform key for the connections whose
// integrationKey Codat left out (the spec makes it optional). It costs the
// catalogue (once) only when one is missing; nil means none is.
func (c *Catalogue) PlatformKeys(ctx context.Context, conns ...Connection) (PlatformKeys, error) {
	if !slices.ContainsFunc(conns, func(conn Connection) bool { return conn.IntegrationKey == "" }) {
		return nil, nil
	}
	list, err := c.Integrations(ctx)
	if err != nil {
		return nil, err
	}
	keys := make(PlatformKeys, len(list))
	for _, in := range list {
		if in.IntegrationID != "" {
			keys[in.IntegrationID] = in.Key
		}
	}
	return keys, nil
}

// PlatformKeys maps an integrationId to its platform key.
type PlatformKeys map[string]string

// PlatformKey is the connection's 4-letter platform key: integrationKey, or
// else the catalogue's key for its integrationId ("" when neither is known).
func (conn Connection) PlatformKey(keys PlatformKeys) string {
	if conn.IntegrationKey != "" {
		return conn.IntegrationKey
	}
	return keys[conn.IntegrationID]
}

// PlatformError says why a platform key cannot be connected to: it is not in
// the catalogue, or it is disabled for this client.
type PlatformError struct {
	Key string
	// Integration is the platform when it exists but is disabled.
	Integration *Integration
	// Suggestions are the platforms the caller most likely meant.
	Suggestions []Integration
}

// Disabled reports a platform that exists but is disabled.
func (e *PlatformError) Disabled() bool { return e.Integration != nil }

func (e *PlatformError) Error() string {
	var s string
	if e.Disabled() {
		s = fmt.Sprintf("The platform %q (%s) is disabled for this Codat client. Enable it in the Codat Portal (Settings > Integrations), or choose an enabled platform.",
			e.Key, e.Integration.Name)
	} else {
		s = fmt.Sprintf("Codat has no platform (integration) with the key %q.", e.Key)
	}
	if len(e.Suggestions) > 0 {
		s += fmt.Sprintf(" Did you mean %s?", FormatIntegrations(e.Suggestions))
	}
	return s
}

// CheckPlatform returns a *PlatformError unless platformKey is an enabled
// platform of catalogue. An unknown key is given the nearest keys; a
// disabled one the nearest enabled platforms.
func CheckPlatform(catalogue []Integration, platformKey string) error {
	in, ok := FindIntegration(catalogue, platformKey)
	switch {
	case !ok:
		return &PlatformError{Key: platformKey, Suggestions: LikelyIntegrations(catalogue, platformKey, 3)}
	case in.Enabled:
		return nil
	}
	enabled := slices.DeleteFunc(LikelyIntegrations(catalogue, platformKey, 6), func(i Integration) bool { return !i.Enabled })
	return &PlatformError{Key: platformKey, Integration: &in, Suggestions: enabled[:min(3, len(enabled))]}
}

// ReadsDataType says whether the catalogue entry shows the platform reading
// dataType: not when its datatypeFeatures give the data type's Get as
// NotSupported or NotImplemented (the spec's featureState). known is false
// when they do not list it: the spec makes datatypeFeatures optional, and an
// entry may leave data types out.
func (in Integration) ReadsDataType(dataType string) (reads, known bool) {
	for _, f := range in.DatatypeFeatures {
		if f.DataType != dataType {
			continue
		}
		for _, s := range f.SupportedFeatures {
			if strings.EqualFold(s.FeatureType, "Get") {
				return !strings.EqualFold(s.FeatureState, "NotSupported") && !strings.EqualFold(s.FeatureState, "NotImplemented"), true
			}
		}
	}
	return false, false
}

// UnreadDataTypes returns, of dataTypes, those that the catalogue shows no
// platform of conns reading (see ReadsDataType), which Codat refuses to
// queue with 404 (using-the-api/errors.md), with the platforms' names. A
// data type a platform may read is left out, so an empty answer proves
// nothing. Queueing goes through a given connection, or else through every
// Linked one: pass those.
func (c *Catalogue) UnreadDataTypes(ctx context.Context, conns []Connection, dataTypes []string) ([]UnsupportedDataType, error) {
	if len(conns) == 0 {
		return nil, nil
	}
	list, err := c.Integrations(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := c.PlatformKeys(ctx, conns...)
	if err != nil {
		return nil, err
	}
	var out []UnsupportedDataType
	for _, dataType := range dataTypes {
		var names []string
		for _, conn := range conns {
			in, ok := FindIntegration(list, conn.PlatformKey(keys))
			if reads, known := in.ReadsDataType(dataType); !ok || !known || reads {
				names = nil
				break
			}
			if !slices.Contains(names, in.Name) {
				names = append(names, in.Name)
			}
		}
		if len(names) > 0 {
			out = append(out, UnsupportedDataType{DataType: dataType, Platforms: strings.Join(names, ", ")})
		}
	}
	return out, nil
}

// QueueConnections are the connections a queue request for the company goes
// through: connectionID's, or else every Linked one.
func QueueConnections(company *Company, connectionID string) []Connection {
	if connectionID != "" {
		if conn := company.FindConnection(connectionID); conn != nil {
			return []Connection{*conn}
		}
		return nil
	}
	var out []Connection
	for _, conn := range company.DataConnections {
		if conn.Status == StatusLinked {
			out = append(out, conn)
		}
	}
	return out
}
