"""The reader's comment form. Works without JavaScript; comments/static-less markup in
templates/comments/form.html."""

from django import forms
from django.conf import settings
from django.core.validators import EmailValidator

from .models import Comment
from .text import count_links

# As the newsletter: no user@localhost.
PUBLIC_EMAIL = EmailValidator(message="Enter a valid email address, like name@example.com.", allowlist=[])

TOKEN_MESSAGES = {
    "too-fast": "That was quicker than we expect from a person. Please check your comment and send it again.",
    "expired": "This form was open for a long time. Please send your comment again.",
    "invalid": "Something went wrong with the form. Please send your comment again.",
}


class CommentForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80,
                           error_messages={"required": "Enter your name.",
                                           "max_length": "Your name can be at most 80 characters."})
    email = forms.EmailField(label="Email address", max_length=254, validators=[PUBLIC_EMAIL],
                             error_messages={"required": "Enter your email address.",
                                             "invalid": "Enter a valid email address, like name@example.com."})
    text = forms.CharField(label="Comment", max_length=3000, widget=forms.Textarea,
                           error_messages={"required": "Write your comment.",
                                           "max_length": "Your comment can be at most 3000 characters."})
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling bots.
    website = forms.CharField(required=False)
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, article, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if count_links(name):
            raise forms.ValidationError("Your name cannot contain a web address.")
        return name

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        limit = settings.COMMENTS_MAX_LINKS
        if count_links(text) > limit:
            raise forms.ValidationError(
                f"A comment can contain at most {limit} web address{'es' if limit != 1 else ''}."
                if limit else "A comment cannot contain web addresses.")
        return text

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        # Replies go one level deep, under an approved comment on the same article.
        parent = Comment.objects.approved().filter(pk=parent_id, article=self.article, parent__isnull=True).first()
        if parent is None:
            raise forms.ValidationError("The comment you are replying to is not available.")
        return parent

    @property
    def honeypot_filled(self):
        return bool(self.data.get("website", "").strip())
