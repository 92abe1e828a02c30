package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"regexp"
	"slices"
	"testing"
)

// guide is the emulator guide's source: its flag table is what CI users read.
const guide = "../../templates/guides/testing-with-the-emulator.md.tmpl"

var (
	usageFlag = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	tableFlag = regexp.MustCompile("`-([a-z0-9-]+)")
)

// TestGuideListsEveryFlag: the guide's flag table names every flag of
// codat-emulator, and no flag it does not have.
func TestGuideListsEveryFlag(t *testing.T) {
	var usage bytes.Buffer
	if _, err := parseFlags([]string{"-h"}, &usage, func(string) string { return "" }); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	var flags []string
	for _, m := range usageFlag.FindAllStringSubmatch(usage.String(), -1) {
		flags = append(flags, m[1])
	}
	if len(flags) < 10 {
		t.Fatalf("found only %d flags in the usage text:\n%s", len(flags), usage.String())
	}

	text, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	var table []string
	for _, line := range bytes.Split(text, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("| `-")) {
			for _, m := range tableFlag.FindAllSubmatch(line, -1) {
				table = append(table, string(m[1]))
			}
		}
	}
	for _, f := range flags {
		if !slices.Contains(table, f) {
			t.Errorf("-%s is missing from the flag table of %s", f, guide)
		}
	}
	for _, f := range table {
		if !slices.Contains(flags, f) {
			t.Errorf("the flag table of %s names -%s, which codat-emulator does not have", guide, f)
		}
	}
}
