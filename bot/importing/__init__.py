"""Reading published reports back into report data, never inventing a figure.

``files`` sniffs and reads an uploaded file (.txt, .html, .docx, .xlsx) into lines;
``text`` holds those lines; ``labels`` the row and column labels of the format as
printed; ``cells`` cleans and keys the cells; ``tables`` finds tables 二, 三 and 四;
``importer`` assembles the report and lists every cell it did not find.
"""
