"""`python -m smtptui`."""

from smtptui.start import main

main()
