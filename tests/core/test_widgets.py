from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.widgets import (
    WidgetError,
    contrast_ratio,
    in_business_hours,
    new_widget_key,
    normalise_origin,
    origin_allowed,
    pick_language,
    public_config,
    text_color_for,
    updated,
    widget_from_json,
    widget_to_json,
)


def _widget(**changes: object) -> dict[str, object]:
    return {"key": "wk_abcdefgh12345678", "name": "Front desk"} | changes


def test_round_trip_keeps_every_field() -> None:
    config = widget_from_json(
        _widget(
            allowed_origins=["https://Shop.Example.com/cart", "http://localhost:8080"],
            business_hours=[{"day": 0, "opens": "09:00", "closes": "17:30"}],
            timezone="Europe/Paris",
            languages=["en", "fr", "en"],
            suggestions=["Track my order"],
            appointment_form=True,
            identity_max_age=900,
        )
    )
    assert config.identity_max_age == 900
    assert config.allowed_origins == ("https://shop.example.com", "http://localhost:8080")
    assert config.languages == ("en", "fr")
    assert widget_from_json(widget_to_json(config)) == config


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"color": "blue"}, "color"),
        ({"position": "top"}, "position"),
        ({"confidence_threshold": 2}, "confidence_threshold"),
        ({"confidence_threshold": True}, "confidence_threshold"),
        ({"languages": ["xx"]}, "languages"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"allowed_origins": ["shop.example.com"]}, "allowed_origins"),
        ({"allowed_origins": ["javascript:alert(1)"]}, "allowed_origins"),
        ({"business_hours": [{"day": 7, "opens": "09:00", "closes": "17:00"}]}, "business_hours"),
        ({"business_hours": [{"day": 1, "opens": "18:00", "closes": "09:00"}]}, "business_hours"),
        ({"avatar_url": "http://example.com/a.png"}, "avatar_url"),
        ({"title": "x" * 81}, "title"),
        ({"greeting": "  "}, "greeting"),
        ({"key": "short"}, "key"),
        ({"lead_form": "yes"}, "lead_form"),
        ({"identity_max_age": 59}, "identity_max_age"),
        ({"identity_max_age": 86401}, "identity_max_age"),
        ({"identity_max_age": "1h"}, "identity_max_age"),
    ],
)
def test_bad_settings_name_their_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(WidgetError) as caught:
        widget_from_json(_widget(**changes))
    assert caught.value.field == field
    assert str(caught.value).endswith(".")


def test_origins() -> None:
    assert normalise_origin("HTTPS://Shop.example.com:443/x?y") == "https://shop.example.com"
    assert normalise_origin("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    config = widget_from_json(_widget(allowed_origins=["https://shop.example.com"]))
    assert origin_allowed(config, "https://shop.example.com")
    assert not origin_allowed(config, "https://evil.example.com")
    assert not origin_allowed(config, "null")
    assert origin_allowed(widget_from_json(_widget()), "https://anything.example")


def test_text_colour_passes_wcag_aa_for_any_brand_colour() -> None:
    for red in range(0, 256, 17):
        for green in range(0, 256, 17):
            for blue in range(0, 256, 51):
                color = f"#{red:02x}{green:02x}{blue:02x}"
                assert contrast_ratio(color, text_color_for(color)) >= 4.5, color


def test_business_hours_in_the_widgets_time_zone() -> None:
    config = widget_from_json(
        _widget(
            timezone="Europe/Paris",
            business_hours=[{"day": 0, "opens": "09:00", "closes": "17:00"}],
        )
    )
    monday_0830_utc = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 09:30 in Paris
    assert in_business_hours(config, monday_0830_utc)
    assert not in_business_hours(config, datetime(2026, 11, 23, 16, 30, tzinfo=UTC))  # 17:30
    assert not in_business_hours(widget_from_json(_widget()), monday_0830_utc)


def test_online_only_while_someone_is_connected_or_within_hours() -> None:
    no_hours = widget_from_json(_widget())
    hours = widget_from_json(
        _widget(timezone="UTC", business_hours=[{"day": 0, "opens": "09:00", "closes": "17:00"}])
    )
    monday_10, monday_20 = (datetime(2026, 11, 23, h, tzinfo=UTC) for h in (10, 20))
    shown = public_config(no_hours, now=monday_10, language=None)
    assert shown["online"] is False  # no hours set and nobody connected: not "Online"
    assert public_config(no_hours, now=monday_10, language=None, connected=True)["online"]
    assert public_config(hours, now=monday_10, language=None)["online"] is True
    assert public_config(hours, now=monday_20, language=None)["online"] is False
    assert public_config(hours, now=monday_20, language=None, connected=True)["online"]


def test_public_config_hides_origins_store_and_secret() -> None:
    config = widget_from_json(_widget(store="demo", allowed_origins=["https://a.example"]))
    shown = public_config(config, now=datetime(2026, 1, 1, tzinfo=UTC), language="fr-CA")
    assert "allowed_origins" not in shown and "store" not in shown
    assert "identity_max_age" not in shown
    assert shown["language"] == "en" and shown["text_color"] == "#ffffff"
    assert pick_language(updated(config, {"languages": ["de", "fr"]}), "fr-CA") == "fr"


def test_new_keys_are_valid_and_distinct() -> None:
    keys = {new_widget_key() for _ in range(100)}
    assert len(keys) == 100
    for key in keys:
        widget_from_json(_widget(key=key))
