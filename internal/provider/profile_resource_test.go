package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

const (
	brandingAddr     = "codat_profile.test"
	routePutProfile  = "PUT /profile"
	profileResConfig = "resource \"codat_profile\" \"test\" {\n%s\n}\n"
)

func brandingConfig(env *testEnv, body string) string {
	return env.providerBlock() + fmt.Sprintf(profileResConfig, body)
}

func profileAtCodat(t *testing.T, env *testEnv) *codat.Profile {
	t.Helper()
	return atCodat(t, env, env.Client.GetProfile)
}

// checkProfileIs compares Codat's profile with want.
func checkProfileIs(t *testing.T, env *testEnv, want func() codat.Profile) resource.TestCheckFunc {
	return checkAtCodat(t, env, "profile", env.Client.GetProfile, func() *codat.Profile { p := want(); return &p })
}

// TestAccProfile_lifecycle: only the attributes set are changed (a GET and
// a PUT), the others are shown as Codat has them; an attribute no longer set
// keeps its value; drift on a managed attribute is put back and a change to
// another one only shows; import takes "profile"; destroy restores what
// Terraform changed and keeps what others changed.
func TestAccProfile_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	original := *profileAtCodat(t, env)
	const icon = "https://img.example.com/changed-in-the-portal.ico"
	updated := brandingConfig(env, `  name            = "Harbour Lending"
  redirect_url    = "https://app.harbour.example/linked/{companyId}?status={statusCode}"
  white_list_urls = ["https://app.harbour.example"]`)
	after := func() codat.Profile {
		p := original
		p.Name, p.LogoURL, p.RedirectURL = "Harbour Lending", "https://img.harbour.example/logo.png", "https://app.harbour.example/linked/{companyId}?status={statusCode}"
		p.WhiteListURLs, p.IconURL = []string{"https://app.harbour.example"}, icon
		return p
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		// Terraform's changes undone; the icon changed in the Portal kept.
		CheckDestroy: checkProfileIs(t, env, func() codat.Profile { p := original; p.IconURL = icon; return p }),
		Steps: []resource.TestStep{
			{
				PreConfig: env.Emulator.ResetRequestCounts,
				Config: brandingConfig(env, `  name     = "Harbour Lending"
  logo_url = "https://img.harbour.example/logo.png"`),
				ConfigPlanChecks: emptyPlanAfter(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(brandingAddr, tfjsonpath.New("redirect_url"), knownvalue.StringExact(original.RedirectURL)),
					statecheck.ExpectKnownValue(brandingAddr, tfjsonpath.New("id"), knownvalue.StringExact("profile")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkProfileIs(t, env, func() codat.Profile {
						p := original
						p.Name, p.LogoURL = "Harbour Lending", "https://img.harbour.example/logo.png"
						return p
					}),
					checkRoutes(env, map[string]int{routePutProfile: 1}),
				),
			},
			{
				PreConfig: func() {
					env.Emulator.ResetRequestCounts()
					// A field this configuration never sets, changed in the Portal.
					if _, err := env.Client.ModifyProfile(env.ctx(t), func(p *codat.Profile) { p.IconURL = icon }); err != nil {
						t.Fatal(err)
					}
				},
				Config: updated,
				ConfigPlanChecks: emptyPlanAfter(
					plancheck.ExpectResourceAction(brandingAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(brandingAddr, tfjsonpath.New("icon_url"), knownvalue.StringExact(icon)),
					plancheck.ExpectKnownValue(brandingAddr, tfjsonpath.New("logo_url"), knownvalue.StringExact("https://img.harbour.example/logo.png")),
				),
				Check: checkProfileIs(t, env, after),
			},
			{
				// Drift on a managed attribute: shown, and put back.
				PreConfig: func() {
					if _, err := env.Client.ModifyProfile(env.ctx(t), func(p *codat.Profile) { p.Name = "Renamed in the Portal" }); err != nil {
						t.Fatal(err)
					}
				},
				Config: updated,
				ConfigPlanChecks: emptyPlanAfter(
					expectPlannedChange(brandingAddr, tfjsonpath.New("name"), knownvalue.StringExact("Renamed in the Portal"), knownvalue.StringExact("Harbour Lending")),
				),
				Check: checkProfileIs(t, env, after),
			},
			importVerifyStep(brandingAddr, "profile"),
			importFailsStep(brandingAddr, "branding", messageRE(`import it with the id "profile", got "branding"`)),
		},
	})
}

// TestAccProfile_clearsAndImportsWithoutChanging: an import block with the
// profile as it is changes nothing, and destroying it sends nothing; ""
// clears a logo.
func TestAccProfile_clearsAndImportsWithoutChanging(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	if _, err := env.Client.ModifyProfile(env.ctx(t), func(p *codat.Profile) { p.LogoURL = "https://img.example.com/logo.png" }); err != nil {
		t.Fatal(err)
	}
	original := *profileAtCodat(t, env)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkProfileIs(t, env, func() codat.Profile { return original }),
		Steps: []resource.TestStep{
			importUnchangedStep(env, brandingConfig(env, fmt.Sprintf("  name = %q", original.Name)), brandingAddr, "profile", routePutProfile),
			{
				Config: brandingConfig(env, `  logo_url = ""`),
				Check: checkProfileIs(t, env, func() codat.Profile {
					p := original
					p.LogoURL = ""
					return p
				}),
			},
		},
	})
}
