"""Where the results go."""
