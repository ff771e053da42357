"""The edge of Tsunagi: settings, bootstrap, logging, the HTTP app and the CLI."""
