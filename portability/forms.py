import datetime
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from network.widgets import DatePicker
from portability.importing import MAX_UPLOAD_BYTES
from portability.models import ImportRun

EARLIEST = datetime.date(1990, 1, 1)
SUFFIXES = {
    ImportRun.Kind.LINKEDIN: {".zip", ".csv"},
    ImportRun.Kind.VCARD: {".vcf", ".vcard"},
    ImportRun.Kind.ICS: {".ics", ".ical", ".ifb", ".icalendar"},
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you importing?", choices=ImportRun.Kind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(label="File")
    since = forms.DateField(label="Calendar: from", required=False, widget=DatePicker())
    until = forms.DateField(label="Calendar: until", required=False, widget=DatePicker())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"This file is larger than {MAX_UPLOAD_BYTES // 2**20} MB, the most Kith accepts."
            )
        if upload.size == 0:
            raise ValidationError("This file is empty.")
        return upload

    def clean(self):
        cleaned = super().clean()
        kind, upload = cleaned.get("kind"), cleaned.get("file")
        if kind and upload and PurePath(upload.name).suffix.lower() not in SUFFIXES[kind]:
            expected = " or ".join(sorted(SUFFIXES[kind]))
            self.add_error("file", f"A {ImportRun.Kind(kind).label} file ends in {expected}.")
        since, until = cleaned.get("since"), cleaned.get("until")
        today = timezone.localdate()
        for field, day in (("since", since), ("until", until)):
            if day and not EARLIEST <= day <= today:
                self.add_error(
                    field,
                    f"Choose a day between {EARLIEST:%Y} and today: Kith logs what already happened.",
                )
        if since and until and since > until:
            self.add_error("until", "The end of the window comes before its start.")
        return cleaned
