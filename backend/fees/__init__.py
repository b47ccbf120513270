"""Fees for school services: requests with PromptPay QR, proof of payment, and e-receipts."""
