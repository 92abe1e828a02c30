package emulator

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

func TestIntegrationCatalogue(t *testing.T) {
	t.Parallel()
	keyPattern := regexp.MustCompile(`^[a-z]{4}$`)
	logoPattern := regexp.MustCompile(`^https://static\.codat\.io/public/officialLogos/Full/[0-9A-F-]{36}\.png$`)
	seen := map[string]bool{}
	sourceTypes := map[string]int{}
	var disabled, beta, offline, withFeatures int
	for _, in := range integrationCatalogue {
		if !keyPattern.MatchString(in.Key) || seen[in.Key] {
			t.Errorf("bad or duplicate key %q", in.Key)
		}
		seen[in.Key] = true
		if !logoPattern.MatchString(in.LogoURL) || in.Name == "" || in.DataProvidedBy == "" {
			t.Errorf("%s: %+v", in.Key, in)
		}
		wantUUID(t, in.Key+".sourceId", in.SourceID)
		wantUUID(t, in.Key+".integrationId", in.IntegrationID)
		sourceTypes[in.SourceType]++
		if !in.Enabled {
			disabled++
		}
		if in.IsBeta {
			beta++
		}
		if in.IsOfflineConnector {
			offline++
		}
		if len(in.DatatypeFeatures) > 0 {
			withFeatures++
		}
		for _, f := range in.DatatypeFeatures {
			if !slices.Contains(codat.DataTypes, f.DataType) || len(f.SupportedFeatures) == 0 {
				t.Errorf("%s: feature %+v", in.Key, f)
			}
			for _, sf := range f.SupportedFeatures {
				if !slices.Contains(strings.Fields("Get Post Categorization Delete Put GetAsPdf DownloadAttachment GetAttachment GetAttachments UploadAttachment"), sf.FeatureType) ||
					!slices.Contains([]string{"Release", "Alpha", "Beta", "Deprecated", "NotSupported", "NotImplemented"}, sf.FeatureState) {
					t.Errorf("%s: supported feature %+v", in.Key, sf)
				}
			}
		}
	}
	if n := len(integrationCatalogue); n < 28 || n > 40 {
		t.Errorf("catalogue has %d integrations", n)
	}
	for _, st := range []string{"Accounting", "Banking", "Commerce", "BankFeed", "Expense"} {
		if sourceTypes[st] == 0 {
			t.Errorf("no %s integration", st)
		}
	}
	if disabled == 0 || beta == 0 || offline == 0 || withFeatures < 3 {
		t.Errorf("disabled %d, beta %d, offline %d, with features %d", disabled, beta, offline, withFeatures)
	}
	for key, name := range map[string]string{"gbol": "Xero", "qhyg": "QuickBooks Online", "pqsw": "QuickBooks Desktop", "knfz": "Sage Intacct", "fbrh": "FreeAgent"} {
		if in, ok := integrationByKey(key); !ok || in.Name != name {
			t.Errorf("%s = %+v", key, in)
		}
	}
	if in, _ := integrationByKey("pqsw"); !in.IsOfflineConnector {
		t.Error("QuickBooks Desktop is not an offline connector")
	}
	// Ids are stable across builds.
	again := buildCatalogue()
	if again[0].IntegrationID != integrationCatalogue[0].IntegrationID {
		t.Error("integration ids are not deterministic")
	}
}

func TestListAndGetIntegrations(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	page := decode[codat.Page[codat.Integration]](t, h.do("GET", "/integrations", nil))
	if page.TotalResults != len(integrationCatalogue) || len(page.Results) != len(integrationCatalogue) ||
		page.Links.Self.Href != "/integrations" {
		t.Errorf("list: total %d, results %d", page.TotalResults, len(page.Results))
	}
	page = decode[codat.Page[codat.Integration]](t, h.do("GET", "/integrations?query="+escape("key=gbol"), nil))
	if page.TotalResults != 1 || page.Results[0].Name != "Xero" {
		t.Errorf("key=gbol: %+v", page.Results)
	}
	page = decode[codat.Page[codat.Integration]](t, h.do("GET", "/integrations?query="+escape("sourceType=Banking && enabled=true")+"&orderBy=-name", nil))
	if page.TotalResults < 3 {
		t.Errorf("banking: %d", page.TotalResults)
	}
	for i, in := range page.Results {
		if in.SourceType != "Banking" || !in.Enabled || (i > 0 && in.Name > page.Results[i-1].Name) {
			t.Errorf("banking result %d = %+v", i, in)
		}
	}
	page = decode[codat.Page[codat.Integration]](t, h.do("GET", "/integrations?query="+escape("enabled=false || isOfflineConnector=true"), nil))
	for _, in := range page.Results {
		if in.Enabled && !in.IsOfflineConnector {
			t.Errorf("unexpected %+v", in)
		}
	}
	wantError(t, h.do("GET", "/integrations?query="+escape("datatypeFeatures=x"), nil), http.StatusBadRequest, "Could not resolve property datatypeFeatures on Integration")

	rec := h.do("GET", "/integrations/qhyg", nil)
	wantStatus(t, rec, http.StatusOK)
	if in := decode[codat.Integration](t, rec); in.Name != "QuickBooks Online" || len(in.DatatypeFeatures) == 0 {
		t.Errorf("qhyg = %+v", in)
	}
	wantError(t, h.do("GET", "/integrations/zzzz", nil), http.StatusNotFound, "zzzz")
}

// TestCatalogueAgreesWithQueueing: a data type a catalogue entry says its
// platform cannot read (Get NotSupported or NotImplemented) is one the
// queue refuses with 404, so a client may trust the catalogue at plan time.
func TestCatalogueAgreesWithQueueing(t *testing.T) {
	checked := 0
	for _, p := range platforms {
		for _, f := range p.features {
			for _, s := range f.SupportedFeatures {
				if s.FeatureType == "Get" && (s.FeatureState == "NotSupported" || s.FeatureState == "NotImplemented") {
					checked++
					if dataTypeSupported(p.sourceType, f.DataType) {
						t.Errorf("%s (%s): the catalogue says it cannot read %s, but the queue accepts it", p.key, p.name, f.DataType)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no catalogue entry says a platform cannot read a data type: nothing to check")
	}
}
