package engine

import (
	"context"
	"fmt"
	"os"

	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// BackupInfo describes a backup that Backup wrote and checked.
type BackupInfo struct {
	Bytes         int64 // the backup file's size
	SchemaVersion int
	Org           string
	Schools       int
	Users         int
	Classes       int
	Uploads       int
}

// Backup writes a consistent copy of the database into dst while the window, rosterctl or
// an import may be using it, then reopens the copy, checks its integrity and counts what
// it holds. dst must not exist or be an empty file: the caller creates it with the
// permissions it wants (a backup holds personal data: 0600) and renames it into place, so
// a failed backup never replaces a good one. An upload that is running is in the copy as
// it was before it began (it is re-run from the start when the copy is restored).
func (s *Service) Backup(ctx context.Context, dst string) (BackupInfo, error) {
	if err := s.db.Backup(ctx, dst); err != nil {
		return BackupInfo{}, err
	}
	return inspect(ctx, dst)
}

// InspectBackup checks the integrity of a database file (a backup) without changing it
// or locking it, and counts what it holds. It returns an error of kind KindStorage when
// the file is damaged or is not a Rosterdesk database.
func InspectBackup(ctx context.Context, file string) (BackupInfo, error) {
	return inspect(ctx, file)
}

func inspect(ctx context.Context, file string) (BackupInfo, error) {
	sum, err := sqlite.Inspect(ctx, file)
	if err != nil {
		return BackupInfo{}, err
	}
	st, err := os.Stat(file)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("inspect backup: %w", err)
	}
	return BackupInfo{
		Bytes:         st.Size(),
		SchemaVersion: sum.SchemaVersion,
		Org:           sum.Org,
		Schools:       sum.Schools,
		Users:         sum.Users,
		Classes:       sum.Classes,
		Uploads:       sum.Uploads,
	}, nil
}

// SchemaVersion returns the database's schema version: the number of the newest
// migration applied to it.
func (s *Service) SchemaVersion(ctx context.Context) (int, error) {
	return s.db.SchemaVersion(ctx)
}
