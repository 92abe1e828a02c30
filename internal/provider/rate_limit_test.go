package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestRateLimitFor(t *testing.T) {
	unset := types.Int64Null()
	for _, tc := range []struct {
		baseURL               string
		perMinute, concurrent types.Int64
		want                  codat.RateLimit
	}{
		{"", unset, unset, codat.CodatRateLimit},
		{"https://api.codat.io", unset, unset, codat.CodatRateLimit},
		{"https://API.codat.io/", unset, unset, codat.CodatRateLimit},
		{"http://127.0.0.1:8089", unset, unset, codat.RateLimit{}},
		{"https://codat-proxy.example.com", unset, unset, codat.RateLimit{}},
		{"https://api.codat.io", types.Int64Value(0), unset, codat.RateLimit{Concurrent: 10}},
		{"https://api.codat.io", types.Int64Value(600), types.Int64Value(4), codat.RateLimit{PerMinute: 600, Concurrent: 4}},
		{"http://127.0.0.1:8089", types.Int64Value(1000), types.Int64Value(10), codat.CodatRateLimit},
	} {
		got := rateLimitFor(providerModel{RequestsPerMinute: tc.perMinute, MaxConcurrentRequests: tc.concurrent}, tc.baseURL)
		if got.PerMinute != tc.want.PerMinute || got.Concurrent != tc.want.Concurrent {
			t.Errorf("base_url %q, requests_per_minute %s, max_concurrent_requests %s: got %+v, want %+v",
				tc.baseURL, tc.perMinute, tc.concurrent, got, tc.want)
		}
	}
}
