"""Applications parents file for a school service, from first answer (draft) to submission."""
