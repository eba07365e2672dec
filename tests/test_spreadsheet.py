import pytest

from common.spreadsheet import safe_cell


@pytest.mark.parametrize("dangerous", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x"])
def test_cells_that_start_like_formulas_stay_text(dangerous):
    assert safe_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Café", "1+1", "a=b", "", None, 500])
def test_other_cells_are_unchanged(harmless):
    assert safe_cell(harmless) == ("" if harmless is None else str(harmless))
