"""The project's select draws its options in place, and draws them as Django's own templates do."""

import re

from django import forms
from django.forms.renderers import Jinja2

from common.form_renderer import Jinja2WithDjangoFallback


class Choices(forms.Form):
    one = forms.ChoiceField(
        choices=[("1", 'Yksi <b>& "kaksi"</b>'), ('a"b<c', "Two")], initial='a"b<c'
    )
    many = forms.MultipleChoiceField(
        choices=[("Ryhmä & <kolme>", [("x", "X"), ("y", "Y")]), ("z", "Z")],
        required=False,
        initial=["y", "z"],
    )


def _drawn(renderer) -> str:
    form = Choices(renderer=renderer)
    return re.sub(r"\s+", " ", str(form["one"]) + str(form["many"]))


def test_the_options_are_drawn_as_djangos_own_templates_draw_them():
    ours, djangos = _drawn(Jinja2WithDjangoFallback()), _drawn(Jinja2())
    assert ours == djangos
    assert "Yksi &lt;b&gt;&amp; &#34;kaksi&#34;&lt;/b&gt;</option>" in ours
    assert 'value="a&#34;b&lt;c" selected' in ours
    assert '<optgroup label="Ryhmä &amp; &lt;kolme&gt;">' in ours


def test_the_project_template_is_the_one_used():
    template = Jinja2WithDjangoFallback().get_template("django/forms/widgets/select.html")
    assert "common/jinja2" in template.template.filename
