from django import forms

from .models import DEFAULT_DAYS, MAX_DAYS


class DraftLinkForm(forms.Form):
    days = forms.IntegerField(
        label="Link expires after (days)", initial=DEFAULT_DAYS, min_value=1, max_value=MAX_DAYS,
        help_text=f"{DEFAULT_DAYS} days unless you choose otherwise; at most {MAX_DAYS}.")
