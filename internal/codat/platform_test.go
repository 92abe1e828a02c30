package codat

import "testing"

func TestAdoptableConnection(t *testing.T) {
	conns := []Connection{
		{ID: "unlinked", IntegrationKey: "gbol", Status: StatusUnlinked, Created: "2020-01-01T00:00:00Z"},
		{ID: "pending-old", IntegrationKey: "gbol", Status: StatusPendingAuth, Created: "2021-01-01T00:00:00Z"},
		{ID: "pending-new", IntegrationKey: "gbol", Status: StatusPendingAuth, Created: "2022-01-01T00:00:00Z"},
		{ID: "deauthorized", IntegrationKey: "gbol", Status: StatusDeauthorized, Created: "2023-01-01T00:00:00Z"},
		{ID: "other", IntegrationKey: "qhyg", Status: StatusLinked},
		{ID: "no-key", IntegrationID: "int-mqjo", Status: StatusLinked},
	}
	pick := func(conns []Connection, key string) string {
		if c := (&Company{DataConnections: conns}).AdoptableConnection(key, PlatformKeys{"int-mqjo": "mqjo"}); c != nil {
			return c.ID
		}
		return ""
	}
	for _, tc := range []struct{ name, key, want string }{
		{"deauthorized beats pending", "gbol", "deauthorized"},
		{"linked", "qhyg", "other"},
		{"key from the catalogue", "mqjo", "no-key"},
		{"none", "fztf", ""},
	} {
		if got := pick(conns, tc.key); got != tc.want {
			t.Errorf("%s: adopted %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := pick(conns[:3], "gbol"); got != "pending-old" {
		t.Errorf("oldest pending: adopted %q, want pending-old", got)
	}
	if got := pick(conns[:1], "gbol"); got != "" {
		t.Errorf("an Unlinked connection was adopted: %q", got)
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
