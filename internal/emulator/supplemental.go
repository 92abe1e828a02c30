package emulator

import (
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Supplemental data: per platform and data type, the extra properties to
// read and write (docs using-the-api/supplemental-data/overview.md). Codat
// validates none of the values, and its list of supported platform and data
// type pairs is a spreadsheet the docs embed, so the emulator accepts any
// catalogue platform with any data type of the spec's enum. A pair never
// configured reads as an empty configuration, and a PUT of an empty one
// resets it, as the docs describe.

// supplementalTarget checks the path: 404 for a platform key outside the
// catalogue or a data type outside the spec's enum.
func supplementalTarget(platformKey, dataType string) (string, *apiError) {
	if _, err := integrationOrNotFound(platformKey); err != nil {
		return "", err
	}
	if !slices.Contains(codat.SupplementalDataTypes, dataType) {
		return "", &apiError{status: http.StatusNotFound, service: servicePublicAPI,
			message: fmt.Sprintf("Supplemental data is not supported for the data type '%s'.", dataType)}
	}
	return settingKey(platformKey, dataType), nil
}

func copySupplemental(in map[string]codat.SupplementalDataSource) map[string]codat.SupplementalDataSource {
	out := make(map[string]codat.SupplementalDataSource, len(in))
	for name, source := range in {
		source.PullData = maps.Clone(source.PullData)
		source.PushData = maps.Clone(source.PushData)
		out[name] = source
	}
	return out
}

func (s *store) supplementalConfig(platformKey, dataType string) (codat.SupplementalDataConfiguration, error) {
	key, err := supplementalTarget(platformKey, dataType)
	if err != nil {
		return codat.SupplementalDataConfiguration{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return codat.SupplementalDataConfiguration{SupplementalDataConfig: copySupplemental(s.data.Client.Supplemental[key])}, nil
}

// setSupplementalConfig replaces the pair's configuration; an empty one
// removes it.
func (s *store) setSupplementalConfig(platformKey, dataType string, cfg codat.SupplementalDataConfiguration) error {
	key, err := supplementalTarget(platformKey, dataType)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cfg.SupplementalDataConfig) == 0 {
		delete(s.data.Client.Supplemental, key)
	} else {
		if s.data.Client.Supplemental == nil {
			s.data.Client.Supplemental = map[string]map[string]codat.SupplementalDataSource{}
		}
		s.data.Client.Supplemental[key] = copySupplemental(cfg.SupplementalDataConfig)
	}
	s.changed()
	return nil
}

func (e *Emulator) handleGetSupplementalData(w http.ResponseWriter, r *http.Request) {
	cfg, err := e.store.supplementalConfig(r.PathValue("platformKey"), r.PathValue("dataType"))
	reply(w, http.StatusOK, cfg, err)
}

// handleSetSupplementalData answers 200 with no body, as the spec's
// configure-supplemental-data does.
func (e *Emulator) handleSetSupplementalData(w http.ResponseWriter, r *http.Request) {
	var req codat.SupplementalDataConfiguration
	if err := decodeJSON(r, servicePublicAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	if err := e.store.setSupplementalConfig(r.PathValue("platformKey"), r.PathValue("dataType"), req); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}
