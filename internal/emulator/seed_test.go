package emulator

import (
	"net/url"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids, err := h.emu.Seed(
		SeedCompany{Name: "Portal Bakery", Tags: map[string]string{"region": "uk"}, Connections: []SeedConnection{
			{PlatformKey: "gbol", Status: codat.StatusLinked}, {PlatformKey: "suuo"}, {PlatformKey: "fztf", Status: codat.StatusDeauthorized},
		}},
		SeedCompany{Name: "Portal Brewery", Description: "made in the portal", Tags: map[string]string{"region": "us"}},
	)
	if err != nil || len(ids) != 2 {
		t.Fatalf("Seed = %v, %v", ids, err)
	}
	bakery := decode[codat.Company](t, h.do("GET", "/companies/"+ids[0], nil))
	var statuses []codat.ConnectionStatus
	for _, conn := range bakery.DataConnections {
		statuses = append(statuses, conn.Status)
		wantConnectionShape(t, conn)
	}
	if want := []codat.ConnectionStatus{codat.StatusLinked, codat.StatusPendingAuth, codat.StatusDeauthorized}; len(statuses) != 3 ||
		statuses[0] != want[0] || statuses[1] != want[1] || statuses[2] != want[2] {
		t.Errorf("seeded statuses = %v, want %v", statuses, want)
	}
	// A Linked seed has synced, as an authorised connection does.
	if history := decode[codat.Page[codat.PullOperation]](t, h.do("GET", "/companies/"+ids[0]+"/data/history", nil)); history.TotalResults == 0 {
		t.Error("the Linked seed queued no first sync")
	}
	page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?tags="+url.QueryEscape("region=us"), nil))
	if page.TotalResults != 1 || page.Results[0].ID != ids[1] || page.Results[0].Description != "made in the portal" {
		t.Errorf("tags=region=us listed %+v", page.Results)
	}
}

// TestSeedChecksLikeTheAPI: a seed the API would refuse adds nothing.
func TestSeedChecksLikeTheAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.MaxCompanies = 2 })
	for name, bad := range map[string][]SeedCompany{
		"disabled platform": {{Name: "Fine Ltd"}, {Name: "Kashflow Ltd", Connections: []SeedConnection{{PlatformKey: "wvzu"}}}},
		"bad status":        {{Name: "Fine Ltd", Connections: []SeedConnection{{PlatformKey: "gbol", Status: "Active"}}}},
		"blank name":        {{Name: "(())"}},
		"company limit":     {{Name: "One"}, {Name: "Two"}, {Name: "Three"}},
	} {
		if _, err := h.emu.Seed(bad...); err == nil {
			t.Errorf("%s: seeded", name)
		}
	}
	if page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil)); page.TotalResults != 0 {
		t.Errorf("refused seeds left %d companies", page.TotalResults)
	}
}

// A company seeded as made earlier is listed at once under the list delay;
// one made now waits it out, as a new company does.
func TestSeedCreatedEarlier(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) { o.Behaviours = []Behaviour{CompanyListDelay} })
	ids, err := h.emu.Seed(
		SeedCompany{Name: "Long Standing Ltd", Created: h.clock.Now().Add(-24 * time.Hour)},
		SeedCompany{Name: "Brand New Ltd"},
	)
	if err != nil {
		t.Fatal(err)
	}
	page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil))
	if page.TotalResults != 1 || page.Results[0].ID != ids[0] || page.Results[0].Created != "2026-11-26T11:16:54Z" {
		t.Errorf("under the list delay, GET /companies listed %+v, want only the company made a day earlier", page.Results)
	}
}
