"""Finance staff pages under /staff/fees: slips, flags, unpaid fees, statement import, receipts."""
