package engine

import (
	"context"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// AccountPage is one page of the Accounts list, and how many accounts match in all.
type AccountPage = sqlite.AccountPage

// AccountsPage is Accounts one page at a time: up to limit accounts from offset, and the
// number of accounts that match, so a window can show the count at once and load a
// school of 600,000 accounts a page at a time. The query matches name, User ID, username
// or email, ignoring case and accents ("zoe" finds "Zoë Nguyễn"). The actor sees what
// Accounts shows it (a teacher: the students of their own classes); a school is required.
func (s *Service) AccountsPage(ctx context.Context, actor Actor, schoolID int64, query string, offset, limit int) (AccountPage, error) {
	if schoolID == 0 {
		return AccountPage{}, core.Errorf(core.KindInvalid, "Select a school first.")
	}
	r, err := s.rights(ctx, actor)
	if err != nil {
		return AccountPage{}, err
	}
	f, err := s.accountFilter(ctx, r, schoolID)
	if err != nil {
		return AccountPage{}, err
	}
	f.Query = query
	return s.db.AccountsPage(ctx, f, offset, limit)
}
