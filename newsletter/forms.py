from django import forms

from .models import normalise_email


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter a valid email address, like name@example.com.",
        },
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])
