"""This PC's files and environment: the data directory's paths, atomic files, settings,
secrets, logs, the one-writer lock and the bundled resources. No network and no Qt."""
