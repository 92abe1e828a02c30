package emulator

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Webhook events: what the emulator sends, and when. Each event becomes one
// delivery per consumer that hears it (enabled, subscribed to the event
// type, and matching the company's tags: codat.CompanyTagsMatch), at the
// moment the action happens. A consumer created afterwards does not get
// earlier events, as Codat's consumers do not (the portal's replay is not
// emulated).
//
//	company.created          POST /companies
//	company.deleted          DELETE /companies/{id} (no connection.deleted for its connections)
//	connection.created       POST /companies/{id}/connections, or a platform chosen on the link page
//	connection.connected     a connection linked for the first time: Authorise on the link page,
//	                         or the control API's authorize or status Linked
//	connection.reconnected   a connection linked again after it was Unlinked or Deauthorized
//	connection.disconnected  a Linked connection unlinked (PATCH) or set Unlinked or Deauthorized
//	                         on the control API
//	connection.deleted       DELETE /companies/{id}/connections/{id}
//	read.completed           every pull queued together (on link, data/all, data/queue) has ended
//	read.completed.initial   the same, for the pulls queued when a connection was linked, if at
//	                         least one completed
//
// Not sent: connection.failed (nothing in the emulator fails to link),
// client.rateLimit.* (faults are not Codat's quota), company.product.*,
// {dataType}.write.* (no writes) and the solution events.

// Delivery statuses, as Codat's portal names them (docs
// using-the-api/webhooks/troubleshooting.md, "Message Status").
const (
	DeliverySending    = "Sending"    // no attempt yet
	DeliveryAttempting = "Attempting" // failed so far; another attempt is scheduled
	DeliverySuccess    = "Success"    // an attempt got a 2xx
	DeliveryFailure    = "Failure"    // every attempt failed
)

// maxFinishedDeliveries bounds the delivery log: beyond it the oldest
// finished deliveries are dropped.
const maxFinishedDeliveries = 1000

// pendingRead is a batch of pulls whose read.completed is due once they have
// all ended. Their outcomes and timings are fixed when they are queued, so
// Due is known then.
type pendingRead struct {
	CompanyID string    `json:"companyId"`
	PullIDs   []string  `json:"pullIds"`
	Initial   bool      `json:"initial,omitempty"`
	Due       time.Time `json:"due"`
}

// hasConsumersLocked reports whether any consumer exists; call with s.mu held.
func (s *store) hasConsumersLocked() bool { return len(s.data.Client.WebhookConsumers) > 0 }

// emitLocked queues event for every consumer that hears it; call with s.mu
// held. tags are the company's (nil for events without a company).
func (s *store) emitLocked(eventType, companyID string, tags map[string]string, payload any, generated time.Time) {
	var targets []*webhookConsumerRecord
	for _, c := range s.data.Client.WebhookConsumers {
		if !c.Disabled && slices.Contains(c.EventTypes, eventType) && codat.CompanyTagsMatch(c.CompanyTags, tags) {
			targets = append(targets, c)
		}
	}
	if len(targets) == 0 {
		return
	}
	eventID := uuid.NewString()
	body, err := encodeEvent(eventID, eventType, payload, generated)
	if err != nil {
		s.log.Warn("codat emulator: encoding a webhook event failed", "eventType", eventType, "err", err)
		return
	}
	messageID := "msg_" + randomAlphanumeric(27) // Svix's message id form
	now := s.now()
	for _, c := range targets {
		s.data.Client.WebhookDeliveries = append(s.data.Client.WebhookDeliveries, &WebhookDelivery{
			MessageID:   messageID,
			EventID:     eventID,
			EventType:   eventType,
			CompanyID:   companyID,
			ConsumerID:  c.ID,
			URL:         c.URL,
			Status:      DeliverySending,
			Created:     now,
			NextAttempt: now,
			Attempts:    []WebhookAttempt{},
			Payload:     body,
		})
	}
	s.pruneDeliveriesLocked()
	if s.client.kick != nil {
		s.client.kick()
	}
}

// encodeEvent renders the envelope once: every consumer and attempt gets
// the same bytes, which is what the signature covers. Links read "&", as in
// Codat's bodies (see writeJSON).
func encodeEvent(eventID, eventType string, payload any, generated time.Time) (json.RawMessage, error) {
	raw, err := marshalUnescaped(payload)
	if err != nil {
		return nil, err
	}
	return marshalUnescaped(codat.WebhookEvent{ID: eventID, EventType: eventType,
		GeneratedDate: formatTime(generated), Payload: raw})
}

func (s *store) pruneDeliveriesLocked() {
	finished := 0
	for _, d := range s.data.Client.WebhookDeliveries {
		if d.NextAttempt.IsZero() {
			finished++
		}
	}
	for i := 0; finished > maxFinishedDeliveries && i < len(s.data.Client.WebhookDeliveries); {
		if d := s.data.Client.WebhookDeliveries[i]; d.NextAttempt.IsZero() && !d.inFlight {
			s.data.Client.WebhookDeliveries = slices.Delete(s.data.Client.WebhookDeliveries, i, i+1)
			finished--
			continue
		}
		i++
	}
}

// companyReference is the referenceCompany of connection and read events.
func companyReference(c *companyRecord) codat.CompanyReference {
	return codat.CompanyReference{ID: c.ID, Name: c.Name, Description: c.Description, Tags: copyTags(c.Tags)}
}

// emitCompanyLocked sends a company.* event with the company as Codat's
// companyDetails (no connections); call with s.mu held.
func (s *store) emitCompanyLocked(eventType string, c *companyRecord) {
	if !s.hasConsumersLocked() {
		return
	}
	s.emitDueReadsLocked(s.now())
	details := s.companyView(c, s.publicBase())
	details.DataConnections = nil
	s.emitLocked(eventType, c.ID, c.Tags, details, s.now())
}

// emitConnectionLocked sends a connection.* event; call with s.mu held.
func (s *store) emitConnectionLocked(eventType string, c *companyRecord, conn *connectionRecord) {
	if !s.hasConsumersLocked() {
		return
	}
	now := s.now()
	s.emitDueReadsLocked(now)
	payload := codat.ConnectionEventPayload{
		ReferenceCompany: companyReference(c),
		Connection:       s.connectionView(c, conn, s.publicBase(), now),
	}
	s.emitLocked(eventType, c.ID, c.Tags, payload, now)
}

// connectionStatusChangedLocked sends the event for a status change from
// prev to conn's status, if there is one; call with s.mu held.
func (s *store) connectionStatusChangedLocked(c *companyRecord, conn *connectionRecord, prev codat.ConnectionStatus) {
	switch {
	case conn.Status == prev:
	case conn.Status == codat.StatusLinked && (prev == codat.StatusUnlinked || prev == codat.StatusDeauthorized):
		s.emitConnectionLocked(codat.EventConnectionReconnected, c, conn)
	case conn.Status == codat.StatusLinked:
		s.emitConnectionLocked(codat.EventConnectionConnected, c, conn)
	case prev == codat.StatusLinked && (conn.Status == codat.StatusUnlinked || conn.Status == codat.StatusDeauthorized):
		s.emitConnectionLocked(codat.EventConnectionDisconnected, c, conn)
	}
}

// noteReadLocked remembers pulls queued together, for their read.completed
// (and read.completed.initial when initial); call with s.mu held. Nothing
// is remembered while there is no consumer to tell.
func (s *store) noteReadLocked(c *companyRecord, pulls []*pullRecord, initial bool) {
	if len(pulls) == 0 || !s.hasConsumersLocked() {
		return
	}
	read := &pendingRead{CompanyID: c.ID, Initial: initial}
	for _, p := range pulls {
		read.PullIDs = append(read.PullIDs, p.ID)
		if done := p.Requested.Add(2 * s.syncStep); done.After(read.Due) {
			read.Due = done
		}
	}
	s.data.Client.PendingReads = append(s.data.Client.PendingReads, read)
	if s.client.kick != nil {
		s.client.kick()
	}
}

// emitDueReadsLocked sends the read events whose pulls have all ended by
// now, and returns the earliest Due still pending (zero if none); call with
// s.mu held. Every other event sends the due reads first, so events keep
// the order in which things happened, and a company deleted after its pulls
// ended still gets its read events first; one deleted while its pulls ran
// gets none.
func (s *store) emitDueReadsLocked(now time.Time) (next time.Time, emitted bool) {
	// data/all refreshes queue their pulls when due (see pulls): queue those
	// due now, so their reads are noted, and wake again for the next one.
	var refreshDue time.Time
	for _, c := range s.data.Companies {
		if len(c.PendingRefreshes) == 0 {
			continue
		}
		s.pulls(c, now)
		if len(c.PendingRefreshes) > 0 && (refreshDue.IsZero() || c.PendingRefreshes[0].Before(refreshDue)) {
			refreshDue = c.PendingRefreshes[0]
		}
	}
	defer func() {
		if !refreshDue.IsZero() && (next.IsZero() || refreshDue.Before(next)) {
			next = refreshDue
		}
	}()
	kept := s.data.Client.PendingReads[:0]
	for _, read := range s.data.Client.PendingReads {
		if read.Due.After(now) {
			kept = append(kept, read)
			if next.IsZero() || read.Due.Before(next) {
				next = read.Due
			}
			continue
		}
		emitted = true
		c, ok := s.companies[read.CompanyID]
		if !ok {
			continue
		}
		payload, anyComplete := s.readPayloadLocked(c, read, now)
		if read.Initial && anyComplete {
			s.emitLocked(codat.EventReadCompletedInitial, c.ID, c.Tags, payload, read.Due)
		}
		s.emitLocked(codat.EventReadCompleted, c.ID, c.Tags, payload, read.Due)
	}
	clear(s.data.Client.PendingReads[len(kept):])
	s.data.Client.PendingReads = kept
	return next, emitted
}

// readPayloadLocked summarises a batch of pulls. recordsModified is true
// for a pull that completed when no earlier pull of the same data type on
// the same connection had: the emulator's data never changes after the
// first read.
func (s *store) readPayloadLocked(c *companyRecord, read *pendingRead, now time.Time) (codat.ReadCompletedPayload, bool) {
	payload := codat.ReadCompletedPayload{
		ReferenceCompany: companyReference(c),
		ModifiedFromDate: formatTime(read.Due),
		DataTypes:        []codat.DataTypeReadSummary{},
	}
	anyComplete := false
	for i, p := range c.Pulls {
		if !slices.Contains(read.PullIDs, p.ID) {
			continue
		}
		status := s.pullStateAt(p, now).status
		complete := status == codat.PullStatusComplete
		anyComplete = anyComplete || complete
		payload.DataTypes = append(payload.DataTypes, codat.DataTypeReadSummary{
			ConnectionID:    p.ConnectionID,
			DataType:        p.DataType,
			RecordsModified: complete && !s.completedBeforeLocked(c.Pulls[:i], p, now),
			Status:          status,
			Issues:          []codat.ReadIssue{},
		})
	}
	return payload, anyComplete
}

func (s *store) completedBeforeLocked(earlier []*pullRecord, p *pullRecord, now time.Time) bool {
	return slices.ContainsFunc(earlier, func(q *pullRecord) bool {
		return q.ConnectionID == p.ConnectionID && q.DataType == p.DataType &&
			s.pullStateAt(q, now).status == codat.PullStatusComplete
	})
}
