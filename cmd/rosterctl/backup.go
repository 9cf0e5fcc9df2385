package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/atomicfile"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// cmdBackup writes a consistent copy of the database while the window or another
// rosterctl may be using it, checks the copy and says what it holds.
func cmdBackup(c *cli, ctx context.Context, args []string) error {
	fl := c.flags()
	out := fl.String("o", "", "the backup `FILE` to write, for example rosterdesk-backup.db")
	if _, err := c.parse(fl, args, 0, 0); err != nil {
		return err
	}
	if err := c.require("o", *out); err != nil {
		return err
	}
	return c.withService(ctx, needOrg, func(svc *engine.Service) error {
		if engine.IsDatabaseFile(*out, svc.DBPath()) {
			return c.usageErrorf("-o %s is the database itself: name another file for the backup", *out)
		}
		if engine.DatabaseInUse(*out) {
			return c.usageErrorf("%s", inUse(*out))
		}
		info, err := backupTo(ctx, svc.Backup, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "Backed up %s to %s: %s, %s, %s, %s (%s).\n", info.Org, *out,
			count(info.Schools, "school", "schools"), count(info.Users, "user", "users"),
			count(info.Classes, "class", "classes"), count(info.Uploads, "upload", "uploads"), megabytes(info.Bytes))
		return nil
	})
}

// backupTo writes the backup (with backup, the engine's Backup) into a new file beside
// path, readable by its owner only (it holds personal data), and renames it into place
// once it is complete and checked, so a failed backup never replaces an older good one.
// The new file's name holds this process's id, so that the copy a killed backup left is
// recognised and removed by the next backup to the same file (atomicfile.CreateTemp);
// it stays open, and so locked, until the rename, so that no save of another computer
// takes it for a killed backup's meanwhile.
func backupTo(ctx context.Context, backup func(context.Context, string) (engine.BackupInfo, error), path string) (engine.BackupInfo, error) {
	tmp, err := atomicfile.CreateTemp(path, partial)
	if err != nil {
		return engine.BackupInfo{}, outputError(path, err)
	}
	name := tmp.Name()
	defer os.Remove(name) // after a successful rename this is a no-op
	defer tmp.Close()     // after the close below this is a no-op
	// CreateTemp makes the file 0600 on Unix; say so whatever the umask.
	if err := tmp.Chmod(atomicfile.Perm); err != nil && !os.IsPermission(err) {
		return engine.BackupInfo{}, outputError(path, err)
	}
	info, err := backup(ctx, name)
	if err != nil {
		return info, fmt.Errorf("back up the database: %w", err)
	}
	if engine.DatabaseInUse(path) { // opened while the backup was written
		return info, &core.Error{Kind: core.KindInvalid, Op: "back up the database", Message: inUse(path)}
	}
	// Closed before the rename: Windows renames no open file.
	if err := tmp.Close(); err != nil {
		return info, outputError(path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return info, outputError(path, err)
	}
	return info, nil
}

// inUse refuses a backup over a database another program has open.
func inUse(path string) string {
	return fmt.Sprintf("-o %s is a database that another program has open (a Rosterdesk window, rosterctl or a database browser): the backup would replace it under that program and damage it. Name another file, or close that program first.", path)
}

// partial marks the name of a backup being written.
const partial = ".partial"

// outputError says why the backup file could not be written, in the words writeOutput
// uses for every other file.
func outputError(path string, err error) error {
	return fileError(path, &fs.PathError{Op: "write", Path: path, Err: err}, "")
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return core.Thousands(n) + " " + many
}

func megabytes(n int64) string {
	if n < 1<<20 {
		return core.Thousands(int((n+1023)>>10)) + " KB"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
