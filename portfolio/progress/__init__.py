"""Progress reviews: scheduled, held and signed by the apprentice, an employer contact and the provider's reviewer."""
