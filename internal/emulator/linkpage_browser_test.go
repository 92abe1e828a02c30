package emulator_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
	"github.com/codat-community/terraform-provider-codat/internal/testdeps"
)

// browserPath finds the headless browser for the link-page test: Debian's
// chromium (installed by .ci/run), or CODAT_BROWSER; without one the test
// skips (fails under CODAT_REQUIRE_ALL_TESTS=1).
func browserPath(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("CODAT_BROWSER"); path != "" {
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	testdeps.Missing(t, "needs a headless Chromium: apt-get install chromium, or set CODAT_BROWSER to a Chrome or Chromium binary")
	return ""
}

// TestLinkPage_AuthoriseInBrowser opens a connection's linkUrl in a real
// headless browser, as the business would, clicks Authorise, and checks that
// the API then reports the connection Linked.
func TestLinkPage_AuthoriseInBrowser(t *testing.T) {
	exe := browserPath(t)
	emu := emulator.New(emulator.Options{SyncStepDuration: emulator.NoSyncDelay})
	server := httptest.NewServer(emu)
	defer server.Close()
	client, err := codat.New(codat.Config{BaseURL: server.URL, APIKey: emu.APIKey()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	company, err := client.CreateCompany(ctx, codat.CompanyRequest{Name: "Browser Bakery"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.CreateConnection(ctx, company.ID, "gbol")
	if err != nil {
		t.Fatal(err)
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		// The machine has no network: stop Chromium reaching for Google's hosts.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	browserCtx, cancelTimeout := context.WithTimeout(browserCtx, 60*time.Second)
	defer cancelTimeout()

	if err := chromedp.Do(browserCtx, chromedp.Navigate(conn.LinkURL)); err != nil {
		t.Fatalf("opening the link page %s: %v", conn.LinkURL, err)
	}
	title, err := chromedp.Run(browserCtx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	before, err := chromedp.Run(browserCtx, chromedp.Text(chromedp.CSS("#status")))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(browserCtx,
		chromedp.Click(chromedp.CSS("#authorise")),
		// The form posts and the emulator redirects back to the page, which
		// then confirms the link.
		chromedp.WaitVisible(chromedp.CSS("#linked")),
	)
	if err != nil {
		t.Fatalf("clicking Authorise on %s: %v", conn.LinkURL, err)
	}
	after, err := chromedp.Run(browserCtx, chromedp.Text(chromedp.CSS("#status")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(before, string(codat.StatusPendingAuth)) {
		t.Errorf("before authorising, the page shows status %q, want %s", before, codat.StatusPendingAuth)
	}
	if !strings.Contains(after, string(codat.StatusLinked)) {
		t.Errorf("after authorising, the page shows status %q, want %s", after, codat.StatusLinked)
	}
	// The seed's confirmation step: the page names the company as the
	// platform knows it, so the business can check it linked the right one.
	confirmed, err := chromedp.Run(browserCtx, chromedp.Text(chromedp.CSS("#platform-company-name")))
	if err != nil {
		t.Fatal(err)
	}
	info, err := client.GetCompanyInfo(ctx, company.ID)
	if err != nil {
		t.Fatal(err)
	}
	if confirmed != info.CompanyName {
		t.Errorf("confirmation page names %q, data/info says %q", confirmed, info.CompanyName)
	}
	got, err := client.GetConnection(ctx, company.ID, conn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != codat.StatusLinked {
		t.Fatalf("API reports the connection %s after Authorise in the browser, want %s", got.Status, codat.StatusLinked)
	}
	t.Logf("page %q: status %q -> %q, confirms %q; API: %s", title, before, after, confirmed, got.Status)
}
