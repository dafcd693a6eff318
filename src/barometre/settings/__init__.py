"""Settings modules: main (every deployment, configured by environment) and test."""
