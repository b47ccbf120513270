"""Rule tables kept as data (backend/rules/data/), each with its sources: OBEC's yearly admission
policy and compulsory schooling. A new academic year or policy is a new or changed data file and a
test, not new code; docs/rules.md lists every rule the bot applies and where it comes from."""
