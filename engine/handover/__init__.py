"""Work held by name by people who can no longer act (an account disabled, or ended with its unit): found for the
unit's head and the office, and handed over to someone in force (`service`)."""
