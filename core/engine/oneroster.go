package engine

import (
	"context"
	"io"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/oneroster"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// ExportOneRoster writes a OneRoster 1.1 CSV bulk package (a zip) of one school, or of
// the whole organization when schoolID is 0, for the platforms schools roster into. A
// teacher actor exports only the classes they teach in that school, with their members,
// and never the whole organization. Every package is valid by the 1.1 CSV binding (see
// oneroster.Write); passwords are never in it.
func (s *Service) ExportOneRoster(ctx context.Context, w io.Writer, schoolID int64, actor Actor) error {
	if actor.TeacherID != 0 && schoolID == 0 {
		return core.Errorf(core.KindInvalid, "A teacher exports the classes of one school: choose one of the teacher's schools.")
	}
	if err := s.checkActor(ctx, schoolID, actor); err != nil {
		return err
	}
	snap, err := s.db.OneRoster(ctx, sqlite.OneRosterScope{SchoolID: schoolID, TeacherID: actor.TeacherID})
	if err != nil {
		return err
	}
	snap.Today = s.now()
	return oneroster.Write(w, &snap)
}
