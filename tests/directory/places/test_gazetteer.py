"""The offline gazetteer: names in our languages, typos, postcodes, regions and service areas."""

import pytest

from directory.places.gazetteer import Gazetteer, Place, gazetteer, normalise


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    return gazetteer()


def resolved(places: Gazetteer, name: str) -> Place:
    place = places.resolve(name)
    assert place is not None, name
    return place


MUNICIPALITIES = [
    *[(name, "2000", "BE-VLG") for name in ("Antwerpen", "Anvers", "Antwerp", "Amberes")],
    *[(name, "4000", "BE-WAL") for name in ("Liège", "Luik", "Lüttich", "Liege", "Lieja")],
    *[(name, "7000", "BE-WAL") for name in ("Mons", "Bergen")],
    *[(name, "9000", "BE-VLG") for name in ("Gent", "Gand", "Ghent", "Gante")],
    *[(name, "5000", "BE-WAL") for name in ("Namur", "Namen")],
    *[(name, "1030", "BE-BRU") for name in ("Schaerbeek", "Schaarbeek")],
    *[
        (name, "1210", "BE-BRU")
        for name in ("Sint-Joost-ten-Node", "Saint-Josse-ten-Noode", "Sint-Joost", "Saint-Josse")
    ],
    *[
        (name, "1000", "BE-BRU")
        for name in ("Bruxelles", "Brussel", "Brussels", "Brüssel", "Bruselas", "Bxl")
    ],
    ("Molenbeek", "1080", "BE-BRU"),
    ("Sint-Jans-Molenbeek", "1080", "BE-BRU"),
    ("Elsene", "1050", "BE-BRU"),
    ("Ixelles", "1050", "BE-BRU"),
    ("Charleroi", "6000", "BE-WAL"),
    ("Brugge", "8000", "BE-VLG"),
    ("Bruges", "8000", "BE-VLG"),
    ("Leuven", "3000", "BE-VLG"),
    ("Louvain", "3000", "BE-VLG"),
    ("Mechelen", "2800", "BE-VLG"),
    ("Malines", "2800", "BE-VLG"),
    ("Eupen", "4700", "BE-WAL"),
    ("Sankt Vith", "4780", "BE-WAL"),
    ("Arlon", "6700", "BE-WAL"),
    ("Aarlen", "6700", "BE-WAL"),
]


@pytest.mark.parametrize(("name", "postcode", "region"), MUNICIPALITIES)
def test_a_municipality_resolves_in_every_language(
    places: Gazetteer, name: str, postcode: str, region: str
) -> None:
    place = resolved(places, name)
    assert (place.kind, place.country, place.postcode, place.region) == (
        "municipality",
        "BE",
        postcode,
        region,
    )


@pytest.mark.parametrize(
    "name",
    [
        "sint joost ten node",
        "SINT-JOOST-TEN-NODE",
        "  Sint  Joost-ten Node ",
        "saint josse ten noode",
        "Saint Josse-Ten-Noode.",
        "St-Joost-ten-Node",
        "St. Josse-ten-Noode",
    ],
)
def test_case_accents_hyphens_spaces_and_saint_abbreviations_do_not_matter(
    places: Gazetteer, name: str
) -> None:
    assert resolved(places, name).postcode == "1210"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Anvers", "Anvers"),
        ("antwerp", "Antwerp"),
        ("LIÈGE", "Liège"),
        ("liege", "Liège"),
        ("Lüttich", "Lüttich"),
        ("bergen", "Bergen"),
        ("Schaarbeek", "Schaarbeek"),
        ("1000", "Bruxelles"),
    ],
)
def test_the_place_is_shown_by_the_name_the_user_typed(
    places: Gazetteer, typed: str, shown: str
) -> None:
    assert resolved(places, typed).name == shown


@pytest.mark.parametrize(
    ("typo", "postcode"),
    [
        ("Anwerpen", "2000"),
        ("Antwerpn", "2000"),
        ("Brusel", "1000"),
        ("Bruxels", "1000"),
        ("Bruxeles", "1000"),
        ("Liegge", "4000"),
        ("Lieeg", "4000"),
        ("Namurr", "5000"),
        ("Schaerbek", "1030"),
        ("Scharbeek", "1030"),
        ("Charlerwa", "6000"),
        ("Sint Joost ten Noode", "1210"),
        ("Molenbek Saint Jean", "1080"),
    ],
)
def test_typos_are_forgiven(places: Gazetteer, typo: str, postcode: str) -> None:
    place = resolved(places, typo)
    assert (place.country, place.postcode) == ("BE", postcode)


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Bergen", "BE"),
        ("Mons", "BE"),
        ("Namur", "BE"),
        ("Gent", "BE"),
        ("Essen", "BE"),
        ("Lille", "BE"),
        ("Belgrade", "RS"),
        ("Duisburg", "DE"),
    ],
)
def test_belgian_places_win_over_foreign_homonyms_except_a_big_city_over_a_village(
    places: Gazetteer, name: str, country: str
) -> None:
    assert resolved(places, name).country == country


def test_a_big_foreign_city_does_not_beat_a_belgian_municipality(places: Gazetteer) -> None:
    essen = resolved(places, "Essen")
    assert (essen.kind, essen.postcode) == ("municipality", "2910")


@pytest.mark.parametrize(
    ("name", "country", "latitude", "longitude"),
    [
        ("Paris", "FR", 48.85, 2.35),
        ("București", "RO", 44.43, 26.10),
        ("Bucuresti", "RO", 44.43, 26.10),
        ("Bucharest", "RO", 44.43, 26.10),
        ("Bukarest", "RO", 44.43, 26.10),
        ("София", "BG", 42.70, 23.32),
        ("Sofia", "BG", 42.70, 23.32),
        ("Пловдив", "BG", 42.15, 24.75),
        ("Варна", "BG", 43.22, 27.91),
        ("Madrid", "ES", 40.42, -3.70),
        ("Warszawa", "PL", 52.23, 21.01),
        ("Chișinău", "MD", 47.01, 28.86),
        ("London", "GB", 51.51, -0.13),
        ("Londres", "GB", 51.51, -0.13),
        ("Maastricht", "NL", 50.85, 5.69),
        ("Roubaix", "FR", 50.69, 3.17),
        ("Bucurest", "RO", 44.43, 26.10),
    ],
)
def test_european_places_resolve_outside_belgium(
    places: Gazetteer, name: str, country: str, latitude: float, longitude: float
) -> None:
    place = resolved(places, name)
    assert (place.country, place.region, place.postcode, place.kind) == (
        country,
        None,
        None,
        "place",
    )
    assert place.latitude == pytest.approx(latitude, abs=0.02)
    assert place.longitude == pytest.approx(longitude, abs=0.02)


@pytest.mark.parametrize(
    "name", ["", "   ", "-", "xyzzy", "qqqq", "Atlantis", "Brxles", "Lieg", "Ixel", "Αθήνα"]
)
def test_unknown_or_too_distant_names_resolve_to_nothing(places: Gazetteer, name: str) -> None:
    assert places.resolve(name) is None


@pytest.mark.parametrize(
    ("name", "postcode"),
    [
        ("Antwerpen centrum", "2000"),
        ("Bruxelles centre", "1000"),
        ("Brussels city", "1000"),
        ("Liège centre", "4000"),
        ("Gent Centrum", "9000"),
    ],
)
def test_words_like_centre_are_ignored(places: Gazetteer, name: str, postcode: str) -> None:
    assert resolved(places, name).postcode == postcode


@pytest.mark.parametrize(
    "name", ["France", "Germany", "Belgium", "België", "Netherlands", "Centre", "Centrum", "city"]
)
def test_countries_and_generic_words_are_not_places(places: Gazetteer, name: str) -> None:
    assert places.resolve(name) is None


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("Berlar", {"Berlaar", "Berlare"}), ("Weteren", {"Wetteren", "Wezeren"})],
)
def test_a_typo_as_close_to_two_distant_places_is_ambiguous(
    places: Gazetteer, typo: str, meant: set[str]
) -> None:
    assert places.resolve(typo) is None
    assert meant <= set(places.suggest(typo))


@pytest.mark.parametrize(("typo", "meant"), [("Erlaar", "Berlaar"), ("Gnet", "Gent")])
def test_a_typo_in_the_first_letter_or_a_very_short_name_is_only_suggested(
    places: Gazetteer, typo: str, meant: str
) -> None:
    assert places.resolve(typo) is None
    assert meant in places.suggest(typo)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Brxles", "Bruxelles"),
        ("Lieg", "Liège"),
        ("Antwrpnnn", "Antwerpen"),
        ("Schrbk", "Schaarbeek"),
        ("Lovaina", "Leuven"),
    ],
)
def test_near_misses_get_suggestions(places: Gazetteer, name: str, expected: str) -> None:
    suggestions = places.suggest(name)
    assert expected in suggestions
    assert len(suggestions) <= 5
    assert len(suggestions) == len(set(suggestions))


def test_suggestions_respect_the_limit_and_can_be_resolved(places: Gazetteer) -> None:
    suggestions = places.suggest("Brusl", limit=3)
    assert len(suggestions) == 3
    assert all(places.resolve(suggestion) is not None for suggestion in suggestions)


@pytest.mark.parametrize("name", ["", "   ", "qqqq", "xyzzy", "1000"])
def test_nothing_near_gives_no_suggestions(places: Gazetteer, name: str) -> None:
    assert places.suggest(name) == []


@pytest.mark.parametrize("text", ["1000", " 1000 ", "B-1000", "BE-1000", "b1000", "be 1000"])
def test_postcodes_are_read_in_their_usual_forms(places: Gazetteer, text: str) -> None:
    place = places.by_postcode(text)
    assert place is not None
    assert (place.postcode, place.kind, place.region) == ("1000", "postcode", "BE-BRU")
    assert place.latitude == pytest.approx(50.85, abs=0.01)


@pytest.mark.parametrize(
    "text", ["", "abcd", "100", "10000", "0000", "0999", "9999", "1001", "B-", "1000a", "FR-1000"]
)
def test_malformed_or_unassigned_postcodes_give_nothing(places: Gazetteer, text: str) -> None:
    assert places.by_postcode(text) is None


@pytest.mark.parametrize(
    ("postcode", "name", "region"),
    [
        ("2000", "Antwerpen", "BE-VLG"),
        ("4000", "Liège", "BE-WAL"),
        ("9000", "Gent", "BE-VLG"),
        ("1030", "Schaerbeek", "BE-BRU"),
        ("1210", "Saint-Josse-Ten-Noode", "BE-BRU"),
        ("5000", "Namur", "BE-WAL"),
        ("7000", "Mons", "BE-WAL"),
        ("4700", "Eupen", "BE-WAL"),
    ],
)
def test_a_postcode_gives_its_main_locality(
    places: Gazetteer, postcode: str, name: str, region: str
) -> None:
    place = places.by_postcode(postcode)
    assert place is not None
    assert (place.name, place.region, place.postcode) == (name, region, postcode)


@pytest.mark.parametrize(
    ("text", "name", "postcode"),
    [
        ("1000", "Bruxelles", "1000"),
        ("B-1000 Bruxelles", "Bruxelles", "1000"),
        ("1050 Ixelles", "Ixelles", "1050"),
        ("4000 Rocourt", "Rocourt", "4000"),
        ("Gent 9000", "Gent", "9000"),
        ("2000 Neuchâtel", "Antwerpen", "2000"),
        ("9999 Namur", "Namur", "5000"),
        ("75001 Paris", "Paris", None),
    ],
)
def test_a_postcode_in_the_text_wins_and_a_name_picks_the_locality(
    places: Gazetteer, text: str, name: str, postcode: str | None
) -> None:
    place = resolved(places, text)
    assert (place.name, place.postcode) == (name, postcode)


def test_a_locality_sharing_a_postcode_has_its_own_coordinates(places: Gazetteer) -> None:
    rocourt, liege = resolved(places, "4000 Rocourt"), resolved(places, "4000")
    assert rocourt.latitude != liege.latitude


@pytest.mark.parametrize("name", ["Vlaanderen", "Flanders", "Wallonie", "Wallonia", "Flandre"])
def test_flanders_and_wallonia_are_not_places(places: Gazetteer, name: str) -> None:
    assert places.resolve(name) is None


@pytest.mark.parametrize(
    "name",
    ["Brussels-Capital Region", "Région de Bruxelles-Capitale", "Brussels Hoofdstedelijk Gewest"],
)
def test_the_brussels_region_resolves_to_the_city_of_brussels(places: Gazetteer, name: str) -> None:
    place = resolved(places, name)
    assert (place.postcode, place.kind, place.region) == ("1000", "municipality", "BE-BRU")


BRUSSELS_MUNICIPALITIES = [
    "Anderlecht", "Oudergem", "Sint-Agatha-Berchem", "Brussel", "Etterbeek", "Evere", "Vorst",
    "Ganshoren", "Elsene", "Jette", "Koekelberg", "Sint-Jans-Molenbeek", "Sint-Gillis",
    "Sint-Joost-ten-Node", "Schaarbeek", "Ukkel", "Watermaal-Bosvoorde", "Sint-Lambrechts-Woluwe",
    "Sint-Pieters-Woluwe", "Auderghem", "Forest", "Uccle", "Watermael-Boitsfort",
]  # fmt: skip


@pytest.mark.parametrize("name", BRUSSELS_MUNICIPALITIES)
def test_the_nineteen_brussels_municipalities_are_in_the_brussels_region(
    places: Gazetteer, name: str
) -> None:
    place = resolved(places, name)
    assert (place.kind, place.region) == ("municipality", "BE-BRU")
    assert places.area_covers("Bruxelles", place)
    assert not places.area_covers("Vlaanderen", place)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        *[
            (name, "BE-VLG")
            for name in (
                "Vlaanderen",
                "Flanders",
                "Flandre",
                "Flandern",
                "Vlaams Gewest",
                "vlaanderen",
            )
        ],
        *[
            (name, "BE-WAL")
            for name in (
                "Wallonie",
                "Wallonia",
                "Wallonië",
                "Wallonien",
                "Région wallonne",
                "WALLONIE",
            )
        ],
        *[
            (name, "BE-BRU")
            for name in (
                "Bruxelles",
                "Brussel",
                "Brussels",
                "Brussels-Capital Region",
                "Région de Bruxelles-Capitale",
                "Brussels Hoofdstedelijk Gewest",
                "Region Brüssel-Hauptstadt",
            )
        ],
        *[(name, None) for name in ("Antwerpen", "Belgium", "Hainaut", "", "Flanders Fields")],
    ],
)
def test_region_named(places: Gazetteer, name: str, code: str | None) -> None:
    assert places.region_named(name) == code


@pytest.mark.parametrize(
    ("area", "place", "covered"),
    [
        ("Belgium", "Anvers", True),
        ("Belgique", "Arlon", True),
        ("België", "Mons", True),
        ("Belgien", "Eupen", True),
        ("BE", "Schaerbeek", True),
        ("Belgium", "Paris", False),
        ("Vlaanderen", "Gent", True),
        ("Flanders", "Liège", False),
        ("Wallonie", "Liège", True),
        ("Wallonia", "Eupen", True),
        ("Bruxelles", "Schaerbeek", True),
        ("Brussels", "1180", True),
        ("Brussel", "Anvers", False),
        ("Antwerpen (provincie)", "Mechelen", True),
        ("Provincie Antwerpen", "Gent", False),
        ("Province de Liège", "Verviers", True),
        ("Province de Liège", "Namur", False),
        ("Provinz Lüttich", "Eupen", True),
        ("Province of Namur", "Dinant", True),
        ("Province de Luxembourg", "Arlon", True),
        ("Hainaut", "Mons", True),
        ("Henegouwen", "Charleroi", True),
        ("Oost-Vlaanderen", "Gent", True),
        ("West-Vlaanderen", "Gent", False),
        ("Limburg", "Hasselt", True),
        ("Vlaams-Brabant", "Leuven", True),
        ("Brabant wallon", "Wavre", True),
        ("Antwerpen", "Borgerhout", True),
        ("Antwerpen", "2000", True),
        ("Antwerp", "Anvers", True),
        ("Antwerpen", "Mechelen", False),
        ("Gent", "Gand", True),
        ("Liège", "4000 Rocourt", True),
        ("Schaerbeek", "1030", True),
        ("Ixelles", "Elsene", True),
        ("Borgerhout", "2140", True),
        ("Luxembourg", "Arlon", False),
        ("Mars", "Anvers", False),
        ("", "Anvers", False),
        ("Vlaanderen", "Paris", False),
        ("Paris", "Paris", False),
        ("France", "Paris", True),
        ("FR", "Roubaix", True),
        ("France", "Anvers", False),
        ("Netherlands", "Maastricht", True),
        ("Luxembourg", "Luxembourg", True),
        ("Belgium", "Luxembourg", False),
    ],
)
def test_area_covers(places: Gazetteer, area: str, place: str, covered: bool) -> None:
    assert places.area_covers(area, resolved(places, place)) is covered


@pytest.mark.parametrize("postcode", ["75001", "12", "abcd", "0999", ""])
def test_area_covers_a_belgian_place_with_an_odd_postcode_by_its_coordinates(
    places: Gazetteer, postcode: str
) -> None:
    mechelen = Place("Mechelen", 51.0257, 4.4776, "BE", "BE-VLG", postcode, "place")
    assert places.area_covers("Provincie Antwerpen", mechelen)
    assert places.area_covers("Mechelen", mechelen)
    assert not places.area_covers("Antwerpen", mechelen)


def test_area_covers_a_place_known_only_by_its_coordinates(places: Gazetteer) -> None:
    borgerhout = Place("Borgerhout", 51.2096, 4.4354, "BE", None, None, "place")
    assert places.area_covers("Antwerpen", borgerhout)
    assert places.area_covers("Vlaanderen", borgerhout)
    assert places.area_covers("Provincie Antwerpen", borgerhout)
    assert not places.area_covers("Wallonie", borgerhout)


@pytest.mark.parametrize(
    ("latitude", "longitude", "region"),
    [
        (50.8466, 4.3528, "BE-BRU"),
        (50.8676, 4.3736, "BE-BRU"),
        (51.2194, 4.4025, "BE-VLG"),
        (51.0543, 3.7174, "BE-VLG"),
        (50.6326, 5.5797, "BE-WAL"),
        (50.4108, 4.4446, "BE-WAL"),
        (50.797, 3.122, "BE-VLG"),
        (51.350, 3.290, "BE-VLG"),
        (49.683, 5.817, "BE-WAL"),
        (50.716, 6.012, "BE-WAL"),
        (48.8566, 2.3522, None),
        (50.8514, 5.6910, None),
        (50.6292, 3.0573, None),
        (50.786, 3.126, None),
        (50.7753, 6.0839, None),
        (49.611, 6.130, None),
        (51.600, 2.700, None),
        (0.0, 0.0, None),
        (91.0, 4.0, None),
        (50.8, 181.0, None),
    ],
)
def test_region_of(
    places: Gazetteer, latitude: float, longitude: float, region: str | None
) -> None:
    assert places.region_of(latitude, longitude) == region


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Sint-Joost-ten-Node", "sint joost ten node"),
        ("  LIÈGE ", "liege"),
        ("Lüttich", "luttich"),
        ("Chișinău", "chisinau"),
        ("Gießen", "giessen"),
        ("'s-Hertogenbosch", "s hertogenbosch"),
        ("L'Escaillère", "lescaillere"),
        ("София", "sofiya"),
        ("Пловдив", "plovdiv"),
        ("B-1000", "b 1000"),
        ("", ""),
    ],
)
def test_normalise(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


def test_the_gazetteer_is_loaded_once_per_process() -> None:
    assert gazetteer() is gazetteer()


def test_a_gazetteer_can_be_loaded_from_a_given_file(places: Gazetteer) -> None:
    from directory.places.gazetteer import DEFAULT_PATH

    again = Gazetteer.load(DEFAULT_PATH)
    assert again.resolve("Anvers") == places.resolve("Anvers")


def test_places_are_plain_frozen_values(places: Gazetteer) -> None:
    place = resolved(places, "Anvers")
    assert place == Place("Anvers", 51.2199, 4.4035, "BE", "BE-VLG", "2000", "municipality")
    with pytest.raises(AttributeError):
        place.name = "Antwerpen"  # type: ignore[misc]


def region_by_postcode_range(code: int) -> str:
    if code < 1300:
        return "BE-BRU"
    if code < 1500 or 4000 <= code < 8000:
        return "BE-WAL"
    return "BE-VLG"


def test_every_known_postcode_is_in_the_region_its_number_says(places: Gazetteer) -> None:
    known = 0
    for code in range(1000, 10_000):
        place = places.by_postcode(str(code))
        if place is not None:
            known += 1
            assert (place.country, place.region) == ("BE", region_by_postcode_range(code)), code
            assert places.region_of(place.latitude, place.longitude) == place.region, code
    assert known > 1100


@pytest.mark.parametrize(
    ("province", "first", "last"),
    [
        ("Provincie Antwerpen", 2000, 2999),
        ("Limburg", 3500, 3999),
        ("Province de Liège", 4000, 4999),
        ("Province de Namur", 5000, 5999),
        ("Province de Luxembourg", 6600, 6999),
        ("West-Vlaanderen", 8000, 8999),
        ("Oost-Vlaanderen", 9000, 9999),
        ("Brabant wallon", 1300, 1499),
    ],
)
def test_a_province_covers_its_postcodes_and_no_others(
    places: Gazetteer, province: str, first: int, last: int
) -> None:
    for code in range(1000, 10_000, 7):
        place = places.by_postcode(str(code))
        if place is not None:
            assert places.area_covers(province, place) is (first <= code <= last), code
