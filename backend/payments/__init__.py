"""Fee payment building blocks: PromptPay payloads, QR images, slip references and receipt wording."""
