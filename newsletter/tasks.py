"""Signups are handled on the task queue, not in the request.

The signup page must answer the same, in the same time, for an address that is new, pending,
confirmed or unsubscribed: doing the work in the request (a new row, a confirmation mail over SMTP
for some addresses, nothing for others) let its timing tell confirmed subscribers from new ones.
The view only validates and enqueues this task (one row, whatever the address); the worker does
the rest (newsletter.mailing.request_subscription)."""

from django_tasks import task

from .mailing import request_subscription


@task()
def handle_signup(email, base_url):
    request_subscription(email, base_url)
