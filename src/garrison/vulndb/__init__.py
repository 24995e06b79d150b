"""The OSV vulnerability database."""
