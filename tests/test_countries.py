"""Country naming traps: one case per known trap (as country_converter tests them)."""

from __future__ import annotations

import pytest

from computestrata.atlas.countries import CountryResolver, normalise_name, shipped_aliases


@pytest.fixture(scope="module")
def resolver() -> CountryResolver:
    pairs = [
        *shipped_aliases(),
        ("Republic of Korea", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("China", "CHN"),
        ("Saudi Arabia", "SAU"),
        ("Czechia", "CZE"),
        ("Namibia", "NAM"),
        ("NA", "NAM"),
    ]
    return CountryResolver.from_pairs(pairs, ["KOR", "PRK", "CHN", "TWN", "HKG", "MAC", "SAU", "CZE", "NAM", "USA"])


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Korea, South", "KOR"),
        ("South Korea", "KOR"),
        ("Korea", "KOR"),
        ("Korea, Rep.", "KOR"),
        ("Korea, Dem. People's Rep.", "PRK"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Taiwan", "TWN"),
        ("Other Asia, nes", "TWN"),
        ("Hong Kong SAR, China", "HKG"),
        ("Macau", "MAC"),
        ("Macao SAR, China", "MAC"),
        ("Czech Republic", "CZE"),
        ("Saudia Arabia", "SAU"),
        ("NA", "NAM"),
        ("the United States", "USA"),
        ("kor", "KOR"),
    ],
)
def test_naming_traps(resolver: CountryResolver, name: str, iso3: str) -> None:
    assert resolver.resolve(name) == iso3


def test_korea_never_resolves_to_north_korea(resolver: CountryResolver) -> None:
    for name in ("Korea", "Korea, South", "Republic of Korea", "KOREA, SOUTH"):
        assert resolver.resolve(name) == "KOR"


def test_unknown_name_is_none(resolver: CountryResolver) -> None:
    assert resolver.resolve("Atlantis") is None


def test_normalise_strips_accents_and_article() -> None:
    assert normalise_name("Türkiye") == "turkiye"
    assert normalise_name("Netherlands (the)") == "netherlands"
    assert normalise_name("The Bahamas") == "bahamas"


@pytest.mark.integration
def test_countries_table_from_raw(atlas) -> None:  # type: ignore[no-untyped-def]
    rows = {r["iso3"]: r for r in atlas.rows("SELECT * FROM countries WHERE iso3 IN ('KOR','PRK','TWN','NAM')")}
    assert rows["KOR"]["name_ko"] == "대한민국" and rows["KOR"]["name_zh"] == "韩国"
    assert rows["PRK"]["name_en"] == "North Korea"
    assert rows["NAM"]["iso2"] == "NA"  # not read as a missing value
    assert rows["KOR"]["income_group"] == "High income"


@pytest.mark.integration
@pytest.mark.parametrize(
    ("word", "iso3"),
    [
        ("中国", "CHN"),
        ("한국", "KOR"),
        ("대한민국", "KOR"),
        ("韩国", "KOR"),
        ("美国", "USA"),
        ("台湾", "TWN"),
        ("북한", "PRK"),
        ("KOREA", "KOR"),
        ("Korea, South", "KOR"),
    ],
)
def test_country_arg_accepts_korean_and_chinese_names(atlas, word: str, iso3: str) -> None:  # type: ignore[no-untyped-def]
    from computestrata.atlas.countries import country_arg

    assert country_arg(atlas, word) == iso3


@pytest.mark.integration
def test_country_arg_unknown_lists_closest(atlas) -> None:  # type: ignore[no-untyped-def]
    from computestrata.atlas.countries import country_arg
    from computestrata.errors import InputError

    with pytest.raises(InputError) as exc:
        country_arg(atlas, "Chna")
    assert exc.value.hint is not None and exc.value.hint.startswith("closest: CHN")
