package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/rosterdesk/rosterdesk/core/engine"
)

// exportOneRoster runs "export oneroster": a OneRoster 1.1 CSV bulk package of one
// school (--school), or of the whole organization, written to -o FILE.zip. The file
// holds names and emails, so only its owner may read it.
func (c *cli) exportOneRoster(ctx context.Context, school, teacher, out string) error {
	if err := c.require("o", out); err != nil {
		return err
	}
	if !strings.HasSuffix(strings.ToLower(out), ".zip") {
		return c.usageErrorf("-o %s: a OneRoster package is a .zip file", out)
	}
	if teacher != "" && strings.TrimSpace(school) == "" {
		return c.usageErrorf("--teacher needs --school: a teacher exports the classes of one school")
	}
	return c.withService(ctx, readOnly, func(svc *engine.Service) error {
		actor, err := c.actor(ctx, svc, "", teacher)
		if err != nil {
			return err
		}
		var schoolID int64
		if strings.TrimSpace(school) != "" {
			s, err := c.school(ctx, svc, actor, school)
			if err != nil {
				return err
			}
			schoolID = s.ID
		}
		return c.writeOutput(out, func(w io.Writer) error {
			if err := svc.ExportOneRoster(ctx, actor, w, schoolID); err != nil {
				return fmt.Errorf("export oneroster: %w", err)
			}
			return nil
		})
	})
}
