package codat

import "testing"

func TestCompanyFilter(t *testing.T) {
	t.Parallel()
	xero := Connection{ID: "c1", IntegrationKey: "gbol", Status: StatusLinked}
	// Codat may leave integrationKey out; the catalogue's keys name it.
	qbo := Connection{ID: "c2", IntegrationID: "qbo-id", Status: StatusPendingAuth}
	keys := PlatformKeys{"qbo-id": "qhyg"}
	bakery := &Company{Name: "Bramble Bakery Ltd", DataConnections: []Connection{xero, qbo}}
	blank := &Company{Name: "Blank Bakery"}
	cases := []struct {
		filter CompanyFilter
		want   [2]bool // bakery, blank
	}{
		{CompanyFilter{}, [2]bool{true, true}},
		{CompanyFilter{NameContains: "bRAMBLE"}, [2]bool{true, false}},
		{CompanyFilter{NameContains: "bakery"}, [2]bool{true, true}},
		{CompanyFilter{ConnectionStatus: StatusLinked}, [2]bool{true, false}},
		{CompanyFilter{ConnectionStatus: StatusDeauthorized}, [2]bool{false, false}},
		{CompanyFilter{PlatformKey: "qhyg"}, [2]bool{true, false}},
		{CompanyFilter{PlatformKey: "qhyg", ConnectionStatus: StatusPendingAuth}, [2]bool{true, false}},
		// Both on the same connection: the Xero one is Linked, not this.
		{CompanyFilter{PlatformKey: "gbol", ConnectionStatus: StatusPendingAuth}, [2]bool{false, false}},
		{CompanyFilter{NameContains: "blank", PlatformKey: "gbol"}, [2]bool{false, false}},
	}
	for _, tc := range cases {
		got := [2]bool{tc.filter.Matches(bakery, keys), tc.filter.Matches(blank, keys)}
		if got != tc.want {
			t.Errorf("%+v matches (bakery, blank) = %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func TestConnectionAdoptedOnImport(t *testing.T) {
	t.Parallel()
	one := &Company{DataConnections: []Connection{{ID: "c1"}}}
	if got := one.ConnectionAdoptedOnImport(); got == nil || got.ID != "c1" {
		t.Errorf("one connection: adopted %v, want c1", got)
	}
	two := &Company{DataConnections: []Connection{{ID: "c1"}, {ID: "c2"}}}
	if got := two.ConnectionAdoptedOnImport(); got != nil {
		t.Errorf("two connections: adopted %v, want none", got)
	}
	if got := (&Company{}).ConnectionAdoptedOnImport(); got != nil {
		t.Errorf("no connection: adopted %v, want none", got)
	}
}
