"""The demo: a real capture of a Go program with a story, replayed at its pace."""
