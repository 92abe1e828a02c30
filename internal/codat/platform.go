package codat

import (
	"cmp"
	"context"
	"fmt"
	"strings"
)

// The rules for the one connection a caller manages on a company (the
// connection to the platform it was asked to connect): which existing
// connection to adopt instead of making another, and what happens to the
// old one when the platform changes. Nothing that is or was linked is ever
// deleted: it holds the business's data (core-concepts/connections.md).

// FindConnection returns the company's connection with id, or nil.
func (c *Company) FindConnection(id string) *Connection {
	for i := range c.DataConnections {
		if c.DataConnections[i].ID == id {
			return &c.DataConnections[i]
		}
	}
	return nil
}

// ConnectionIDs is the ids of the company's connections, in order.
func (c *Company) ConnectionIDs() []string {
	ids := make([]string, len(c.DataConnections))
	for i, conn := range c.DataConnections {
		ids[i] = conn.ID
	}
	return ids
}

// AdoptableConnection is the company's connection to platformKey to manage
// instead of creating another: any that is not Unlinked, preferring Linked,
// then Deauthorized, then PendingAuth, then the oldest.
func (c *Company) AdoptableConnection(platformKey string, keys PlatformKeys) *Connection {
	var best *Connection
	for i := range c.DataConnections {
		conn := &c.DataConnections[i]
		if conn.Status == StatusUnlinked || conn.PlatformKey(keys) != platformKey {
			continue
		}
		if best == nil || cmp.Or(cmp.Compare(conn.Status.adoptionRank(), best.Status.adoptionRank()),
			strings.Compare(conn.Created, best.Created), strings.Compare(conn.ID, best.ID)) < 0 {
			best = conn
		}
	}
	return best
}

// ConnectPlatform returns the company's connection to platformKey: one it
// has that can be adopted (AdoptableConnection), or else a new one, created
// once (CreateConnectionOnce). A new connection is added to
// company.DataConnections. Nothing is created once ctx has ended.
func (c *Client) ConnectPlatform(ctx context.Context, company *Company, platformKey string, catalogue *Catalogue) (*Connection, error) {
	keys, err := catalogue.PlatformKeys(ctx, company.DataConnections...)
	if err != nil {
		return nil, fmt.Errorf("looking up the platforms of the company's connections: %w", err)
	}
	if adopt := company.AdoptableConnection(platformKey, keys); adopt != nil {
		return adopt, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w (%w)", errCreateStopped, err)
	}
	conn, err := c.CreateConnectionOnce(ctx, company.ID, platformKey, company.ConnectionIDs())
	if err != nil {
		return nil, &ConnectError{PlatformKey: platformKey, Err: err, KeptAccounting: keptAccounting(ctx, company, platformKey, catalogue)}
	}
	company.DataConnections = append(company.DataConnections, *conn)
	return conn, nil
}

// ConnectError is a connection to PlatformKey that could not be made.
type ConnectError struct {
	PlatformKey string
	Err         error
	// KeptAccounting is a connection to another accounting platform that is
	// not Unlinked, when PlatformKey is an accounting platform too: Codat
	// allows one active accounting connection per company, so it is the
	// likely reason. Nil otherwise.
	KeptAccounting *Connection
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("creating a connection to %s: %v", e.PlatformKey, e.Err)
}

func (e *ConnectError) Unwrap() error { return e.Err }

func keptAccounting(ctx context.Context, company *Company, platformKey string, catalogue *Catalogue) *Connection {
	list, err := catalogue.Integrations(ctx)
	if err != nil {
		return nil
	}
	if in, ok := FindIntegration(list, platformKey); !ok || in.SourceType != SourceTypeAccounting {
		return nil
	}
	for i := range company.DataConnections {
		conn := &company.DataConnections[i]
		if conn.SourceType == SourceTypeAccounting && conn.Status != StatusUnlinked {
			return conn
		}
	}
	return nil
}

// SwitchPlatform moves the managed connection of company from managedID
// (possibly none) to platformKey (possibly none), in this order:
//
//  1. the connection to adopt is an existing one to the new platform that is
//     not Unlinked (AdoptableConnection);
//  2. the previously managed connection is deleted only if it was never
//     linked (PendingAuth) and is not the one adopted; linked, deauthorised
//     and unlinked ones are kept, with their data. Deleting first lets the
//     new connection be made where Codat allows one accounting connection
//     per company;
//  3. with nothing to adopt, a connection to the new platform is created.
//
// The old connection's status is the one in company, read just before, so a
// business authorising in the moment between that read and the delete is
// the only way a linked connection could be lost.
//
// It keeps company.DataConnections up to date and returns the new managed
// connection (nil for none). A *ConnectError means the old connection was
// released and the new one could not be made; any other error means nothing
// changed.
func (c *Client) SwitchPlatform(ctx context.Context, company *Company, managedID, platformKey string, catalogue *Catalogue) (*Connection, error) {
	keys, err := catalogue.PlatformKeys(ctx, company.DataConnections...)
	if err != nil {
		return nil, fmt.Errorf("looking up the platforms of the company's connections: %w", err)
	}
	var adopt *Connection
	if platformKey != "" {
		adopt = company.AdoptableConnection(platformKey, keys)
	}
	if old := company.FindConnection(managedID); old != nil && old.Status.NeverLinked() && (adopt == nil || adopt.ID != old.ID) {
		if err := c.DeleteConnection(ctx, company.ID, old.ID); err != nil && !IsNotFound(err) {
			return nil, fmt.Errorf("deleting the unused connection %s of company %s: %w", old.ID, company.ID, err)
		}
		adoptID := ""
		if adopt != nil {
			adoptID = adopt.ID
		}
		company.removeConnection(old.ID)
		adopt = company.FindConnection(adoptID)
	}
	switch {
	case adopt != nil:
		return adopt, nil
	case platformKey == "":
		return nil, nil
	}
	return c.ConnectPlatform(ctx, company, platformKey, catalogue)
}

func (c *Company) removeConnection(id string) {
	kept := c.DataConnections[:0:0]
	for _, conn := range c.DataConnections {
		if conn.ID != id {
			kept = append(kept, conn)
		}
	}
	c.DataConnections = kept
}

// Release is what ReleaseConnection did with a connection.
type Release string

// What ReleaseConnection can do.
const (
	// ReleaseGone: the connection (or its company) no longer exists.
	ReleaseGone Release = "gone"
	// ReleaseDeleted: the connection was deleted.
	ReleaseDeleted Release = "deleted"
	// ReleaseUnlinked: the connection was Linked and is now Unlinked; Codat
	// keeps the data read through it.
	ReleaseUnlinked Release = "unlinked"
	// ReleaseKept: the connection is left as it was, Deauthorized or
	// Unlinked, with its data.
	ReleaseKept Release = "kept"
)

// ReleaseConnection gives up a connection a caller managed, so that nothing
// the business linked loses its data unless the caller asks (deleteLinked):
//
//   - PendingAuth (never linked) is deleted: it holds no data;
//   - Linked is unlinked: access ends, and Codat keeps the data already read
//     (core-concepts/connections.md, "Disconnect a data connection");
//   - Deauthorized and Unlinked are kept as they are, with no request: the
//     same page says only Linked connections can be unlinked, neither gives
//     access any more, and both keep the data already read, so unlinking is
//     refused and deleting would lose that data;
//   - with deleteLinked, the connection is deleted whatever its status.
//
// The status is read first (one GET), not taken from the caller, so a
// business that authorised after the caller last looked is unlinked, not
// deleted. It returns what it did and the status the connection had.
func (c *Client) ReleaseConnection(ctx context.Context, companyID, connectionID string, deleteLinked bool) (Release, ConnectionStatus, error) {
	var status ConnectionStatus
	if !deleteLinked {
		conn, err := c.GetConnection(ctx, companyID, connectionID)
		switch {
		case IsNotFound(err):
			return ReleaseGone, "", nil
		case err != nil:
			return "", "", err
		}
		status = conn.Status
		switch {
		case status == StatusLinked:
			if _, err := c.UnlinkConnection(ctx, companyID, connectionID); err != nil {
				return "", status, err
			}
			return ReleaseUnlinked, status, nil
		case !status.NeverLinked():
			return ReleaseKept, status, nil
		}
	}
	err := c.DeleteConnection(ctx, companyID, connectionID)
	switch {
	case IsNotFound(err):
		return ReleaseGone, status, nil
	case err != nil:
		return "", status, err
	}
	return ReleaseDeleted, status, nil
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
