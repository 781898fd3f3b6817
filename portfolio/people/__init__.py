"""People: users, organisations (providers, employers), memberships, apprenticeships, invitations, sign-in."""
