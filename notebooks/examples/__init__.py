"""Example actions for interval_nb (``examples.support_tools``), used by the notebooks here
and by the Voilà dashboard one folder up."""
