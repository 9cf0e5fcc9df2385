//go:build windows || linux || freebsd

package main

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"runtime"
	"strings"

	"github.com/go-gl/gl/v2.1/gl"
	"github.com/go-gl/glfw/v3.4/glfw"
)

// probeGL creates, hidden, the window and OpenGL 2.1 context Fyne's driver will create
// (the same GLFW hints as its glfw_core.go), loads OpenGL's functions as its painter
// does, and undoes it all. GLFW wants its calls on the main thread: run is called from
// main, which Fyne's driver locks to it.
func probeGL() (err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// go-gl/glfw logs GLFW's platform errors ("WGL: Failed to find a suitable pixel
	// format") with the log package and returns no error; catch them as the cause.
	var logged bytes.Buffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	log.SetFlags(0)
	defer func() {
		log.SetOutput(out)
		log.SetFlags(flags)
	}()
	// go-gl/glfw panics on errors of calls that return none.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("glfw: %v", r)
		}
	}()
	if err := glfw.Init(); err != nil {
		return fmt.Errorf("initialise glfw: %w", err)
	}
	defer glfw.Terminate()
	glfw.WindowHint(glfw.Visible, glfw.False)
	glfw.WindowHint(glfw.ContextVersionMajor, 2)
	glfw.WindowHint(glfw.ContextVersionMinor, 1)
	win, err := glfw.CreateWindow(64, 64, "Rosterdesk", nil, nil)
	if err == nil && win == nil {
		// What Fyne's driver meets too: no error, no window.
		err = errors.New(strings.TrimSpace(logged.String()))
		if logged.Len() == 0 {
			err = errors.New("glfw made no window and gave no reason")
		}
	}
	if err != nil {
		return fmt.Errorf("create an OpenGL 2.1 window: %w", err)
	}
	defer win.Destroy()
	win.MakeContextCurrent()
	defer glfw.DetachCurrentContext()
	if err := gl.Init(); err != nil {
		return fmt.Errorf("load OpenGL 2.1: %w", err)
	}
	return nil
}
