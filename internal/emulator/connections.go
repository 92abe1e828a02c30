package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var connectionList = listSpec{resource: "DataConnection", service: servicePublicAPI}

// platformKeyPattern is the spec's platformKey schema.
var platformKeyPattern = regexp.MustCompile(`^[a-z]{4}$`)

// connectionView renders a connection as Codat returns it; call with s.mu
// held. lastSync is the completion of its latest successful pull.
func (s *store) connectionView(c *companyRecord, conn *connectionRecord, base string, now time.Time) codat.Connection {
	out := codat.Connection{
		ID:             conn.ID,
		IntegrationID:  conn.IntegrationID,
		IntegrationKey: conn.IntegrationKey,
		SourceID:       conn.SourceID,
		SourceType:     conn.SourceType,
		PlatformName:   conn.PlatformName,
		LinkURL:        connectionLinkURL(base, c.ID, conn.ID),
		Status:         conn.Status,
		Created:        formatTime(conn.Created),
	}
	if last := s.lastSuccessfulSync(c, conn.ID, now); !last.IsZero() {
		out.LastSync = formatTime(last)
	}
	if len(conn.Errors) > 0 {
		out.DataConnectionErrors = slices.Clone(conn.Errors)
	}
	return out
}

// connectionLinkURL mirrors Codat's https://link-api.codat.io/companies/<cid>/connections/<id>/start.
func connectionLinkURL(base, companyID, connectionID string) string {
	return base + "/link/companies/" + companyID + "/connections/" + connectionID + "/start"
}

func (s *store) listConnections(companyID, base string) ([]codat.Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]codat.Connection, 0, len(c.Connections))
	for _, conn := range c.Connections {
		out = append(out, s.connectionView(c, conn, base, now))
	}
	return out, nil
}

func (s *store) getConnection(companyID, connectionID, base string) (codat.Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return codat.Connection{}, err
	}
	conn, err := c.connection(connectionID)
	if err != nil {
		return codat.Connection{}, err
	}
	return s.connectionView(c, conn, base, s.now()), nil
}

// createConnection adds a PendingAuth connection to an enabled platform.
// Codat answers an unknown or disabled platform with an error; the emulator
// uses 400 with a message naming the key (the spec lists no 400 here, but a
// bad key is a bad request, and 404 would read as "company not found").
func (s *store) createConnection(companyID, platformKey, base string) (codat.Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return codat.Connection{}, err
	}
	conn, err := s.addConnectionLocked(c, platformKey)
	if err != nil {
		return codat.Connection{}, err
	}
	s.emitConnectionLocked(codat.EventConnectionCreated, c, conn)
	s.changed()
	return s.connectionView(c, conn, base, s.now()), nil
}

// addConnectionLocked adds a PendingAuth connection to platformKey, which
// must be an enabled platform; call with s.mu held.
func (s *store) addConnectionLocked(c *companyRecord, platformKey string) (*connectionRecord, error) {
	if !platformKeyPattern.MatchString(platformKey) {
		return nil, badRequest(servicePublicAPI, "Error processing request - not valid.",
			codat.ValidationItem{ItemID: "platformKey", ValidatorName: "PlatformKey",
				Message: fmt.Sprintf("platformKey must be four lower-case letters (see GET /integrations), got %q.", platformKey)})
	}
	in, ok := integrationByKey(platformKey)
	if !ok {
		return nil, badRequest(servicePublicAPI, fmt.Sprintf("Integration '%s' does not exist", platformKey))
	}
	if !in.Enabled {
		return nil, badRequest(servicePublicAPI, fmt.Sprintf("Integration '%s' is not enabled", platformKey))
	}
	conn := &connectionRecord{
		ID:             uuid.NewString(),
		IntegrationKey: in.Key,
		IntegrationID:  in.IntegrationID,
		SourceID:       in.SourceID,
		SourceType:     in.SourceType,
		PlatformName:   in.Name,
		Status:         codat.StatusPendingAuth,
		Created:        s.now(),
	}
	c.Connections = append(c.Connections, conn)
	return conn, nil
}

// unlinkConnection is PATCH: the public API only lets a client unlink, and
// "only Linked data connections can be unlinked" (core-concepts/
// connections.md). Unlinking an Unlinked connection again changes nothing.
// The docs do not say what Codat answers for PendingAuth or Deauthorized;
// the emulator refuses with 400, naming the status.
func (s *store) unlinkConnection(companyID, connectionID string, status codat.ConnectionStatus, base string) (codat.Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return codat.Connection{}, err
	}
	conn, err := c.connection(connectionID)
	if err != nil {
		return codat.Connection{}, err
	}
	if status != codat.StatusUnlinked {
		return codat.Connection{}, badRequest(servicePublicAPI, "Error processing request - not valid.",
			codat.ValidationItem{ItemID: "status", ValidatorName: "UpdateConnectionStatus",
				Message: fmt.Sprintf("status can only be set to %q, got %q.", codat.StatusUnlinked, status)})
	}
	switch conn.Status {
	case codat.StatusLinked:
		prev := conn.Status
		conn.Status = codat.StatusUnlinked
		s.connectionStatusChangedLocked(c, conn, prev)
		s.changed()
	case codat.StatusUnlinked:
	default:
		return codat.Connection{}, badRequest(servicePublicAPI, "Error processing request - not valid.",
			codat.ValidationItem{ItemID: "status", ValidatorName: "UpdateConnectionStatus",
				Message: fmt.Sprintf("Only Linked data connections can be unlinked; connection %s is %s.", conn.ID, conn.Status)})
	}
	return s.connectionView(c, conn, base, s.now()), nil
}

// deleteConnection removes the connection. Its pull history stays, as the
// data already fetched stays in Codat's cache.
func (s *store) deleteConnection(companyID, connectionID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return err
	}
	conn, err := c.connection(connectionID)
	if err != nil {
		return err
	}
	s.emitConnectionLocked(codat.EventConnectionDeleted, c, conn)
	c.Connections = slices.DeleteFunc(c.Connections, func(conn *connectionRecord) bool { return conn.ID == connectionID })
	s.changed()
	return nil
}

// setConnectionStatus changes a status out of band (a control endpoint),
// as when a platform revokes access. Deauthorizing records an active
// connection error, which a later authorisation resolves.
func (s *store) setConnectionStatus(companyID, connectionID string, status codat.ConnectionStatus) error {
	if !slices.Contains(codat.ConnectionStatuses, status) {
		return badRequest(serviceEmulator, fmt.Sprintf("status must be one of %v, got %q", codat.ConnectionStatuses, status))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return err
	}
	conn, err := c.connection(connectionID)
	if err != nil {
		return err
	}
	if status == codat.StatusLinked && conn.Status != codat.StatusLinked {
		s.linkLocked(c, conn)
		s.changed()
		return nil
	}
	if status == codat.StatusDeauthorized && conn.Status != codat.StatusDeauthorized {
		conn.Errors = append(conn.Errors, codat.ConnectionError{
			StatusCode:   "401",
			StatusText:   "Unauthorized",
			ErrorMessage: "The platform revoked Codat's access to this connection. The business must authorise it again through its link URL.",
			ErroredOnUtc: formatTime(s.now()),
			Status:       "Active",
		})
	}
	prev := conn.Status
	conn.Status = status
	s.connectionStatusChangedLocked(c, conn, prev)
	s.changed()
	return nil
}

// authorize is what the link page's Authorise button does: the connection
// becomes Linked and, if it was not already, its first sync starts.
func (s *store) authorize(companyID, connectionID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return err
	}
	conn, err := c.connection(connectionID)
	if err != nil {
		return err
	}
	if conn.Status == codat.StatusLinked {
		return nil
	}
	s.linkLocked(c, conn)
	s.changed()
	return nil
}

// linkLocked links conn, resolves its active errors and queues the data
// types fetched on first link.
func (s *store) linkLocked(c *companyRecord, conn *connectionRecord) {
	now := s.now()
	prev := conn.Status
	conn.Status = codat.StatusLinked
	for i := range conn.Errors {
		if conn.Errors[i].Status == "Active" {
			conn.Errors[i].Status = "Resolved"
			conn.Errors[i].ResolvedOnUtc = formatTime(now)
		}
	}
	pulls := s.queueFirstLinkPulls(c, conn, now)
	s.connectionStatusChangedLocked(c, conn, prev)
	s.noteReadLocked(c, pulls, true)
}

func (e *Emulator) handleListConnections(w http.ResponseWriter, r *http.Request) {
	items, err := e.store.listConnections(r.PathValue("companyId"), e.baseURL(r))
	if err != nil {
		writeError(w, err)
		return
	}
	respondList(w, r, connectionList, items, nil)
}

func (e *Emulator) handleCreateConnection(w http.ResponseWriter, r *http.Request) {
	var req codat.CreateConnectionRequest
	if err := decodeJSON(r, servicePublicAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	conn, err := e.store.createConnection(r.PathValue("companyId"), req.PlatformKey, e.baseURL(r))
	reply(w, http.StatusOK, conn, err)
}

func (e *Emulator) handleGetConnection(w http.ResponseWriter, r *http.Request) {
	conn, err := e.store.getConnection(r.PathValue("companyId"), r.PathValue("connectionId"), e.baseURL(r))
	reply(w, http.StatusOK, conn, err)
}

func (e *Emulator) handleUnlinkConnection(w http.ResponseWriter, r *http.Request) {
	var req codat.UpdateConnectionStatus
	if err := decodeJSON(r, servicePublicAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	conn, err := e.store.unlinkConnection(r.PathValue("companyId"), r.PathValue("connectionId"), req.Status, e.baseURL(r))
	reply(w, http.StatusOK, conn, err)
}

// handleDeleteConnection answers 200 with no body, as Codat does.
func (e *Emulator) handleDeleteConnection(w http.ResponseWriter, r *http.Request) {
	if err := e.store.deleteConnection(r.PathValue("companyId"), r.PathValue("connectionId")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// SetConnectionStatus sets a connection's status out of band, as a platform
// or business could (e.g. Deauthorized when access is revoked). Setting
// Linked on a connection that was not linked behaves like Authorize.
func (e *Emulator) SetConnectionStatus(companyID, connectionID string, status codat.ConnectionStatus) error {
	return e.store.setConnectionStatus(companyID, connectionID, status)
}

// Authorize does what the link page's Authorise button does: the connection
// becomes Linked and its first sync is queued.
func (e *Emulator) Authorize(companyID, connectionID string) error {
	return e.store.authorize(companyID, connectionID)
}
