package core

import "strings"

// OperatorName turns an operating-system login name into the default "Uploaded By" name:
// Windows reports a domain account as DOMAIN\name ("OFFICE\jdoe", "VM\root" under Wine),
// and the domain means nothing to the people reading the upload history.
// A name with nothing after the domain is kept as it is.
func OperatorName(login string) string {
	if i := strings.LastIndexByte(login, '\\'); i >= 0 && i < len(login)-1 {
		login = login[i+1:]
	}
	return strings.TrimSpace(login)
}
