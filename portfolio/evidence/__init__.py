"""Evidence: the items apprentices upload, their files and the verification of those files."""
