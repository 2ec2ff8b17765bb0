"""Altair chart builders, one module per topic. They take calc_core records and translated
labels, never text to parse.

Line styles follow the book's ``fmts=('-', 'm--', 'g-.', 'r:')``: solid, dashed,
dash-dot, dotted. NaN in the data becomes a gap in the line (Vega-Lite breaks a
line at null), which is how poles and undefined stretches stay honest.
"""

#: Vega-Lite strokeDash patterns for the book's four line formats.
DASHES = {"solid": [1, 0], "dashed": [6, 4], "dashdot": [6, 3, 1, 3], "dotted": [1, 3]}
#: The book's colours for its four formats: default blue, magenta, green, red.
BOOK_COLORS = ["#1f77b4", "#bf00bf", "#008000", "#ff0000"]
