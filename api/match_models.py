"""The `POST /v1/match` request and answer, exactly as DESIGN.md's "Matching API" states them.

Every request field is optional; unknown fields are refused (`extra="forbid"`), and every
validation error names its field, so a 422 always says what to fix.
"""

from functools import cache
from typing import Literal

from babel import Locale
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from directory.taxonomy import Access, DocumentationStatus, Need

Goal = Literal["exit", "stay_safer", "undecided"]
Gender = Literal["woman", "man", "trans", "nonbinary", "unspecified"]
NoticeKind = Literal["emergency", "helpline", "trafficking", "minor"]


@cache
def iso_639_codes() -> frozenset[str]:
    """ISO 639-1 codes, and 639-3 codes for languages without one, as CLDR (Babel) knows them."""
    names: dict[str, str] = dict(Locale("en").languages)
    return frozenset(code for code in names if code.isalpha() and code.islower())


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MatchLocation(Strict):
    """Where the person is: a place name, a postcode, or coordinates (postcode wins over place)."""

    place: str | None = Field(default=None, min_length=1, max_length=120)
    postcode: str | None = Field(default=None, min_length=1, max_length=12)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> "MatchLocation":
        if (self.lat is None) != (self.lon is None):
            missing = "lon" if self.lon is None else "lat"
            raise ValueError(f"give both lat and lon ({missing} is missing)")
        return self


class Situation(Strict):
    in_danger_now: bool = False
    controlled_by_someone: bool = False


class MatchRequest(Strict):
    location: MatchLocation | None = None
    max_distance_km: float | None = Field(default=None, gt=0, le=20_000)
    languages: list[str] = Field(default_factory=list, max_length=20)
    documentation_status: DocumentationStatus | None = None
    goal: Goal | None = None
    needs: list[Need] = Field(default_factory=list, max_length=len(Need))
    gender: Gender | None = None
    age: int | None = Field(default=None, ge=0, le=130)
    situation: Situation | None = None
    anonymous_only: bool = False
    free_only: bool = False
    accessibility: list[Access] = Field(
        default_factory=list,
        max_length=len(Access),
        description="`access.` words: a location whose data says no to one is left out; "
        "where the data does not say, the result carries `accessibility_not_stated`.",
    )
    text: str | None = Field(default=None, max_length=1000)
    lang: str | None = Field(default=None, max_length=35)
    limit: int = Field(default=10, ge=1, le=50)

    @field_validator("languages")
    @classmethod
    def _iso_639(cls, codes: list[str]) -> list[str]:
        known = iso_639_codes()
        cleaned = [code.strip().lower() for code in codes]
        unknown = [code for code in cleaned if code not in known]
        if unknown:
            raise ValueError(f"not ISO 639 language codes: {', '.join(unknown)}")
        return list(dict.fromkeys(cleaned))


class MatchOrganization(BaseModel):
    id: str
    name: str


class ServiceSummary(BaseModel):
    id: str
    name: str
    organization: MatchOrganization
    languages: list[str]
    phones: list[str]
    """The numbers of `MatchResult.phones`, for this result's location."""
    url: str | None
    verified: bool
    """True when the record carries an `assured_date` (someone confirmed it with the service)."""
    sources: list[str]
    """Where the facts come from: URLs of the pages they were read on."""


class MatchPlace(BaseModel):
    name: str | None
    address: str | None
    latitude: float
    longitude: float


PhoneKind = Literal["location", "central", "through", "service"]


class MatchPhone(BaseModel):
    number: str
    kind: PhoneKind = Field(
        description="`location`: the matched location's own number; `central`: the "
        "organisation's or service's central number (the location has none of its own); "
        "`through`: the line the service is reached through (another organisation's or a "
        "helpline); `service`: the service's own number."
    )
    confirmed: bool = Field(description="False when read in a public source, not confirmed.")


class Explanation(BaseModel):
    """One reason or caution as a code and its parameters (the public contract the README lists:
    the texts may be reworded, the codes stay)."""

    code: str
    params: dict[str, str | int | float] = Field(default_factory=dict)


class MatchResult(BaseModel):
    service: ServiceSummary
    location: MatchPlace | None = Field(
        description="The location that matched (the nearest); null when it is confidential."
    )
    distance_km: float | None
    score: float = Field(ge=0, le=1)
    matched_needs: list[str]
    reasons: list[str]
    cautions: list[str]
    reason_codes: list[Explanation] = Field(
        description="The code behind each text of `reasons`, in the same order."
    )
    caution_codes: list[Explanation] = Field(
        description="The code behind each text of `cautions`, in the same order."
    )
    phones: list[MatchPhone] = Field(
        description="The numbers to call for this result, labelled: the matched location's own, "
        "else the central number or the line it is reached through; never another branch's."
    )


class Notice(BaseModel):
    kind: NoticeKind = Field(
        description="`emergency`: 112 and 101, for a person in danger; `helpline`: a listening "
        "or crisis line for a person in danger; `minor`: for a person under 18; `trafficking`: "
        "the nearest recognised centre for victims of trafficking (all of them without a "
        "place), then a trafficking line, for a person controlled by someone."
    )
    text: str = Field(
        description="The whole notice; it ends with a caution when `phone_confirmed` is false."
    )
    summary: str = Field(
        description="The notice without that caution (a page listing several lines says it once)."
    )
    phone: str | None
    phone_confirmed: bool = Field(
        default=True,
        description="False when the number was read in a public source and not yet confirmed "
        "with the service; `text` then says so and what to do if nobody answers.",
    )
    service_id: str | None = Field(
        default=None,
        description="The service of the directory whose line this notice names (none for 112, "
        "101 and a notice naming no line). That service is not repeated among `results`.",
    )


class UnderstoodPlace(BaseModel):
    name: str
    """The place the search is near, named in the answer's language where the gazetteer has it,
    else by its official local name ("Bruxelles / Brussel" in Brussels)."""
    postcode: str | None
    region: str | None
    """ISO 3166-2 code of the Belgian region ("BE-BRU"); None outside Belgium."""


class MatchResponse(BaseModel):
    results: list[MatchResult]
    notices: list[Notice]
    unmet_needs: list[str]
    total: int = Field(
        default=0,
        ge=0,
        description="How many services match, shown or not: `results` holds the first `limit`.",
    )
    place: UnderstoodPlace | None = Field(
        default=None,
        description="The place the search was understood to be near (none for coordinates).",
    )
