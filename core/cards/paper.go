package cards

import "strings"

// letterRegions are the countries whose offices print on US Letter; the rest of the
// world uses A4.
var letterRegions = map[string]bool{
	"US": true, "CA": true, "MX": true, "PH": true, "PR": true, "CL": true, "CO": true,
	"VE": true, "CR": true, "GT": true, "DO": true, "PA": true, "SV": true, "NI": true,
}

// PaperFor returns the paper size offices use in the region of locale, given as POSIX
// ("en_US.UTF-8", "fr_CA") or BCP 47 ("en-US") writes it: Letter in the United States,
// Canada and the countries that follow them, A4 elsewhere. A locale without a region
// ("C", "en", "") gives Letter, the size of the platform Rosterdesk re-creates.
func PaperFor(locale string) Paper {
	s, _, _ := strings.Cut(locale, ".")
	s, _, _ = strings.Cut(s, "@")
	s = strings.ReplaceAll(s, "-", "_")
	parts := strings.Split(s, "_")
	if len(parts) < 2 {
		return Letter
	}
	// The region is the first two-letter part after the language ("zh_Hant_TW").
	for _, p := range parts[1:] {
		if len(p) == 2 {
			if letterRegions[strings.ToUpper(p)] {
				return Letter
			}
			return A4
		}
	}
	return Letter
}
