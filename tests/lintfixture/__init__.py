"""A migrations-only app for the migration linter's tests (tests/test_ops_migrations.py);
installed only inside those tests."""
