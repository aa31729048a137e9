"""The filter rules dialog (issue 19): the list of rules (enable, order), the rule editor, and
"run now" on a folder with a preview; the rules themselves are core (app/core/rules)."""
