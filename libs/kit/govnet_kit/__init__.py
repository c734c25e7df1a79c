"""govnet's plumbing, written once: each service calls a few setup functions, nothing more."""
