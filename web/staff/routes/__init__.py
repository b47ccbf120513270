"""The staff pages' routes, one module per page group; web/staff/router.py puts them under /staff."""
