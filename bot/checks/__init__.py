"""Every rule a report must obey, each named and each naming the exact cell.

``rules`` holds the identities of tables 二, 三 and 四, completeness, the fee statement
and the cross-year rules against last year's report; ``prose`` reads the figures the
总体情况 states and compares them with the tables. Pure functions over a report: no
drafting, no storage.
"""
