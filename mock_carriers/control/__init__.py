"""The control plane, ``/_sandbox``: one router per concern (world and clock, faults and metrics,
webhooks), their request and response models, and its problem-details error handling."""
