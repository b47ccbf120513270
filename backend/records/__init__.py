"""Students' academic records (ปพ.1 data) a school loads from its grading system, for ใบแทน and transfers."""
