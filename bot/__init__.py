"""reportbot: drafts, checks and routes for approval a 政府信息公开工作年度报告.

Data flows one way: a front end turns what the officer did into an engine input; the
pure engine answers with replies and typed effects; the service stores the answers and
carries out the effects (checks, drafts, files, the review workflow); the front end
sends the replies.

The packages are layers. A module imports only from its own package and from packages
of a lower layer, never from its layer's other package or from above, and the outside
libraries on the right only where the table names them (``tests/test_layers.py``
enforces this table as written here, and that there is no import cycle):

======  ================  ===========================================================
layer   package           outside libraries it alone may import
======  ================  ===========================================================
0       format            yaml
1       checks
2       conversation
3       drafting          jinja2, docx, openpyxl
3       importing         docx, openpyxl, pdfplumber, pdfminer
4       store             sqlite_utils, sqlite3
5       office
6       service
7       frontends         telegram, argparse
8       __main__
======  ================  ===========================================================

The conversation engine imports none of jinja2, docx, openpyxl, pdfplumber, pdfminer,
sqlite3, sqlite_utils or telegram, not even through another module.
"""
