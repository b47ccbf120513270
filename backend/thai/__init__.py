"""Reading and showing Thai values (IDs, dates, grades): minimal stand-in until the thai branch lands."""
