"""The identity vault: the only table that holds a reporter's WhatsApp identifiers, and only encrypted.

Everything else in the product refers to a reporter by `Identity.reference`, an opaque random string
that is not derived from the number.
"""

from __future__ import annotations

from django.db import models


class Identity(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    # HMAC-SHA256(pseudonym key, "channel:identifier") in hex: answers "have we seen this sender?".
    # One for the business-scoped user id, one for the phone number: Meta may send either or both.
    pseudonym_user = models.CharField(max_length=64, unique=True, null=True, blank=True)
    pseudonym_phone = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Fernet token of a JSON object {"channel", "phone", "user_id"}.
    ciphertext = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "identities"

    def __str__(self) -> str:
        return self.reference
