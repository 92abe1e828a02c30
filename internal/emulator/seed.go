package emulator

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// SeedCompany is a company Seed puts straight into the store.
type SeedCompany struct {
	Name        string
	Description string
	Tags        map[string]string
	// Connections are made to these platforms, in this order.
	Connections []SeedConnection
}

// SeedConnection is one connection of a SeedCompany.
type SeedConnection struct {
	PlatformKey string
	// Status is the connection's status; empty means PendingAuth. A Linked
	// one is linked without the first sync authorising starts.
	Status codat.ConnectionStatus
}

// Seed adds companies as if each had been created through the API, for
// tests and demos that need thousands of companies without a request for
// each, and returns their ids. Names and tags are checked as create-company
// checks them, platforms as create-connection does; on an error nothing is
// added. MaxCompanies does not apply, and requests are not counted.
func (e *Emulator) Seed(companies ...SeedCompany) ([]string, error) {
	now := e.now()
	records := make([]*companyRecord, 0, len(companies))
	for i, sc := range companies {
		name, err := checkCompanyFields(&sc.Name, sc.Tags)
		if err != nil {
			return nil, fmt.Errorf("company %d (%q): %w", i, sc.Name, err)
		}
		c := &companyRecord{ID: uuid.NewString(), Name: name, Description: sc.Description, Tags: copyTags(sc.Tags), Created: now}
		for _, seed := range sc.Connections {
			in, ok := integrationByKey(seed.PlatformKey)
			if !ok || !in.Enabled {
				return nil, fmt.Errorf("company %d (%q): no enabled integration %q", i, sc.Name, seed.PlatformKey)
			}
			conn := newConnectionRecord(in, now)
			if seed.Status != "" {
				if !slices.Contains(codat.ConnectionStatuses, seed.Status) {
					return nil, fmt.Errorf("company %d (%q): status must be one of %v, got %q", i, sc.Name, codat.ConnectionStatuses, seed.Status)
				}
				conn.Status = seed.Status
			}
			c.Connections = append(c.Connections, conn)
		}
		records = append(records, c)
	}
	s := e.store
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(records))
	for i, c := range records {
		s.data.Companies = append(s.data.Companies, c)
		s.companies[c.ID] = c
		ids[i] = c.ID
	}
	s.changed()
	return ids, nil
}
