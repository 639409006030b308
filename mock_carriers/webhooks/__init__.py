"""Webhooks: subscriptions, payload formats and signing, the durable outbox, and the dispatcher."""
