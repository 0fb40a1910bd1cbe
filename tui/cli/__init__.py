"""The command line: argument parsing, headless commands and text output."""
