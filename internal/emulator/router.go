package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// routeKind decides what runs before a route's handler.
type routeKind int

const (
	apiRoute     routeKind = iota // API key, faults, rate limits, counted
	linkRoute                     // HTML for a business's browser: counted only
	controlRoute                  // /_emulator/: never faulted or counted
)

// route is one method and path template, e.g. GET /companies/{companyId}.
type route struct {
	kind     routeKind
	method   string
	path     string
	segments []string
	handler  http.HandlerFunc
}

// key names the route in request counts and scripted faults.
func (rt *route) key() string { return rt.method + " " + rt.path }

// router matches paths segment by segment. It is hand-written rather than an
// http.ServeMux so that unknown paths and wrong methods can be told apart and
// answered with Codat error bodies, and so the route template is known before
// faults and counting run.
type router struct {
	routes []*route
}

func (rr *router) add(kind routeKind, method, path string, h http.HandlerFunc) {
	rr.routes = append(rr.routes, &route{
		kind: kind, method: method, path: path, segments: splitPath(path), handler: h,
	})
}

// match finds the route for method and path. With no route it returns the
// methods the path does support, if any (for a 405).
func (rr *router) match(method, path string) (*route, map[string]string, []string) {
	segments := splitPath(path)
	var allowed []string
	for _, rt := range rr.routes {
		params, ok := matchSegments(rt.segments, segments)
		if !ok {
			continue
		}
		if rt.method == method {
			return rt, params, nil
		}
		if !slices.Contains(allowed, rt.method) {
			allowed = append(allowed, rt.method)
		}
	}
	return nil, nil, allowed
}

// matchSegments compares literals case-insensitively, as Codat's ASP.NET
// routing does, and captures {name} segments.
func matchSegments(template, segments []string) (map[string]string, bool) {
	if len(template) != len(segments) {
		return nil, false
	}
	var params map[string]string
	for i, t := range template {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if segments[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[t[1:len(t)-1]] = segments[i]
			continue
		}
		if !strings.EqualFold(t, segments[i]) {
			return nil, false
		}
	}
	return params, true
}

// splitPath splits a path into segments, ignoring one trailing slash.
func splitPath(path string) []string {
	path = strings.TrimPrefix(path, "/")
	path = strings.TrimSuffix(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

func isControlPath(path string) bool {
	return strings.HasPrefix(strings.ToLower(path), "/_emulator/")
}
