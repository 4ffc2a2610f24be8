"""Reads of matching: the two engines, `shift_matching` (people for one shift) and
`posting_matching` (people for one recruitment posting)."""
