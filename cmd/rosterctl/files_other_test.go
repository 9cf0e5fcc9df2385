//go:build !linux

package main

import "testing"

// privateDevNull has no device to make outside Linux.
func privateDevNull(*testing.T, string) string { return "" }
