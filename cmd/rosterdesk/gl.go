package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/sqweek/dialog"

	"github.com/rosterdesk/rosterdesk"
	"github.com/rosterdesk/rosterdesk/core"
)

// Fyne's window needs OpenGL 2.1. When GLFW cannot create such a context (Remote Desktop,
// virtual machines without 3D acceleration, old or missing graphics drivers), Fyne 2.8's
// driver only logs "window creation error" and runs its event loop with no window: the
// program sits in the background and the person sees nothing. So once the database is
// open and before the window is built, rosterdesk makes the same context itself
// (probeGL, in gl_probe.go) and, when that fails, says so in a native message box.

// noGLTitle is the message box's title.
const noGLTitle = "Rosterdesk cannot open its window"

// noGLMessage says what happened and what to do, in plain words. logPath is where the
// technical details were saved ("" when they could not be).
func noGLMessage(logPath string) string {
	msg := "Rosterdesk cannot open its window: this computer's graphics do not offer " +
		"OpenGL 2.1, which the window needs. This happens over Remote Desktop, in some " +
		"virtual machines and with old or missing graphics drivers.\n\n" +
		"What to do:\n" +
		"• Install the latest graphics driver for this computer (from the maker of the " +
		"computer or of its graphics card), then start Rosterdesk again.\n" +
		"• Or start Rosterdesk on the computer itself rather than over Remote Desktop.\n" +
		"• Or use rosterctl, Rosterdesk's command line, which needs no graphics. It is " +
		"installed next to Rosterdesk; \"rosterctl help\" lists what it does."
	if logPath != "" {
		msg += "\n\nThe technical details were saved in " + logPath + "."
	}
	return msg
}

// checkGraphics makes sure the window can open; it runs once the database has been
// opened (or its open waits for the database's lock: run then shows the window at
// once), so a wrong --db is reported first. When the window cannot open, release closes
// the database (a native message box must never run in the process that holds it), the
// person is told in a native message box, the details are logged in the config folder,
// and the returned error (whose message is the box's text, for stderr) ends the program.
func checkGraphics(release func() error) error {
	err := probeGL()
	if err == nil {
		return nil
	}
	_ = release()
	dir, _ := os.UserConfigDir()
	return reportNoGL(err, dir, showError)
}

// reportNoGL logs cause under configDir and shows the message through show.
func reportNoGL(cause error, configDir string, show func(title, msg string)) error {
	logPath, logErr := appendLog(configDir, fmt.Sprintf("the window cannot open: %v", cause))
	msg := noGLMessage(logPath)
	show(noGLTitle, msg)
	return &core.Error{Kind: core.KindInvalid, Op: "check graphics", Message: msg, Err: errors.Join(cause, logErr)}
}

// logName is the file in the user's config folder (beside the default database) where
// rosterdesk records what it could not show in its window.
const logName = "rosterdesk.log"

// appendLog adds a dated line to the log and returns the log's path.
func appendLog(configDir, line string) (string, error) {
	if configDir == "" {
		return "", errors.New("no config folder")
	}
	dir := filepath.Join(configDir, "Rosterdesk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("log: %w", err)
	}
	path := filepath.Join(dir, logName)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return "", fmt.Errorf("log: %w", err)
	}
	_, err = fmt.Fprintf(f, "%s Rosterdesk %s %s/%s: %s\n", time.Now().Format(time.RFC3339),
		rosterdesk.Version(), runtime.GOOS, runtime.GOARCH, line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("log: %w", err)
	}
	return path, nil
}

// showError shows a native error message box: Win32's MessageBox on Windows, GTK on
// Linux. With no GTK display (sqweek/dialog panics then) the message goes to stderr
// only, which main prints anyway.
func showError(title, msg string) {
	defer func() { _ = recover() }()
	dialog.Message("%s", msg).Title(title).Error()
}
