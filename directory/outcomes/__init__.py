"""Referral outcomes: counters per service, month and outcome, and nothing about anyone."""
