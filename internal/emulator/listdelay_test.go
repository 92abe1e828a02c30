package emulator

import (
	"net/http"
	"testing"
	"time"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestCompanyListDelay_length(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(o *Options) {
		o.Behaviours = []Behaviour{CompanyListDelay}
		o.ListDelay = 5 * time.Second
	})
	old := h.createCompany(codat.CompanyRequest{Name: "Old"})
	h.clock.Advance(5 * time.Second)
	fresh := h.createCompany(codat.CompanyRequest{Name: "Fresh"})

	page := decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil))
	if page.TotalResults != 1 || len(page.Results) != 1 || page.Results[0].ID != old.ID {
		t.Errorf("list just after creating %s: total %d, results %+v, want only %s", fresh.ID, page.TotalResults, page.Results, old.ID)
	}
	// The company itself is there all along.
	wantStatus(t, h.do("GET", "/companies/"+fresh.ID, nil), http.StatusOK)

	h.clock.Advance(5 * time.Second)
	page = decode[codat.Page[codat.Company]](t, h.do("GET", "/companies", nil))
	if page.TotalResults != 2 || len(page.Results) != 2 {
		t.Errorf("after the delay: total %d, %d results, want both companies", page.TotalResults, len(page.Results))
	}
}
