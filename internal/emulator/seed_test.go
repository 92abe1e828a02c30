package emulator

import (
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// Seed adds companies that the API then serves like created ones, with
// their tags and connections, without counting a request; a bad one adds
// nothing.
func TestSeed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ids, err := h.emu.Seed(
		SeedCompany{Name: "Seeded (One)", Tags: map[string]string{"region": "uk"}, Connections: []SeedConnection{{PlatformKey: "gbol", Status: codat.StatusLinked}}},
		SeedCompany{Name: "Seeded Two", Description: "second", Connections: []SeedConnection{{PlatformKey: "qhyg"}}},
	)
	if err != nil || len(ids) != 2 {
		t.Fatalf("Seed = %v, %v", ids, err)
	}
	if n := h.emu.RequestCounts().Total; n != 0 {
		t.Errorf("seeding counted %d requests", n)
	}
	one := decode[codat.Company](t, h.do("GET", "/companies/"+ids[0], nil))
	if one.Name != "Seeded One" || one.Tags["region"] != "uk" || len(one.DataConnections) != 1 ||
		one.DataConnections[0].IntegrationKey != "gbol" || one.DataConnections[0].Status != codat.StatusLinked {
		t.Errorf("first seeded company = %+v", one)
	}
	page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies?tags="+escape("region=uk"), nil))
	if len(page.Results) != 1 || page.Results[0].ID != ids[0] {
		t.Errorf("tags filter over seeded companies = %+v", page.Results)
	}
	two := decode[codat.Company](t, h.do("GET", "/companies/"+ids[1], nil))
	if two.DataConnections[0].Status != codat.StatusPendingAuth || two.Description != "second" {
		t.Errorf("second seeded company = %+v", two)
	}

	for name, bad := range map[string]SeedCompany{
		"name":     {Name: "()"},
		"tags":     {Name: "Tagged", Tags: map[string]string{"": "x"}},
		"platform": {Name: "Nowhere", Connections: []SeedConnection{{PlatformKey: "zzzz"}}},
		"status":   {Name: "Odd", Connections: []SeedConnection{{PlatformKey: "gbol", Status: "Linkd"}}},
	} {
		if _, err := h.emu.Seed(SeedCompany{Name: "Good"}, bad); err == nil {
			t.Errorf("seeding a bad %s: no error", name)
		}
	}
	if all := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil)); all.TotalResults != 2 {
		t.Errorf("after the failed seeds, %d companies, want 2", all.TotalResults)
	}
}
