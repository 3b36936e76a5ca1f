"""Releases: the folder a release ships, and its compatibility matrix (docs/release.md)."""
