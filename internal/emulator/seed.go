package emulator

import (
	"fmt"
	"slices"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// SeedCompany is a company put straight into the emulator's state, as if it
// had been made earlier, through the API or in the Codat Portal: tests that
// need thousands of companies seed them without a request each.
type SeedCompany struct {
	Name        string
	Description string
	Tags        map[string]string
	// Created is when it was made, by the emulator's clock; zero means now.
	// A company made before the list delay (CompanyListDelay) is listed at
	// once, as companies a client has had for a while are.
	Created time.Time
	// Connections are made in this order, each to an enabled platform.
	Connections []SeedConnection
}

// SeedConnection is one connection of a SeedCompany.
type SeedConnection struct {
	PlatformKey string
	// Status is where the business is: PendingAuth when empty; Linked
	// queues the first sync, as Authorize does.
	Status codat.ConnectionStatus
}

// Seed adds companies as create-company and create-connection would, with
// their checks (names, tags, platforms, the company limit), and saves the
// state once. It returns the companies' ids in order. On an error nothing is
// added.
func (e *Emulator) Seed(companies ...SeedCompany) ([]string, error) {
	return e.store.seed(companies)
}

func (s *store) seed(companies []SeedCompany) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	before := len(s.data.Companies)
	ids := make([]string, 0, len(companies))
	for i, sc := range companies {
		c, err := s.addCompanyLocked(codat.CompanyRequest{Name: sc.Name, Description: sc.Description, Tags: sc.Tags})
		if err == nil && !sc.Created.IsZero() {
			c.Created = sc.Created.UTC()
		}
		if err == nil {
			err = s.seedConnectionsLocked(c, sc.Connections)
		}
		if err != nil {
			for _, added := range s.data.Companies[before:] {
				delete(s.companies, added.ID)
			}
			s.data.Companies = slices.Clip(s.data.Companies[:before])
			return nil, fmt.Errorf("seeding company %d (%q): %w", i, sc.Name, err)
		}
		ids = append(ids, c.ID)
	}
	s.changed()
	return ids, nil
}

func (s *store) seedConnectionsLocked(c *companyRecord, conns []SeedConnection) error {
	for _, sc := range conns {
		if sc.Status != "" && !slices.Contains(codat.ConnectionStatuses, sc.Status) {
			return badRequest(serviceEmulator, fmt.Sprintf("status must be one of %v, got %q", codat.ConnectionStatuses, sc.Status))
		}
		conn, err := s.addConnectionLocked(c, sc.PlatformKey)
		if err != nil {
			return err
		}
		switch sc.Status {
		case codat.StatusLinked:
			s.linkLocked(c, conn)
		case "", codat.StatusPendingAuth:
		default:
			conn.Status = sc.Status
		}
	}
	return nil
}
