package emulator

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestSupplementalData(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := "/integrations/gbol/dataTypes/invoices/supplementalDataConfig"
	rec := h.do("GET", path, nil)
	wantStatus(t, rec, http.StatusOK)
	if rec.Body.String() != `{"supplementalDataConfig":{}}` {
		t.Errorf("unconfigured = %s", rec.Body.String())
	}
	cfg := codat.SupplementalDataConfiguration{SupplementalDataConfig: map[string]codat.SupplementalDataSource{
		"yourKeyNameForInvoices": {DataSource: "/Invoices", PullData: map[string]string{"expectedPaymentDate": "ExpectedPaymentDate"},
			PushData: map[string]string{"url": "Url"}},
	}}
	rec = h.do("PUT", path, cfg)
	wantStatus(t, rec, http.StatusOK)
	if rec.Body.Len() != 0 {
		t.Errorf("PUT answered a body: %s", rec.Body.String())
	}
	if got := decode[codat.SupplementalDataConfiguration](t, h.do("GET", path, nil)); !reflect.DeepEqual(got, cfg) {
		t.Errorf("GET = %+v, want %+v", got, cfg)
	}
	// Pairs are independent.
	if got := decode[codat.SupplementalDataConfiguration](t, h.do("GET", "/integrations/qhyg/dataTypes/invoices/supplementalDataConfig", nil)); len(got.SupplementalDataConfig) != 0 {
		t.Errorf("another platform sees %+v", got)
	}
	// An empty configuration resets it, as the docs say.
	wantStatus(t, h.do("PUT", path, `{"supplementalDataConfig":{}}`), http.StatusOK)
	if got := decode[codat.SupplementalDataConfiguration](t, h.do("GET", path, nil)); len(got.SupplementalDataConfig) != 0 {
		t.Errorf("after reset: %+v", got)
	}
	wantError(t, h.do("GET", "/integrations/zzzz/dataTypes/invoices/supplementalDataConfig", nil), http.StatusNotFound, "No integration was found with key zzzz")
	wantError(t, h.do("PUT", "/integrations/gbol/dataTypes/bankAccounts/supplementalDataConfig", cfg), http.StatusNotFound, "not supported for the data type 'bankAccounts'")
	wantError(t, h.do("PUT", path, `{"supplementalDataConfig":{"x":{"pullData":{"a":1}}}}`), http.StatusBadRequest, "not valid")
}

func TestCustomDataType(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	path := "/integrations/trji/dataTypes/custom/DynamicsPurchaseOrders"
	wantError(t, h.do("GET", path, nil), http.StatusNotFound, "No custom data type 'DynamicsPurchaseOrders' is configured for the integration 'trji'.")
	cfg := codat.CustomDataTypeConfig{
		DataSource:         "api/purchaseOrders",
		RequiredData:       map[string]string{"currency": "$[*].currencyCode", "number": "$[*].number"},
		KeyBy:              []string{"$[*].id"},
		SourceModifiedDate: []string{"$[*].lastModifiedDateTime"},
	}
	if got := decode[codat.CustomDataTypeConfig](t, h.do("PUT", path, cfg)); !reflect.DeepEqual(got, cfg) {
		t.Errorf("PUT answered %+v", got)
	}
	if got := decode[codat.CustomDataTypeConfig](t, h.do("GET", path, nil)); !reflect.DeepEqual(got, cfg) {
		t.Errorf("GET answered %+v", got)
	}
	// A PUT replaces the whole configuration.
	replaced := codat.CustomDataTypeConfig{DataSource: "api/purchaseOrders?$top=10", KeyBy: []string{"$[*].number"}}
	h.do("PUT", path, replaced)
	if got := decode[codat.CustomDataTypeConfig](t, h.do("GET", path, nil)); !reflect.DeepEqual(got, replaced) {
		t.Errorf("after replace: %+v", got)
	}
	wantStatus(t, h.do("GET", "/integrations/gbol/dataTypes/custom/DynamicsPurchaseOrders", nil), http.StatusNotFound)
	body := wantError(t, h.do("PUT", path, `{"requiredData":{"a":"$.a"}}`), http.StatusBadRequest, "not valid")
	if body.Validation == nil || len(body.Validation.Errors) != 2 {
		t.Errorf("validation = %+v, want dataSource and keyBy", body.Validation)
	}
	wantError(t, h.do("PUT", "/integrations/zzzz/dataTypes/custom/x", cfg), http.StatusNotFound, "No integration was found")
	wantStatus(t, h.do("DELETE", path, nil), http.StatusMethodNotAllowed)
}
