"""Evidence: items an apprentice (or a witness) records, their files in object storage, and their tags."""
