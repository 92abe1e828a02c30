package emulator

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Tag limits from the Company schema.
const (
	maxTags           = 10
	maxTagKeyLength   = 27
	maxTagValueLength = 100
)

var companyList = listSpec{resource: "Company", service: serviceClientsAPI}

// sanitizeCompanyName strips the characters Codat does not allow in a name
// (it strips rather than rejects): letters, digits, whitespace and
// - ' , & @ . ? ! are kept, so "Company (Codat[1])" becomes "Company Codat1".
func sanitizeCompanyName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			return r
		case unicode.IsSpace(r), strings.ContainsRune("-',&@.?!", r):
			return r
		}
		return -1
	}, name)
}

// validName sanitizes name, failing if nothing but whitespace is left.
func validName(name string) (string, *codat.ValidationItem) {
	clean := sanitizeCompanyName(name)
	if strings.TrimSpace(clean) == "" {
		return "", &codat.ValidationItem{ItemID: "name", ValidatorName: "CompanyName",
			Message: "Company name must contain at least one letter, digit or one of - ' , & @ . ? ! (other characters are removed)."}
	}
	return clean, nil
}

// validateTags checks the Tags schema: at most 10 tags, keys of 1 to 27
// characters (no line breaks), values of at most 100 characters.
func validateTags(tags map[string]string) []codat.ValidationItem {
	var items []codat.ValidationItem
	if len(tags) > maxTags {
		items = append(items, codat.ValidationItem{ItemID: "tags", ValidatorName: "Tags",
			Message: fmt.Sprintf("A company can have at most %d tags; %d were given.", maxTags, len(tags))})
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		n := utf8.RuneCountInString(k)
		if n < 1 || n > maxTagKeyLength || strings.ContainsAny(k, "\r\n") {
			items = append(items, codat.ValidationItem{ItemID: "tags." + k, ValidatorName: "Tags",
				Message: fmt.Sprintf("Tag key %q must be 1 to %d characters long, without line breaks.", k, maxTagKeyLength)})
		}
		if utf8.RuneCountInString(tags[k]) > maxTagValueLength {
			items = append(items, codat.ValidationItem{ItemID: "tags." + k, ValidatorName: "Tags",
				Message: fmt.Sprintf("The value of tag %q must be at most %d characters long.", k, maxTagValueLength)})
		}
	}
	return items
}

func invalidCompany(items ...codat.ValidationItem) *apiError {
	return badRequest(serviceClientsAPI, "Error processing request - not valid.", items...)
}

// checkCompanyFields validates a name (if given) and tags, returning the
// sanitized name.
func checkCompanyFields(name *string, tags map[string]string) (string, error) {
	var items []codat.ValidationItem
	clean := ""
	if name != nil {
		var bad *codat.ValidationItem
		if clean, bad = validName(*name); bad != nil {
			items = append(items, *bad)
		}
	}
	items = append(items, validateTags(tags)...)
	if len(items) > 0 {
		return "", invalidCompany(items...)
	}
	return clean, nil
}

func copyTags(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}

// companyView renders a company as Codat returns it; call with s.mu held.
func (s *store) companyView(c *companyRecord, base string) codat.Company {
	out := codat.Company{
		ID:          c.ID,
		Name:        c.Name,
		Description: c.Description,
		Redirect:    base + "/link/company/" + c.ID,
		Created:     formatTime(c.Created),
		Tags:        copyTags(c.Tags),
	}
	now := s.now()
	for _, conn := range c.Connections {
		view := s.connectionView(c, conn, base, now)
		out.DataConnections = append(out.DataConnections, view)
		if view.LastSync > out.LastSync {
			out.LastSync = view.LastSync
		}
	}
	return out
}

// listCompanies lists the companies; under CompanyListDelay, only those
// created at least Options.ListDelay ago.
func (s *store) listCompanies(base string) []codat.Company {
	s.mu.Lock()
	defer s.mu.Unlock()
	lagging := s.on(CompanyListDelay)
	now := s.now()
	out := make([]codat.Company, 0, len(s.data.Companies))
	for _, c := range s.data.Companies {
		if lagging && now.Sub(c.Created) < s.listDelay {
			continue
		}
		out = append(out, s.companyView(c, base))
	}
	return out
}

func (s *store) getCompany(id, base string) (codat.Company, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(id)
	if err != nil {
		return codat.Company{}, err
	}
	return s.companyView(c, base), nil
}

func (s *store) createCompany(req codat.CompanyRequest, base string) (codat.Company, error) {
	name, err := checkCompanyFields(&req.Name, req.Tags)
	if err != nil {
		return codat.Company{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.maxCompanies > 0 && len(s.data.Companies) >= s.maxCompanies {
		return codat.Company{}, &apiError{status: http.StatusPaymentRequired, service: serviceClientsAPI,
			message: "CompanyValidationException: Company limit exceeded",
			validation: []codat.ValidationItem{{ItemID: "Company", ValidatorName: "CreateCompany",
				Message: fmt.Sprintf("You have exceeded the %d-company limit that applies to your plan. Delete any companies you no longer need and retry the request.", s.maxCompanies)}}}
	}
	c := &companyRecord{
		ID:          uuid.NewString(),
		Name:        name,
		Description: req.Description,
		Tags:        copyTags(req.Tags),
		Created:     s.now(),
	}
	s.data.Companies = append(s.data.Companies, c)
	s.companies[c.ID] = c
	s.changed()
	return s.companyView(c, base), nil
}

// replaceCompany is PUT: name, description and tags all take the request's
// values, so omitted ones are cleared.
func (s *store) replaceCompany(id string, req codat.CompanyRequest, base string) (codat.Company, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(id)
	if err != nil {
		return codat.Company{}, err
	}
	name, err := checkCompanyFields(&req.Name, req.Tags)
	if err != nil {
		return codat.Company{}, err
	}
	c.Name, c.Description, c.Tags = name, req.Description, copyTags(req.Tags)
	s.changed()
	return s.companyView(c, base), nil
}

// updateCompany is PATCH: omitted or null fields stay; a present tags
// object, even an empty one, replaces the tags, or under PatchTagsMerge is
// merged into them (its keys overwrite, others stay).
func (s *store) updateCompany(id string, req codat.CompanyUpdate, base string) (codat.Company, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(id)
	if err != nil {
		return codat.Company{}, err
	}
	var tags map[string]string
	if req.Tags != nil {
		tags = *req.Tags
		if s.on(PatchTagsMerge) {
			tags = copyTags(c.Tags)
			if tags == nil {
				tags = map[string]string{}
			}
			maps.Copy(tags, *req.Tags)
		}
	}
	name, err := checkCompanyFields(req.Name, tags)
	if err != nil {
		return codat.Company{}, err
	}
	if req.Name != nil {
		c.Name = name
	}
	if req.Description != nil {
		c.Description = *req.Description
	}
	if req.Tags != nil {
		c.Tags = copyTags(tags)
	}
	s.changed()
	return s.companyView(c, base), nil
}

// deleteCompany removes the company with its connections, pulls and
// settings, which all live inside its record.
func (s *store) deleteCompany(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.company(id); err != nil {
		return err
	}
	s.data.Companies = slices.DeleteFunc(s.data.Companies, func(c *companyRecord) bool { return c.ID == id })
	delete(s.companies, id)
	s.changed()
	return nil
}

func (e *Emulator) handleListCompanies(w http.ResponseWriter, r *http.Request) {
	keep, err := tagFilter(queryParams(r)["tags"], serviceClientsAPI, e.store.on(TagsFilterPlain))
	if err != nil {
		writeError(w, err)
		return
	}
	respondList(w, r, companyList, e.store.listCompanies(e.baseURL(r)), keep)
}

func (e *Emulator) handleCreateCompany(w http.ResponseWriter, r *http.Request) {
	var req codat.CompanyRequest
	if err := decodeJSON(r, serviceClientsAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	c, err := e.store.createCompany(req, e.baseURL(r))
	reply(w, http.StatusOK, c, err)
}

func (e *Emulator) handleGetCompany(w http.ResponseWriter, r *http.Request) {
	c, err := e.store.getCompany(r.PathValue("companyId"), e.baseURL(r))
	reply(w, http.StatusOK, c, err)
}

func (e *Emulator) handleReplaceCompany(w http.ResponseWriter, r *http.Request) {
	var req codat.CompanyRequest
	if err := decodeJSON(r, serviceClientsAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	c, err := e.store.replaceCompany(r.PathValue("companyId"), req, e.baseURL(r))
	reply(w, http.StatusOK, c, err)
}

func (e *Emulator) handleUpdateCompany(w http.ResponseWriter, r *http.Request) {
	var req codat.CompanyUpdate
	if err := decodeJSON(r, serviceClientsAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	c, err := e.store.updateCompany(r.PathValue("companyId"), req, e.baseURL(r))
	reply(w, http.StatusOK, c, err)
}

func (e *Emulator) handleDeleteCompany(w http.ResponseWriter, r *http.Request) {
	if err := e.store.deleteCompany(r.PathValue("companyId")); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// reply writes a store result: v as JSON with status, or the error.
func reply(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, status, v)
}
