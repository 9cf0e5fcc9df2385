//go:build !(windows || linux || freebsd)

package main

// probeGL has nothing to check on macOS: every Mac offers OpenGL 2.1.
func probeGL() error { return nil }
