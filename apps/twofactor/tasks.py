# No background work: set-up, verification and resets happen inside the request.
