package engine

import "context"

// Watcher tells whether the database has changed since it last looked, so a window can
// reread its lists when another window or rosterctl changed something.
type Watcher interface {
	// Changed reports whether anything was committed since the last call (by anyone,
	// this process included). The first call reports false.
	Changed(ctx context.Context) (bool, error)
	// Close releases the watcher; call it before closing the Service.
	Close() error
}

// Watch returns a Watcher on the service's database. It is cheap to ask often: it reads
// a counter, not a table.
func (s *Service) Watch(ctx context.Context) (Watcher, error) {
	return s.db.Watch(ctx)
}
