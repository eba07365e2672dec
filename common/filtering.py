"""What the filter forms of the site share."""

from django import forms


class FilterForm(forms.Form):
    """A filter form that its page draws field by field, without crispy (a tenth of the time):
    Bootstrap's classes are set here, and a value that was not understood marks its field
    invalid, for the eye and for screen readers, and points to its message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"
