"""Nothing to administer: the home page's memory (models.py) is each person's own."""
