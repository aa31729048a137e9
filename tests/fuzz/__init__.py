"""Optional coverage-guided fuzzing harnesses (atheris); not collected by pytest."""
