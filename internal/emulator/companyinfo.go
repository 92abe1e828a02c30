package emulator

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// The company info a platform reports is generated from the company id, so
// it is the same on every read and every run, yet differs between companies.
// Names, numbers and addresses are fictional; phone numbers use ranges
// reserved for drama (Ofcom 020 7946 0xxx, NANP 555-01xx, ACMA 02 5550 xxxx).

type infoLocale struct {
	country, currency string
	fyStart           time.Month
	legalSuffix       string
	places            []place
	phone             func(n uint64) string
	mobile            func(n uint64) string
	registration      func(n uint64) string
	tax               func(n uint64) string
}

type place struct{ city, region, postalCode string }

var infoLocales = []infoLocale{
	{
		country: "United Kingdom", currency: "GBP", fyStart: time.April, legalSuffix: "Limited",
		places: []place{{"London", "Greater London", "EC1V 9NR"}, {"Manchester", "Greater Manchester", "M1 4BT"},
			{"Bristol", "City of Bristol", "BS1 5TR"}, {"Leeds", "West Yorkshire", "LS1 4DY"}},
		phone:        func(n uint64) string { return fmt.Sprintf("+44 20 7946 0%03d", n%1000) },
		mobile:       func(n uint64) string { return fmt.Sprintf("+44 7700 900%03d", n%1000) },
		registration: func(n uint64) string { return fmt.Sprintf("%08d", n%100000000) },
		tax:          func(n uint64) string { return fmt.Sprintf("GB%09d", n%1000000000) },
	},
	{
		country: "United States", currency: "USD", fyStart: time.January, legalSuffix: "Inc.",
		places: []place{{"Austin", "TX", "78701"}, {"Denver", "CO", "80202"},
			{"Portland", "OR", "97205"}, {"Chicago", "IL", "60601"}},
		phone:        func(n uint64) string { return fmt.Sprintf("(512) 555-01%02d", n%100) },
		mobile:       func(n uint64) string { return fmt.Sprintf("(303) 555-01%02d", n%100) },
		registration: func(n uint64) string { return fmt.Sprintf("%07d", n%10000000) },
		tax:          func(n uint64) string { return fmt.Sprintf("%02d-%07d", 10+n%89, (n/100)%10000000) },
	},
	{
		country: "Australia", currency: "AUD", fyStart: time.July, legalSuffix: "Pty Ltd",
		places: []place{{"Sydney", "NSW", "2000"}, {"Melbourne", "VIC", "3000"},
			{"Brisbane", "QLD", "4000"}, {"Perth", "WA", "6000"}},
		phone:  func(n uint64) string { return fmt.Sprintf("+61 2 5550 %04d", n%10000) },
		mobile: func(n uint64) string { return fmt.Sprintf("+61 491 570 %03d", n%1000) },
		registration: func(n uint64) string {
			d := fmt.Sprintf("%09d", n%1000000000)
			return d[0:3] + " " + d[3:6] + " " + d[6:9]
		},
		tax: func(n uint64) string {
			d := fmt.Sprintf("%011d", n%100000000000)
			return d[0:2] + " " + d[2:5] + " " + d[5:8] + " " + d[8:11]
		},
	},
}

var (
	infoNameFirst = []string{"Bramble", "Harbour", "Juniper", "Copperfield", "Northwind", "Silverline", "Oakridge",
		"Bluebell", "Kestrel", "Meadowbrook", "Ironbridge", "Larkspur", "Foxglove", "Riverside", "Thistle", "Granite"}
	infoNameSecond = []string{"Joinery", "Bakery", "Logistics", "Studios", "Consulting", "Outfitters", "Coffee Roasters",
		"Engineering", "Gardens", "Print Works", "Surveyors", "Brewing"}
	infoStreets = []string{"High Street", "Station Road", "Mill Lane", "Market Square", "Church Street", "Victoria Road",
		"Queen Street", "Harbour Way"}
)

// infoSeed draws deterministic numbers from a company id.
type infoSeed [sha256.Size]byte

func (s *infoSeed) n(i int) uint64 { return binary.BigEndian.Uint64(s[(i*8)%(len(s)-7):]) }

func pick[T any](list []T, n uint64) T { return list[n%uint64(len(list))] }

// platformCompanyName is the name the company has in its platform, which
// the link page confirms once the company data type has synced.
func platformCompanyName(companyID string) string {
	seed := infoSeed(sha256.Sum256([]byte(companyID)))
	return pick(infoNameFirst, seed.n(0)) + " " + pick(infoNameSecond, seed.n(1))
}

// generateCompanyInfo is the CompanyInfo a platform reports for a company.
func generateCompanyInfo(companyID, platformKey, platformName string) codat.CompanyInfo {
	seed := infoSeed(sha256.Sum256([]byte(companyID)))
	loc := pick(infoLocales, seed.n(2))
	name := platformCompanyName(companyID)
	slug := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	where := pick(loc.places, seed.n(3))

	fyStart := time.Date(2026, loc.fyStart, 1, 0, 0, 0, 0, time.UTC)
	created := time.Date(2008+int(seed.n(4)%15), time.Month(1+seed.n(5)%12), 1+int(seed.n(6)%28), 0, 0, 0, 0, time.UTC)

	ref, sourceURLs := platformReference(companyID, platformKey, platformName, seed)
	return codat.CompanyInfo{
		CompanyName:           name,
		AccountingPlatformRef: ref,
		CompanyLegalName:      name + " " + loc.legalSuffix,
		Addresses: []codat.Address{
			{
				Type:       "Billing",
				Line1:      fmt.Sprintf("%d %s", 1+seed.n(7)%180, pick(infoStreets, seed.n(8))),
				Line2:      fmt.Sprintf("Unit %d", 1+seed.n(9)%40),
				City:       where.city,
				Region:     where.region,
				Country:    loc.country,
				PostalCode: where.postalCode,
			},
			{
				Type:       "Delivery",
				Line1:      fmt.Sprintf("%d %s", 1+seed.n(10)%180, pick(infoStreets, seed.n(11))),
				City:       where.city,
				Region:     where.region,
				Country:    loc.country,
				PostalCode: where.postalCode,
			},
		},
		PhoneNumbers: []codat.PhoneNumber{
			{Number: loc.phone(seed.n(12)), Type: "Primary"},
			{Number: loc.mobile(seed.n(13)), Type: "Mobile"},
		},
		WebLinks: []codat.WebLink{
			{Type: "Website", URL: "https://www." + slug + ".example.com"},
			{Type: "Social", URL: "https://www.linkedin.com/company/" + slug},
		},
		LedgerLockDate:         formatTime(fyStart.AddDate(0, 0, -1)),
		RegistrationNumber:     loc.registration(seed.n(14)),
		TaxNumber:              loc.tax(seed.n(15)),
		FinancialYearStartDate: formatTime(fyStart),
		BaseCurrency:           loc.currency,
		SourceURLs:             sourceURLs,
		CreatedDate:            formatTime(created),
	}
}

// platformReference is the company's id in its platform and the platform's
// deep links, in the style each platform uses.
func platformReference(companyID, platformKey, platformName string, seed infoSeed) (string, map[string]string) {
	orgID := uuid.NewSHA1(emulatorNamespace, []byte("platform-company:"+companyID)).String()
	switch platformKey {
	case "gbol": // Xero: organisation ids are uuids; links use a short code.
		short := fmt.Sprintf("!%05X", seed.n(16)%0xFFFFF)
		return orgID, map[string]string{
			"Organisation": "https://go.xero.com/organisationlogin/default.aspx?shortcode=" + short,
		}
	case "qhyg", "ndsk": // QuickBooks Online: numeric realm ids.
		realm := fmt.Sprintf("9341%011d", seed.n(17)%100000000000)
		host := "app.qbo.intuit.com"
		if platformKey == "ndsk" {
			host = "app.sandbox.qbo.intuit.com"
		}
		return realm, map[string]string{"Company": "https://" + host + "/app/homepage?realmId=" + realm}
	}
	key := platformKey
	if key == "" {
		key = "platform"
	}
	return orgID, map[string]string{platformName: "https://" + key + ".platform.example.com/companies/" + orgID}
}
