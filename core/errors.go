package core

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error for callers that must react to it (exit codes, dialogs).
type Kind int

// The error kinds.
const (
	KindInternal       Kind = iota // a bug or an unexpected failure of the machine
	KindInvalid                    // the caller's input is wrong (a name, a flag, a file)
	KindNotFound                   // the thing asked for does not exist
	KindConflict                   // the thing exists already or is taken
	KindNotInitialized             // the database has no organization yet
	KindBusy                       // another process holds what is needed
	KindStorage                    // the disk is full, read-only or the database damaged
	KindDenied                     // the acting person may not do this (their role or schools)
)

// Error is Rosterdesk's error: a kind, the operation, an optional catalogue code and a
// message for people, with the underlying cause kept for logs.
type Error struct {
	Kind    Kind
	Op      string // what was being done: "import", "add school"
	Code    Code   // a catalogue code, when the error is one of the file-level entries
	Message string // plain words for the person at the keyboard
	Err     error  // the cause, for logs

	// issue is the catalogue issue Message was made from (NewFileError), kept so that
	// MessageFor can say it in the words of an upload's mode.
	issue *Issue
}

// MessageFor returns the error's message as an upload of mode says it: a file-level
// error made by NewFileError in that mode's words (Issue.TextFor), any other the
// Message as it is.
func (e *Error) MessageFor(mode Mode) string {
	if e.issue != nil {
		return e.issue.TextFor(mode)
	}
	return e.Message
}

// Error returns the message, the operation and the cause.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Message != "" {
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		if e.Message != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k with a formatted message for people.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// NewFileError returns the file-level error for catalogue entry code, with value filling the
// entry's {value}.
func NewFileError(code Code, value string, cause error) *Error {
	is := Issue{Code: code, Value: value}
	return &Error{Kind: KindInvalid, Op: "read file", Code: code, Message: is.Text(), Err: cause, issue: &is}
}

// Refusal returns the error for a request refused under catalogue entry code (an
// ACCESS_, SIGNIN_ or ADMIN_ entry), of kind k, with value and other filling the entry's
// {value} and {other}. Its message is the entry's problem and fix.
func Refusal(k Kind, code Code, value, other string) *Error {
	return &Error{Kind: k, Code: code, Message: Issue{Code: code, Value: value, Other: other}.Text()}
}

// RefusalItems is Refusal for a problem told as a list of reasons, the {items} of its
// text: they are the engine's own words, so they are never cut short as an echoed cell
// ({value}) is.
func RefusalItems(k Kind, code Code, items []string) *Error {
	return &Error{Kind: k, Code: code, Message: Issue{Code: code, Items: items}.Text()}
}

// ErrorCode returns the catalogue code of the first *Error in err's chain that has one,
// or "" when none has.
func ErrorCode(err error) Code {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Code != "" {
			return e.Code
		}
		err = e.Err
	}
	return ""
}

// ErrorKind returns the Kind of the first *Error in err's chain, or KindInternal.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the plain-words message of the first *Error in err's chain that has
// one, or a generic message that still says what to do.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		var re *Error
		if errors.As(e, &re) && re.Message != "" {
			return re.Message
		}
		if re == nil {
			break
		}
		e = re
	}
	return "Something went wrong inside Rosterdesk (" + err.Error() + "). Try again; if it keeps happening, send this message to your IT coordinator."
}
