//go:build !unix

package sqlite

// specialFiles has no pipes or devices to make outside Unix.
func specialFiles(string) map[string]string { return map[string]string{} }
