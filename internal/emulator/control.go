package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Control endpoints live under /_emulator/, outside Codat's API. They need no
// API key, are never faulted or counted, and mirror Go methods on Emulator so
// tests of the binary can do what in-process tests do.

// decodeControl decodes a control body strictly: unknown fields are errors,
// so a typo in a test's fault configuration fails loudly.
func decodeControl(r *http.Request, v any) *apiError {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return badRequest(serviceEmulator, "reading body: "+err.Error())
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest(serviceEmulator, "invalid body: "+err.Error())
	}
	return nil
}

func invalidControl(err error) *apiError {
	return badRequest(serviceEmulator, err.Error())
}

func (e *Emulator) handleControlReset(w http.ResponseWriter, r *http.Request) {
	e.Reset()
	w.WriteHeader(http.StatusNoContent)
}

// handleControlState dumps the persisted state (the -state file's format).
func (e *Emulator) handleControlState(w http.ResponseWriter, r *http.Request) {
	body, err := e.store.snapshot()
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}

func (e *Emulator) handleControlRequests(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.RequestCounts())
}

func (e *Emulator) handleControlResetRequests(w http.ResponseWriter, r *http.Request) {
	e.ResetRequestCounts()
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) handleControlGetFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.Faults())
}

// handleControlSetFaults replaces the whole configuration: omitted fields
// become zero.
func (e *Emulator) handleControlSetFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if err := decodeControl(r, &f); err != nil {
		writeError(w, err)
		return
	}
	if err := e.SetFaults(f); err != nil {
		writeError(w, invalidControl(err))
		return
	}
	writeJSON(w, http.StatusOK, e.Faults())
}

func (e *Emulator) handleControlGetScript(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, e.ScriptedFaults())
}

// handleControlAddScript appends scripted faults: a JSON array of them, or
// one object.
func (e *Emulator) handleControlAddScript(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if err := decodeControl(r, &raw); err != nil {
		writeError(w, err)
		return
	}
	var faults []ScriptedFault
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
		raw = append(append([]byte{'['}, trimmed...), ']')
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&faults); err != nil {
		writeError(w, badRequest(serviceEmulator, "invalid body: want an array of scripted faults: "+err.Error()))
		return
	}
	if err := e.ScriptFaults(faults...); err != nil {
		writeError(w, invalidControl(err))
		return
	}
	writeJSON(w, http.StatusOK, e.ScriptedFaults())
}

func (e *Emulator) handleControlClearScript(w http.ResponseWriter, r *http.Request) {
	e.ClearScriptedFaults()
	w.WriteHeader(http.StatusNoContent)
}

// apiKeyRequest is the body of POST /_emulator/api-key.
type apiKeyRequest struct {
	APIKey string `json:"apiKey"`
}

func (e *Emulator) handleControlSetAPIKey(w http.ResponseWriter, r *http.Request) {
	var req apiKeyRequest
	if err := decodeControl(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.APIKey == "" {
		writeError(w, badRequest(serviceEmulator, "apiKey is required"))
		return
	}
	e.SetAPIKey(req.APIKey)
	writeJSON(w, http.StatusOK, apiKeyRequest{APIKey: e.APIKey()})
}

// handleControlSetStatus takes {"status": "..."} and answers with the
// connection as GET would.
func (e *Emulator) handleControlSetStatus(w http.ResponseWriter, r *http.Request) {
	var req codat.UpdateConnectionStatus
	if err := decodeControl(r, &req); err != nil {
		writeError(w, err)
		return
	}
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if err := e.SetConnectionStatus(companyID, connectionID, req.Status); err != nil {
		writeError(w, err)
		return
	}
	conn, err := e.store.getConnection(companyID, connectionID, e.baseURL(r))
	reply(w, http.StatusOK, conn, err)
}

func (e *Emulator) handleControlAuthorize(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if err := e.Authorize(companyID, connectionID); err != nil {
		writeError(w, err)
		return
	}
	conn, err := e.store.getConnection(companyID, connectionID, e.baseURL(r))
	reply(w, http.StatusOK, conn, err)
}

func (e *Emulator) handleControlPullFailure(w http.ResponseWriter, r *http.Request) {
	var f PullFailure
	if err := decodeControl(r, &f); err != nil {
		writeError(w, err)
		return
	}
	if err := e.FailNextPull(r.PathValue("companyId"), f); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// controlEndpoints documents the control endpoints (for -h and README-style
// help); keep it in step with buildRoutes.
const controlEndpoints = `Control endpoints (no API key; never faulted or counted):
  POST   /_emulator/reset                      back to the initial state (no companies, default
                                               profile and sync settings, no webhook consumers, only
                                               the start API key, counts zeroed, faults cleared)
  GET    /_emulator/state                      the state as stored in the -state file
  GET    /_emulator/requests                   {"routes":{"GET /companies/{companyId}":3,...},"total":..,
                                               "unmatched":..,"faultsInjected":..,"scriptedFaults":..,
                                               "serverErrors":..,"tooManyRequests":..,"rateLimited":..,
                                               "dropped":..,"droppedAfterWrite":..,"authFailures":..}
  DELETE /_emulator/requests                   zero the counts
  GET    /_emulator/faults                     the random-fault configuration
  PUT    /_emulator/faults                     replace it: {"errorRate":0.1,"tooManyRequestsRate":0,
                                               "retryAfterSeconds":1,"latencyMs":0,"dropRate":0,
                                               "dropAfterWriteRate":0,"seed":42,
                                               "rateLimit":{"concurrent":10,"perMinute":1000,"daily":0}}
  GET    /_emulator/faults/script              scripted faults not yet used up
  POST   /_emulator/faults/script              append scripted faults, applied in order to the next
                                               matching API requests: [{"route":"POST /companies",
                                               "status":503,"retryAfter":"2","count":1},
                                               {"route":"GET /companies/{companyId}","drop":true},
                                               {"route":"POST /companies","dropAfterWrite":true}]
  DELETE /_emulator/faults/script              drop every scripted fault
  POST   /_emulator/api-key                    {"apiKey":"new"}: rotate the key; the old one then gets 403
  POST   /_emulator/companies/{companyId}/connections/{connectionId}/status
                                               {"status":"Deauthorized"|"Unlinked"|"Linked"|"PendingAuth"}
  POST   /_emulator/companies/{companyId}/connections/{connectionId}/authorize
                                               what the link page's Authorise button does
  POST   /_emulator/companies/{companyId}/pull-failures
                                               {"dataType":"invoices","status":"FetchError",
                                               "errorMessage":"...","count":1}: the next pull(s) of the
                                               data type end in that status
  GET    /_emulator/behaviours                 {"active":[...],"available":[{"name":..,"source":..,...}]}
  PUT    /_emulator/behaviours                 {"active":["strict"]} or {"active":["patch-tags-merge",...]}:
                                               replace the readings played (see Behaviours)
  GET    /_emulator/webhooks/consumers         every webhook consumer with its Svix "signingSecret"
  GET    /_emulator/webhooks/deliveries        every delivery: messageId (the webhook-id header), eventType,
                                               consumerId, status (Sending|Attempting|Success|Failure),
                                               attempts [{at,statusCode,error}], nextAttempt, payload;
                                               ?consumerId= and ?eventType= filter
  POST   /_emulator/webhooks/deliver           make every attempt due now and answer as GET deliveries`

// ControlEndpointsHelp describes the control endpoints, for command help.
func ControlEndpointsHelp() string { return controlEndpoints }
