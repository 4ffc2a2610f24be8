# No admin: the pool is joined and left by the volunteer (services.reserve_join/leave), and
# call-outs are sent and answered through their services (audit rows, the outbox).
