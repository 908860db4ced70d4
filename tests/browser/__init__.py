"""Tests that read the built site in a real browser."""
