"""The programme policy's designer: its page, and the helpers it needs
around the schema (:mod:`accounts.policy_schema`) and the services."""
