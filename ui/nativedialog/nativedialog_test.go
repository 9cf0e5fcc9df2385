package nativedialog

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/ui"
)

func TestServe(t *testing.T) {
	broken := func(ui.DialogRequest) (string, error) { return "", errors.New("gtk: cannot open display") }
	chosen := func(req ui.DialogRequest) (string, error) { return "/home/pat/" + req.DefaultName, nil }
	cancelled := func(ui.DialogRequest) (string, error) { return "", ui.ErrCancelled }
	tests := []struct {
		name           string
		show, fallback Show
		want           ui.DialogReply
	}{
		{"OK", chosen, nil, ui.DialogReply{Path: "/home/pat/users.csv"}},
		{"Cancelled", cancelled, chosen, ui.DialogReply{Cancelled: true}},
		{"Fallback", broken, chosen, ui.DialogReply{Path: "/home/pat/users.csv"}},
		{"ErrNoDialog", broken, nil, ui.DialogReply{Error: "gtk: cannot open display"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := json.Marshal(ui.DialogRequest{Save: true, Title: "Save", DefaultName: "users.csv"})
			var out bytes.Buffer
			if err := Serve(bytes.NewReader(req), &out, tt.show, tt.fallback); err != nil {
				t.Fatal(err)
			}
			var got ui.DialogReply
			if err := json.Unmarshal(out.Bytes(), &got); err != nil || got != tt.want {
				t.Errorf("reply %s (%v), want %+v", out.String(), err, tt.want)
			}
		})
	}
	if err := Serve(strings.NewReader("not json"), &bytes.Buffer{}, chosen, nil); err == nil {
		t.Error("Serve(not JSON) = nil, want an error")
	}
}
