"""Escalation of overdue tips: a reminder to the officer, then the SP office, then the DIG office."""
