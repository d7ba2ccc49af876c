"""Partner and curator accounts: API tokens, portal users, sessions and sign-in throttling."""
