package emulator

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// The link pages stand in for Codat Link: a business opens its company's
// redirect URL or a connection's linkUrl in a browser, picks a platform and
// authorises it. They need no API key and are never faulted. Elements tests
// drive have stable ids: #authorise, #cancel, #status, #licence-key,
// #platform-<key>, #connection-<id>, #platform-company-name, #cancelled.

// companyLinkPage is the data behind a company's redirect page.
type companyLinkPage struct {
	Base        string
	Company     codat.Company
	Connections []codat.Connection
	Groups      []platformGroup
}

type platformGroup struct {
	SourceType   string
	Integrations []codat.Integration
}

// connectionLinkPage is the data behind a connection's linkUrl page.
type connectionLinkPage struct {
	Base                string
	Company             codat.Company
	Connection          codat.Connection
	Integration         codat.Integration
	Linked              bool
	Cancelled           bool
	PlatformCompanyName string // empty until the company data type has synced
}

func (s *store) companyLinkPage(companyID, base string) (companyLinkPage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return companyLinkPage{}, err
	}
	page := companyLinkPage{Base: base, Company: s.companyView(c, base)}
	page.Connections = page.Company.DataConnections
	for _, sourceType := range []string{codat.SourceTypeAccounting, codat.SourceTypeBanking, codat.SourceTypeCommerce,
		codat.SourceTypeBankFeed, codat.SourceTypeExpense} {
		group := platformGroup{SourceType: sourceType}
		for _, in := range integrationCatalogue {
			if in.Enabled && in.SourceType == sourceType {
				group.Integrations = append(group.Integrations, in)
			}
		}
		if len(group.Integrations) > 0 {
			page.Groups = append(page.Groups, group)
		}
	}
	return page, nil
}

func (s *store) connectionLinkPage(companyID, connectionID, base string) (connectionLinkPage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.company(companyID)
	if err != nil {
		return connectionLinkPage{}, err
	}
	conn, err := c.connection(connectionID)
	if err != nil {
		return connectionLinkPage{}, err
	}
	now := s.now()
	page := connectionLinkPage{
		Base:       base,
		Company:    s.companyView(c, base),
		Connection: s.connectionView(c, conn, base, now),
		Linked:     conn.Status == codat.StatusLinked,
	}
	page.Integration, _ = integrationByKey(conn.IntegrationKey)
	if page.Integration.Key == "" { // platform gone from the catalogue
		page.Integration = codat.Integration{Key: conn.IntegrationKey, Name: conn.PlatformName}
	}
	if info, ok := s.companyInfoLocked(c, now); ok {
		page.PlatformCompanyName = info.CompanyName
	}
	return page, nil
}

func (e *Emulator) handleCompanyLinkPage(w http.ResponseWriter, r *http.Request) {
	page, err := e.store.companyLinkPage(r.PathValue("companyId"), e.baseURL(r))
	if err != nil {
		renderLinkError(w, err)
		return
	}
	render(w, http.StatusOK, "company", page)
}

// handleLinkCreateConnection is the company page's platform choice: it
// creates the connection and sends the browser to its page.
func (e *Emulator) handleLinkCreateConnection(w http.ResponseWriter, r *http.Request) {
	base := e.baseURL(r)
	conn, err := e.store.createConnection(r.PathValue("companyId"), r.PostFormValue("platformKey"), base)
	if err != nil {
		renderLinkError(w, err)
		return
	}
	http.Redirect(w, r, conn.LinkURL, http.StatusSeeOther)
}

func (e *Emulator) handleConnectionLinkPage(w http.ResponseWriter, r *http.Request) {
	page, err := e.store.connectionLinkPage(r.PathValue("companyId"), r.PathValue("connectionId"), e.baseURL(r))
	if err != nil {
		renderLinkError(w, err)
		return
	}
	page.Cancelled = r.URL.Query().Get("outcome") == "cancelled" && !page.Linked
	render(w, http.StatusOK, "connection", page)
}

// handleLinkAuthorize links the connection and shows the confirmation
// (post/redirect/get, so a reload does not post again).
func (e *Emulator) handleLinkAuthorize(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if err := e.store.authorize(companyID, connectionID); err != nil {
		renderLinkError(w, err)
		return
	}
	http.Redirect(w, r, connectionLinkURL(e.baseURL(r), companyID, connectionID), http.StatusSeeOther)
}

// handleLinkCancel leaves the status as it was and says so.
func (e *Emulator) handleLinkCancel(w http.ResponseWriter, r *http.Request) {
	companyID, connectionID := r.PathValue("companyId"), r.PathValue("connectionId")
	if _, err := e.store.getConnection(companyID, connectionID, ""); err != nil {
		renderLinkError(w, err)
		return
	}
	http.Redirect(w, r, connectionLinkURL(e.baseURL(r), companyID, connectionID)+"?outcome=cancelled", http.StatusSeeOther)
}

// renderLinkError shows a browser an HTML error page: link pages are for
// people, not API clients.
func renderLinkError(w http.ResponseWriter, err error) {
	status, message := http.StatusInternalServerError, "Something went wrong."
	var ae *apiError
	if errors.As(err, &ae) {
		status, message = ae.status, ae.message
		if len(ae.validation) > 0 && ae.validation[0].Message != "" {
			message += " " + ae.validation[0].Message
		}
	}
	render(w, status, "error", struct {
		Status  int
		Message string
	}{status, message})
}

func render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := linkTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var linkTemplates = template.Must(template.New("link").Parse(linkTemplateText))

const linkTemplateText = `
{{define "head"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} · Codat emulator</title>
<style>
 body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f4f5f9;color:#1d1d35}
 main{max-width:40rem;margin:2rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px #0001}
 h1{font-size:1.4rem;margin-top:0} h2{font-size:1.05rem;margin-top:1.5rem}
 .note{background:#fff8e1;border-left:4px solid #f5b700;padding:.75rem 1rem;border-radius:4px}
 .ok{background:#e8f7ee;border-left:4px solid #1c9a50;padding:.75rem 1rem;border-radius:4px}
 .muted{color:#666;font-size:.9rem}
 .platform{display:flex;align-items:center;gap:.75rem} .platform img{height:32px;max-width:96px}
 .status{font-weight:600}
 button{font:inherit;padding:.55rem 1.2rem;border-radius:6px;border:1px solid #1d1d35;background:#fff;cursor:pointer}
 button.primary{background:#1d1d35;color:#fff}
 .choices button{margin:.25rem .25rem .25rem 0}
 .badge{font-size:.7rem;background:#eef;border-radius:4px;padding:0 .3rem;margin-left:.3rem}
 ul{padding-left:1.1rem} code{background:#f0f0f5;padding:.1rem .35rem;border-radius:4px;font-size:1rem}
 form{display:inline}
</style>
</head>
<body><main>
{{end}}

{{define "foot"}}
<p class="muted">This is the local Codat emulator, not Codat Link. No real platform is contacted.</p>
</main></body></html>
{{end}}

{{define "company"}}{{template "head" .Company.Name}}
<h1 id="company-name">Connect {{.Company.Name}}</h1>
<p>Share your business data by connecting the software you use.</p>
{{if .Connections}}
<h2>Your connections</h2>
<ul id="connections">
{{range .Connections}}
 <li><a id="connection-{{.ID}}" href="{{.LinkURL}}">{{.PlatformName}}</a>
  ({{.SourceType}}) <span class="status" data-connection="{{.ID}}">{{.Status}}</span></li>
{{end}}
</ul>
{{end}}
<h2>Connect a platform</h2>
<form method="post" action="{{.Base}}/link/company/{{.Company.ID}}/connections" class="choices">
{{range .Groups}}
 <fieldset><legend>{{.SourceType}}</legend>
 {{range .Integrations}}<button type="submit" name="platformKey" value="{{.Key}}" id="platform-{{.Key}}">{{.Name}}{{if .IsBeta}}<span class="badge">beta</span>{{end}}{{if .IsOfflineConnector}}<span class="badge">desktop</span>{{end}}</button>
 {{end}}
 </fieldset>
{{end}}
</form>
{{template "foot"}}{{end}}

{{define "connection"}}{{template "head" .Integration.Name}}
<div class="platform">
 {{if .Integration.LogoURL}}<img src="{{.Integration.LogoURL}}" alt="{{.Integration.Name}} logo" id="platform-logo">{{end}}
 <h1 id="platform-name">{{.Integration.Name}}</h1>
</div>
<p><strong id="company-name">{{.Company.Name}}</strong> is connecting to {{.Integration.Name}} ({{.Connection.SourceType}}).</p>
<p>Status: <span class="status" id="status">{{.Connection.Status}}</span></p>
{{if .Cancelled}}<p class="note" id="cancelled">You cancelled. Nothing was shared, and you can authorise later from this page.</p>{{end}}
{{if .Integration.IsOfflineConnector}}
<div class="note" id="offline-connector">
 <p><strong>{{.Integration.Name}} runs on your own computer.</strong> Install the Codat connector on the
 <strong>same computer as {{.Integration.Name}}</strong>, open the installation wizard from your downloads and,
 when asked, enter this licence key:</p>
 <p><code id="licence-key">{{.Company.ID}}</code></p>
</div>
{{end}}
{{if .Linked}}
<div class="ok" id="linked">
 <p>{{.Integration.Name}} is <strong>Linked</strong>. Your first sync has started.</p>
 {{if .PlatformCompanyName}}<p>Linked company: <strong id="platform-company-name">{{.PlatformCompanyName}}</strong>.
 If that is not your business, contact the company that sent you this link.</p>
 {{else}}<p class="muted" id="fetching">We are fetching your company's details from {{.Integration.Name}}; refresh in a moment to confirm its name.</p>{{end}}
</div>
{{else}}
<p>Authorise to let the lender read your {{.Integration.Name}} data.</p>
<form method="post" action="{{.Base}}/link/companies/{{.Company.ID}}/connections/{{.Connection.ID}}/authorize"><button type="submit" class="primary" id="authorise">Authorise</button></form>
<form method="post" action="{{.Base}}/link/companies/{{.Company.ID}}/connections/{{.Connection.ID}}/cancel"><button type="submit" id="cancel">Cancel</button></form>
{{end}}
<p><a href="{{.Company.Redirect}}" id="back">All of {{.Company.Name}}'s connections</a></p>
{{template "foot"}}{{end}}

{{define "error"}}{{template "head" "Error"}}
<h1>Sorry, this link does not work</h1>
<p id="error" data-status="{{.Status}}">{{.Message}}</p>
{{template "foot"}}{{end}}
`
