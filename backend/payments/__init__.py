"""Fee payment building blocks: PromptPay payloads, QR images, slip references, baht in words."""
