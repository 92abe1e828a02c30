package emulator

import (
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Custom data types: per platform, a data type outside Codat's model read
// from one platform endpoint (docs using-the-api/custom-data.md). Codat
// validates none of the values, but the docs mark dataSource and keyBy
// required; the emulator answers a configuration without them 400. There
// is no delete, as in Codat's API. Refreshing and listing custom data are
// not emulated.

func customDataKey(platformKey, identifier string) (string, *apiError) {
	if _, err := integrationOrNotFound(platformKey); err != nil {
		return "", err
	}
	return settingKey(platformKey, identifier), nil
}

func copyCustomData(cfg codat.CustomDataTypeConfig) codat.CustomDataTypeConfig {
	cfg.RequiredData = maps.Clone(cfg.RequiredData)
	cfg.KeyBy = slices.Clone(cfg.KeyBy)
	cfg.SourceModifiedDate = slices.Clone(cfg.SourceModifiedDate)
	return cfg
}

func (s *store) customDataType(platformKey, identifier string) (codat.CustomDataTypeConfig, error) {
	key, err := customDataKey(platformKey, identifier)
	if err != nil {
		return codat.CustomDataTypeConfig{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cfg, ok := s.data.Client.CustomDataTypes[key]
	if !ok {
		return codat.CustomDataTypeConfig{}, &apiError{status: http.StatusNotFound, service: servicePublicAPI,
			message: fmt.Sprintf("No custom data type '%s' is configured for the integration '%s'.", identifier, platformKey)}
	}
	return copyCustomData(cfg), nil
}

func (s *store) configureCustomDataType(platformKey, identifier string, cfg codat.CustomDataTypeConfig) (codat.CustomDataTypeConfig, error) {
	key, err := customDataKey(platformKey, identifier)
	if err != nil {
		return codat.CustomDataTypeConfig{}, err
	}
	var items []codat.ValidationItem
	if cfg.DataSource == "" {
		items = append(items, codat.ValidationItem{ItemID: "dataSource", ValidatorName: "Required", Message: "dataSource is required."})
	}
	if len(cfg.KeyBy) == 0 {
		items = append(items, codat.ValidationItem{ItemID: "keyBy", ValidatorName: "Required", Message: "keyBy needs at least one property."})
	}
	if len(items) > 0 {
		return codat.CustomDataTypeConfig{}, badRequest(servicePublicAPI, "Error processing request - not valid.", items...)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.data.Client.CustomDataTypes == nil {
		s.data.Client.CustomDataTypes = map[string]codat.CustomDataTypeConfig{}
	}
	s.data.Client.CustomDataTypes[key] = copyCustomData(cfg)
	s.changed()
	return copyCustomData(cfg), nil
}

func (e *Emulator) handleGetCustomDataType(w http.ResponseWriter, r *http.Request) {
	cfg, err := e.store.customDataType(r.PathValue("platformKey"), r.PathValue("customDataIdentifier"))
	reply(w, http.StatusOK, cfg, err)
}

func (e *Emulator) handleConfigureCustomDataType(w http.ResponseWriter, r *http.Request) {
	var req codat.CustomDataTypeConfig
	if err := decodeJSON(r, servicePublicAPI, &req); err != nil {
		writeError(w, err)
		return
	}
	cfg, err := e.store.configureCustomDataType(r.PathValue("platformKey"), r.PathValue("customDataIdentifier"), req)
	reply(w, http.StatusOK, cfg, err)
}
