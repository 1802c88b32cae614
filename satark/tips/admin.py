"""Administered in satark.configuration.admin (validated, every change audited)."""
