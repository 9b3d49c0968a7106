"""smtptui: a terminal dashboard for testing SMTP relays.

Kept free of eager imports so that the headless CLI starts fast.
"""

__version__ = "0.1.0"
