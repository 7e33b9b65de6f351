"""Admin widgets for the content model's fields."""

from wagtail.admin.widgets import AdminAutoHeightTextInput


class HeadlineInput(AdminAutoHeightTextInput):
    """The headline in a box that grows with it: Wagtail's one-line title input cut a long headline
    off at the editor's screen width. A headline has no line breaks: typed or pasted ones (Enter in
    the box, a headline copied from a two-line layout) become spaces."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return " ".join(value.split()) if isinstance(value, str) else value
