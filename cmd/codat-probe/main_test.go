package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

func TestRunCommand(t *testing.T) {
	t.Parallel()
	noEnv := func(string) string { return "" }
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, io.Discard, &stderr, noEnv); !errors.Is(err, flag.ErrHelp) ||
		!strings.Contains(stderr.String(), "-company") || !strings.Contains(stderr.String(), "CODAT_PROBE_COMPANY_ID") {
		t.Errorf("-h: %v\n%s", err, stderr.String())
	}
	if err := run(context.Background(), nil, io.Discard, io.Discard, noEnv); err == nil || !strings.Contains(err.Error(), "CODAT_API_KEY") {
		t.Errorf("without a key: %v", err)
	}
	if err := run(context.Background(), []string{"extra"}, io.Discard, io.Discard, noEnv); err == nil {
		t.Error("an argument was accepted")
	}

	emu := emulator.New(emulator.Options{Behaviours: []emulator.Behaviour{emulator.PatchTagsMerge}})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	env := map[string]string{"CODAT_API_KEY": emu.APIKey(), "CODAT_BASE_URL": srv.URL}
	var stdout bytes.Buffer
	stderr.Reset()
	if err := run(context.Background(), []string{"-v"}, &stdout, &stderr, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"MATCHING SWITCHES", "-codat-behaviour=patch-tags-merge\n", "Requests sent: 12", "not checked: needs -company"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "created company") {
		t.Errorf("-v printed %q", stderr.String())
	}
}
