package codat

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// pagedServer serves n integrations. It honours page and pageSize unless
// ignorePageSize is set (then it always uses its own size), and can omit
// totalResults or next links to mimic other servers.
type pagedServer struct {
	n              int
	ownPageSize    int // used when ignorePageSize
	ignorePageSize bool
	omitTotal      bool
	omitNext       bool
}

func (p pagedServer) handler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		size, _ := strconv.Atoi(q.Get("pageSize"))
		if p.ignorePageSize {
			size = p.ownPageSize
		}
		if page < 1 || size < 1 {
			t.Errorf("bad paging query %q", r.URL.RawQuery)
		}
		var results []Integration
		for i := (page - 1) * size; i < min(page*size, p.n); i++ {
			results = append(results, Integration{Key: fmt.Sprintf("k%03d", i)})
		}
		out := Page[Integration]{Results: results, PageNumber: page, PageSize: size,
			Links: Links{Self: Href{"/integrations"}, Current: Href{r.URL.RequestURI()}}}
		if !p.omitTotal {
			out.TotalResults = p.n
		}
		if !p.omitNext && page*size < p.n {
			out.Links.Next = &Href{fmt.Sprintf("/integrations?page=%d&pageSize=%d", page+1, size)}
		}
		respondJSON(200, out)(w, r)
	}
}

func TestListSendsMaxPageSizeAndStopsAfterOnePage(t *testing.T) {
	srv := newScriptedServer(t, pagedServer{n: 300}.handler(t))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	got, err := c.ListIntegrations(context.Background(), ListOptions{Query: "sourceType=Accounting", OrderBy: "-name"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 300 {
		t.Errorf("got %d integrations", len(got))
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d, want 1", len(reqs))
	}
	q, _ := url.ParseQuery(reqs[0].RawQuery)
	if q.Get("pageSize") != "5000" || q.Get("page") != "1" || q.Get("query") != "sourceType=Accounting" ||
		q.Get("orderBy") != "-name" {
		t.Errorf("query = %q", reqs[0].RawQuery)
	}
}

func TestListFollowsPages(t *testing.T) {
	cases := map[string]struct {
		server   pagedServer
		pageSize int
		wantReqs int
	}{
		"exact multiple":        {pagedServer{n: 15}, 5, 3},
		"partial last page":     {pagedServer{n: 12}, 5, 3},
		"empty":                 {pagedServer{n: 0}, 5, 1},
		"no total, next links":  {pagedServer{n: 12, omitTotal: true}, 5, 3},
		"no total, no next":     {pagedServer{n: 12, omitTotal: true, omitNext: true}, 5, 1},
		"server ignores size":   {pagedServer{n: 250, ignorePageSize: true, ownPageSize: 100}, 0, 3},
		"ignores size, no tot.": {pagedServer{n: 250, ignorePageSize: true, ownPageSize: 100, omitTotal: true}, 0, 3},
		"exact, no total":       {pagedServer{n: 10, omitTotal: true}, 5, 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newScriptedServer(t, tc.server.handler(t))
			c := newTestClient(t, srv.URL, RetryPolicy{})
			got, err := c.ListIntegrations(context.Background(), ListOptions{PageSize: tc.pageSize})
			if err != nil {
				t.Fatal(err)
			}
			wantItems := tc.server.n
			if tc.server.omitTotal && tc.server.omitNext {
				wantItems = min(tc.server.n, tc.pageSize)
			}
			if len(got) != wantItems {
				t.Errorf("got %d items, want %d", len(got), wantItems)
			}
			for i, item := range got {
				if item.Key != fmt.Sprintf("k%03d", i) {
					t.Fatalf("item %d = %q (duplicate or missing page)", i, item.Key)
				}
			}
			assertRequestCount(t, srv, tc.wantReqs)
		})
	}
}

func TestListRejectsServerThatIgnoresPageNumber(t *testing.T) {
	stuck := respondJSON(200, Page[Integration]{Results: []Integration{{Key: "aaaa"}}, PageNumber: 1, PageSize: 1,
		TotalResults: 5})
	srv := newScriptedServer(t, stuck)
	c := newTestClient(t, srv.URL, RetryPolicy{})
	if _, err := c.ListIntegrations(context.Background(), ListOptions{PageSize: 1}); err == nil {
		t.Fatal("expected an error for a server repeating page 1")
	}
	assertRequestCount(t, srv, 2)
}

func TestListGivesUpAfterMaxPages(t *testing.T) {
	old := maxPages
	maxPages = 4
	defer func() { maxPages = old }()
	endless := func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		respondJSON(200, Page[Integration]{Results: []Integration{{Key: "aaaa"}}, PageNumber: page, PageSize: 1,
			Links: Links{Next: &Href{"/next"}}})(w, r)
	}
	srv := newScriptedServer(t, endless)
	c := newTestClient(t, srv.URL, RetryPolicy{})
	if _, err := c.ListIntegrations(context.Background(), ListOptions{PageSize: 1}); err == nil {
		t.Fatal("expected an error for an endless list")
	}
	assertRequestCount(t, srv, 4)
}

func TestListRejectsBadPageSize(t *testing.T) {
	c := newTestClient(t, "https://api.codat.io", RetryPolicy{})
	for _, size := range []int{-1, 5001} {
		if _, err := c.ListIntegrations(context.Background(), ListOptions{PageSize: size}); err == nil {
			t.Errorf("page size %d accepted", size)
		}
	}
}

func TestListCompaniesSendsTags(t *testing.T) {
	srv := newScriptedServer(t, respondJSON(200, Page[Company]{Results: []Company{sampleCompany}, PageNumber: 1,
		PageSize: 5000, TotalResults: 1}))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	got, err := c.ListCompanies(context.Background(), ListCompaniesOptions{Tags: "region=uk && team=x", Query: "name~Acme"})
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v", got, err)
	}
	q, _ := url.ParseQuery(srv.Requests()[0].RawQuery)
	if q.Get("tags") != "region=uk && team=x" || q.Get("query") != "name~Acme" || q.Get("pageSize") != "5000" {
		t.Errorf("query = %q", srv.Requests()[0].RawQuery)
	}
}

func TestListErrorIsAPIError(t *testing.T) {
	srv := newScriptedServer(t, respondStatus(400))
	c := newTestClient(t, srv.URL, RetryPolicy{})
	if _, err := c.ListCompanies(context.Background(), ListCompaniesOptions{Query: "bad query"}); !IsBadRequest(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestHasMorePages(t *testing.T) {
	next := &Href{"/x?page=2"}
	cases := []struct {
		name      string
		page      Page[int]
		collected int
		want      bool
	}{
		{"empty page", Page[int]{TotalResults: 10, Links: Links{Next: next}}, 0, false},
		{"total reached", Page[int]{Results: []int{1, 2}, TotalResults: 2}, 2, false},
		{"total not reached", Page[int]{Results: []int{1, 2}, TotalResults: 5, PageSize: 2}, 2, true},
		{"no total, next, full", Page[int]{Results: []int{1, 2}, PageSize: 2, Links: Links{Next: next}}, 2, true},
		{"no total, next, short", Page[int]{Results: []int{1}, PageSize: 2, Links: Links{Next: next}}, 1, false},
		{"no total, no next", Page[int]{Results: []int{1, 2}, PageSize: 2}, 2, false},
		{"no total, empty next href", Page[int]{Results: []int{1, 2}, PageSize: 2, Links: Links{Next: &Href{}}}, 2, false},
	}
	for _, tc := range cases {
		if got := hasMorePages(&tc.page, tc.collected, 2); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
