from django import forms


class DatePicker(forms.DateInput):
    """The browser's date picker, which only reads ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
