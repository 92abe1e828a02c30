package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

// bigClientResult is a plan of a few companies in a client holding many
// more: what a refresh costs when the company list is large.
type bigClientResult struct {
	n, total int
	plan     phaseResult
}

// bigClientRun seeds the emulator with total-n companies (each with a
// connection), then applies n more through Terraform, so that they come last
// in the list, and plans them.
func (b *bencher) bigClientRun(ctx context.Context, total, n int) (*bigClientResult, error) {
	b.emu.Reset()
	defer b.emu.Reset()
	fmt.Fprintf(os.Stderr, "a client of %d companies: seeding %d\n", total, total-n)
	if err := seedCompanies(b.emu, total-n); err != nil {
		return nil, err
	}
	dir := filepath.Join(b.work, fmt.Sprintf("client-%d-of-%d", n, total))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(configuration(scCodat, n)), 0o600); err != nil {
		return nil, err
	}
	res := &bigClientResult{n: n, total: total}
	for _, phase := range phases {
		r, err := b.phase(ctx, dir, scCodat, phase, n)
		if err != nil {
			return nil, err
		}
		if phase == "plan" {
			res.plan = r
		}
	}
	return res, nil
}

// seedCompanies creates n companies with a connection each, in process.
func seedCompanies(emu *emulator.Emulator, n int) error {
	send := func(path, body string, out any) error {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Authorization", emu.AuthorizationHeader())
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("seeding: POST %s: %d %s", path, rec.Code, rec.Body)
		}
		return json.Unmarshal(rec.Body.Bytes(), out)
	}
	for i := range n {
		var company struct{ ID string }
		if err := send("/companies", fmt.Sprintf(`{"name":"Other company %d"}`, i), &company); err != nil {
			return err
		}
		var conn struct{ ID string }
		if err := send("/companies/"+company.ID+"/connections", `{"platformKey":"gbol"}`, &conn); err != nil {
			return err
		}
	}
	return nil
}
