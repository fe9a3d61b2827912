"""`courseware serve`: a local preview of the site, rendered again and reloaded on every change.

preview.py renders into a preview folder (never dist/) and keeps the version and the error of the
last render; watch.py says what is watched; page.py is what only served pages get (the reload
script, the error page); http.py serves them; session.py runs the whole until Ctrl-C.
"""
