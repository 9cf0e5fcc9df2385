package engine

import (
	"context"
	"io"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/oneroster"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// ExportOneRoster writes a OneRoster 1.1 CSV bulk package (a zip) of one school, or of
// the whole organization when schoolID is 0, for the platforms schools roster into. The
// school must be one the actor reaches (ACCESS_SCHOOL), and only an Organization
// Administrator exports the whole organization (ACCESS_ORG_ADMIN). A teacher exports
// only the classes they teach in that school, with their members. Every package is valid
// by the 1.1 CSV binding (see oneroster.Write); passwords are never in it.
func (s *Service) ExportOneRoster(ctx context.Context, actor Actor, w io.Writer, schoolID int64) error {
	r, err := s.rights(ctx, actor)
	if err != nil {
		return err
	}
	if schoolID == 0 {
		if !r.all {
			return core.Refusal(core.KindDenied, core.AccessOrgAdmin, "export the whole organization", "")
		}
	} else if _, err := s.school(ctx, r, schoolID); err != nil {
		return err
	}
	snap, err := s.db.OneRoster(ctx, sqlite.OneRosterScope{SchoolID: schoolID, TeacherID: r.teacher.ID})
	if err != nil {
		return err
	}
	snap.Today = s.now()
	return oneroster.Write(w, &snap)
}
