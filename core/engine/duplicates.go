package engine

import (
	"context"
	"fmt"

	"github.com/rosterdesk/rosterdesk/core/sqlite"
	"github.com/rosterdesk/rosterdesk/core/sqlite/migrations"
)

// KeyDuplicate is an account, class or school that has the same User ID, username,
// teacher email, Class ID or school name as another one since the database was upgraded
// to compare text in every language alike (core.Key: ÄB1 and äb1, Ｓ１１ and S11 are one
// User ID). The upgrade merged nothing: the other record keeps the value, and this one
// must be given another before it can be found by it (an update by GUID, a school
// renamed).
type KeyDuplicate struct {
	What  string // "User ID", "username", "teacher email", "Class ID", "school name"
	Value string // this record's value
	Name  string // whose: the person's or class's name ("" for a school)
	GUID  string // this record's User GUID or Class GUID (a school's GUID for a school)
	// KeptValue and KeptName are the record that keeps the value.
	KeptValue, KeptName string
	School              string // the school of two classes
	// Message says it in one line of plain words, with what to do.
	Message string
}

// KeyDuplicates lists the records the upgrade found to share a value with another,
// until each is given another value. It is empty for most databases.
func (s *Service) KeyDuplicates(ctx context.Context) ([]KeyDuplicate, error) {
	dups, err := s.db.KeyDuplicates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]KeyDuplicate, 0, len(dups))
	for _, d := range dups {
		out = append(out, keyDuplicate(d))
	}
	return out, nil
}

func keyDuplicate(d sqlite.KeyDuplicate) KeyDuplicate {
	k := KeyDuplicate{Value: d.Other.Value, Name: d.Other.Name, GUID: d.Other.GUID,
		KeptValue: d.Kept.Value, KeptName: d.Kept.Name, School: d.School}
	who := func(name, value string) string {
		if name == "" {
			return fmt.Sprintf("%q", value)
		}
		return fmt.Sprintf("%q (%s)", value, name)
	}
	switch d.Kind {
	case "user_id", "username", "teacher_email":
		k.What = map[string]string{"user_id": "User ID", "username": "username", "teacher_email": "teacher email"}[d.Kind]
		column := map[string]string{"user_id": "User ID", "username": "Username", "teacher_email": "Email"}[d.Kind]
		k.Message = fmt.Sprintf("The %s %s is the same as %s, which keeps it. Give %s another %s: upload a row with User GUID %s and the new %s.",
			k.What, who(k.Name, k.Value), who(k.KeptName, k.KeptValue), k.Name, k.What, k.GUID, column)
	case migrations.OperatorUsername:
		k.What = "username"
		k.Message = fmt.Sprintf("The username %s is the same as the administrator account %s, which keeps it. Give %s another username: upload a row with User GUID %s and the new Username.",
			who(k.Name, k.Value), who(k.KeptName, k.KeptValue), k.Name, k.GUID)
	case "class_id":
		k.What = "Class ID"
		k.Message = fmt.Sprintf("In %s, the Class ID %s is the same as %s, which keeps it. Give the class %s another Class ID (its Class GUID is %s).",
			d.School, who(k.Name, k.Value), who(k.KeptName, k.KeptValue), k.Name, k.GUID)
	default:
		k.What = "school name"
		k.Message = fmt.Sprintf("The school name %q is the same as %q, which keeps it. Rename the school %q.", k.Value, k.KeptValue, k.Value)
	}
	return k
}
