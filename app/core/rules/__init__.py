"""Filter rules (issue 19): conditions on a message and what to do with it, no Qt.

``model`` (what a rule is, and the checks that refuse a bad one), ``matching`` (text compared as
a person expects: case and width folded), ``facts`` (a stored message's fields, read lazily),
``evaluate`` (pure: which rules match and what they decide), ``apply`` (carrying the decisions
out on the store), ``exchange`` (the JSON file format of docs/rules.md) and ``new_mail`` (the
step run after each group a fetch commits).
"""
