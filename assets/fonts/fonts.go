// Package fonts holds the typefaces built into Rosterdesk for printing login cards: DejaVu
// Sans and DejaVu Sans Bold (Latin including Vietnamese, Greek, Cyrillic and Arabic) and
// DejaVu Sans Mono Bold, whose 0 is dotted and whose 1, l and I have distinct serifs and
// tails, for usernames and passwords. They are embedded so that a card prints the same on
// every computer; LICENSE-DejaVu.txt beside this file is their licence (Bitstream Vera
// licence, DejaVu changes in the public domain), which allows embedding and redistribution.
//
// The package holds data only and imports nothing, so core packages may use it without
// depending on the window toolkit.
package fonts

import _ "embed"

// Sans is DejaVu Sans (TrueType), for the card's labels, school, class and teacher.
//
//go:embed DejaVuSans.ttf
var Sans []byte

// SansBold is DejaVu Sans Bold (TrueType), for the student's name.
//
//go:embed DejaVuSans-Bold.ttf
var SansBold []byte

// MonoBold is DejaVu Sans Mono Bold (TrueType), for usernames and passwords.
//
//go:embed DejaVuSansMono-Bold.ttf
var MonoBold []byte
