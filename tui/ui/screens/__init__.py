"""Textual screens: the main view, help, and the small prompts."""
