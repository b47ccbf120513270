"""The admission round (การรับนักเรียน) of one school, academic year and entry grade: the
announcement as data, eligibility, the public lottery or score ranking, and the results."""
