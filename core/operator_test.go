package core

import "testing"

func TestOperatorName(t *testing.T) {
	tests := []struct{ in, want string }{
		{`OFFICE\jdoe`, "jdoe"},
		{`VM\root`, "root"},
		{`jdoe`, "jdoe"},
		{`Pat Lee`, "Pat Lee"},
		{`A\B\c`, "c"},
		{`OFFICE\`, ""},
		{` jdoe `, "jdoe"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := OperatorName(tt.in); got != tt.want {
			t.Errorf("OperatorName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
