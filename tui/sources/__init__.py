"""Ways in: launch a program, attach to one, follow a file or a pipe, replay the demo."""
