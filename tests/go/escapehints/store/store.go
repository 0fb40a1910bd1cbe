// Package store is a second package of the escapehints module: a library
// (no main), so gctui can analyse a package that builds no binary.
package store

// Store keeps names.
type Store struct {
	names []string
}

// New returns a store that outlives the call.
func New() *Store {
	return &Store{} // escape: escapes_to_heap &Store{}
}

// Add keeps name: its bytes are reachable from the heap-allocated store.
func (s *Store) Add(name string) { // escape: leaking_param name; leaking_param_content s
	s.names = append(s.names, name)
}

// Len only reads.
func (s *Store) Len() int { // escape: does_not_escape s
	return len(s.names)
}
