"""`draw_panels` takes each panel's size as (width, height), named so; the former keyword warns."""

from __future__ import annotations

import pytest

from gameir.training import Panel, draw_panels


def test_panel_size_is_width_then_height():
    panels = [Panel("loss", {"loss": ([0, 1, 2], [1.0, 0.5, 0.25])}), Panel("psnr", {"model": ([0, 2], [20.0, 25.0])})]
    assert draw_panels(panels).shape == (320, 2 * 480, 3)
    img = draw_panels(panels, panel_size_wh=(200, 90))
    assert img.shape == (90, 2 * 200, 3) and img.dtype.name == "uint8"
    with pytest.warns(DeprecationWarning, match=r"draw_panels\(panel_size=\.\.\.\) is now draw_panels\(panel_size_wh"):
        assert (draw_panels(panels, panel_size=(200, 90)) == img).all()
    with pytest.raises(TypeError, match="give panel_size_wh only"):
        draw_panels(panels, panel_size_wh=(200, 90), panel_size=(200, 90))
