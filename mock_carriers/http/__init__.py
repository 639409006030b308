"""Carrier-neutral HTTP plumbing, written once: the carrier sub-application builder and its error
handlers, JSON in and out, request limits (app and server), the control guard, problem details,
language negotiation, Swagger UI, and the one module that reaches into uvicorn's internals."""
