from django import forms
from django.core.validators import EmailValidator

from .models import normalise_email

# Django's EmailValidator accepts user@localhost (allowlist=["localhost"]): no reader's address.
PUBLIC_EMAIL = EmailValidator(message="Enter a valid email address, like name@example.com.", allowlist=[])


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        validators=[PUBLIC_EMAIL],
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter a valid email address, like name@example.com.",
        },
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])
