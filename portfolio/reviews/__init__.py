"""Review and sign-off: decisions with fingerprints, review policies, behaviour confirmations."""
