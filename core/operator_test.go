package core

import "testing"

func TestOperatorName(t *testing.T) {
	tests := []struct{ in, want string }{
		{`OFFICE\jdoe`, "jdoe"},
		{`VM\root`, "root"},
		{`jdoe`, "jdoe"},
		{`Pat Lee`, "Pat Lee"},
		{`A\B\c`, "c"},
		{`OFFICE\`, `OFFICE\`}, // nothing after the domain: keep what there is
		{`DISTRICT\m.garcia`, "m.garcia"},
		{"maría.garcía", "maría.garcía"},
		{` jdoe `, "jdoe"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := OperatorName(tt.in); got != tt.want {
			t.Errorf("OperatorName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
