"""People endpoints: me, sign-in tokens, organisations, memberships, invitations, apprenticeships."""
