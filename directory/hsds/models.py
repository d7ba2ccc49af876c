"""SQLModel tables shaped exactly like the HSDS 3.0 objects.

One table per HSDS object, one column per scalar HSDS field, named as in the standard. Nesting
(a service's phones, a location's addresses) lives in `directory.hsds.tree`, not in ORM
relationships: records are assembled with one query per table, never one per row.
"""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from directory.db_types import UTCDateTime


class Taxonomy(SQLModel, table=True):
    """HSDS `taxonomy`."""

    __tablename__ = "taxonomy"

    id: str = Field(primary_key=True, max_length=36)
    name: str
    description: str
    uri: str | None = Field(default=None)
    version: str | None = Field(default=None)


class TaxonomyTerm(SQLModel, table=True):
    """HSDS `taxonomy_term`."""

    __tablename__ = "taxonomy_term"

    id: str = Field(primary_key=True, max_length=36)
    code: str | None = Field(default=None, index=True)
    name: str
    description: str
    parent_id: str | None = Field(default=None, index=True)
    taxonomy: str | None = Field(default=None)
    language: str | None = Field(default=None)
    taxonomy_id: str | None = Field(default=None, foreign_key="taxonomy.id", index=True)
    term_uri: str | None = Field(default=None)


class Organization(SQLModel, table=True):
    """HSDS `organization`."""

    __tablename__ = "organization"

    id: str = Field(primary_key=True, max_length=36)
    name: str
    alternate_name: str | None = Field(default=None)
    description: str
    email: str | None = Field(default=None)
    website: str | None = Field(default=None)
    tax_status: str | None = Field(default=None)
    tax_id: str | None = Field(default=None)
    year_incorporated: float | None = Field(default=None)
    legal_status: str | None = Field(default=None)
    logo: str | None = Field(default=None)
    uri: str | None = Field(default=None)
    parent_organization_id: str | None = Field(default=None, index=True)


class Program(SQLModel, table=True):
    """HSDS `program`."""

    __tablename__ = "program"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    name: str
    alternate_name: str | None = Field(default=None)
    description: str


class Service(SQLModel, table=True):
    """HSDS `service`."""

    __tablename__ = "service"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    program_id: str | None = Field(default=None, foreign_key="program.id", index=True)
    name: str
    alternate_name: str | None = Field(default=None)
    description: str | None = Field(default=None)
    url: str | None = Field(default=None)
    email: str | None = Field(default=None)
    status: str
    interpretation_services: str | None = Field(default=None)
    application_process: str | None = Field(default=None)
    fees_description: str | None = Field(default=None)
    wait_time: str | None = Field(default=None)
    fees: str | None = Field(default=None)
    accreditations: str | None = Field(default=None)
    eligibility_description: str | None = Field(default=None)
    minimum_age: float | None = Field(default=None)
    maximum_age: float | None = Field(default=None)
    assured_date: date | None = Field(default=None)
    assurer_email: str | None = Field(default=None)
    licenses: str | None = Field(default=None)
    alert: str | None = Field(default=None)
    last_modified: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Location(SQLModel, table=True):
    """HSDS `location`."""

    __tablename__ = "location"

    id: str = Field(primary_key=True, max_length=36)
    location_type: str
    url: str | None = Field(default=None)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    name: str | None = Field(default=None)
    alternate_name: str | None = Field(default=None)
    description: str | None = Field(default=None)
    transportation: str | None = Field(default=None)
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)
    external_identifier: str | None = Field(default=None)
    external_identifier_type: str | None = Field(default=None)


class ServiceAtLocation(SQLModel, table=True):
    """HSDS `service_at_location`."""

    __tablename__ = "service_at_location"

    id: str = Field(primary_key=True, max_length=36)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    location_id: str | None = Field(default=None, foreign_key="location.id", index=True)
    description: str | None = Field(default=None)


class Contact(SQLModel, table=True):
    """HSDS `contact`."""

    __tablename__ = "contact"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    service_at_location_id: str | None = Field(
        default=None, foreign_key="service_at_location.id", index=True
    )
    location_id: str | None = Field(default=None, foreign_key="location.id", index=True)
    name: str | None = Field(default=None)
    title: str | None = Field(default=None)
    department: str | None = Field(default=None)
    email: str | None = Field(default=None)


class Phone(SQLModel, table=True):
    """HSDS `phone`."""

    __tablename__ = "phone"

    id: str = Field(primary_key=True, max_length=36)
    location_id: str | None = Field(default=None, foreign_key="location.id", index=True)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    contact_id: str | None = Field(default=None, foreign_key="contact.id", index=True)
    service_at_location_id: str | None = Field(
        default=None, foreign_key="service_at_location.id", index=True
    )
    number: str
    extension: float | None = Field(default=None)
    type: str | None = Field(default=None)
    description: str | None = Field(default=None)


class Language(SQLModel, table=True):
    """HSDS `language`."""

    __tablename__ = "language"

    id: str = Field(primary_key=True, max_length=36)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    location_id: str | None = Field(default=None, foreign_key="location.id", index=True)
    phone_id: str | None = Field(default=None, foreign_key="phone.id", index=True)
    name: str | None = Field(default=None)
    code: str | None = Field(default=None, index=True)
    note: str | None = Field(default=None)


class Address(SQLModel, table=True):
    """HSDS `address`."""

    __tablename__ = "address"

    id: str = Field(primary_key=True, max_length=36)
    location_id: str | None = Field(default=None, foreign_key="location.id", index=True)
    attention: str | None = Field(default=None)
    address_1: str
    address_2: str | None = Field(default=None)
    city: str
    region: str | None = Field(default=None)
    state_province: str
    postal_code: str
    country: str
    address_type: str


class Schedule(SQLModel, table=True):
    """HSDS `schedule`."""

    __tablename__ = "schedule"

    id: str = Field(primary_key=True, max_length=36)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    location_id: str | None = Field(default=None, foreign_key="location.id", index=True)
    service_at_location_id: str | None = Field(
        default=None, foreign_key="service_at_location.id", index=True
    )
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    dtstart: date | None = Field(default=None)
    timezone: float | None = Field(default=None)
    until: date | None = Field(default=None)
    count: float | None = Field(default=None)
    wkst: str | None = Field(default=None)
    freq: str | None = Field(default=None)
    interval: float | None = Field(default=None)
    byday: str | None = Field(default=None)
    byweekno: str | None = Field(default=None)
    bymonthday: str | None = Field(default=None)
    byyearday: str | None = Field(default=None)
    description: str | None = Field(default=None)
    opens_at: str | None = Field(default=None)
    closes_at: str | None = Field(default=None)
    schedule_link: str | None = Field(default=None)
    attending_type: str | None = Field(default=None)
    notes: str | None = Field(default=None)


class ServiceArea(SQLModel, table=True):
    """HSDS `service_area`."""

    __tablename__ = "service_area"

    id: str = Field(primary_key=True, max_length=36)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    name: str | None = Field(default=None)
    description: str | None = Field(default=None)
    extent: str | None = Field(default=None)
    extent_type: str | None = Field(default=None)
    uri: str | None = Field(default=None)


class CostOption(SQLModel, table=True):
    """HSDS `cost_option`."""

    __tablename__ = "cost_option"

    id: str = Field(primary_key=True, max_length=36)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    option: str | None = Field(default=None)
    currency: str | None = Field(default=None)
    amount: float | None = Field(default=None)
    amount_description: str | None = Field(default=None)


class RequiredDocument(SQLModel, table=True):
    """HSDS `required_document`."""

    __tablename__ = "required_document"

    id: str = Field(primary_key=True, max_length=36)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    document: str | None = Field(default=None)
    uri: str | None = Field(default=None)


class Funding(SQLModel, table=True):
    """HSDS `funding`."""

    __tablename__ = "funding"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    service_id: str | None = Field(default=None, foreign_key="service.id", index=True)
    source: str | None = Field(default=None)


class Accessibility(SQLModel, table=True):
    """HSDS `accessibility`."""

    __tablename__ = "accessibility"

    id: str = Field(primary_key=True, max_length=36)
    location_id: str | None = Field(default=None, foreign_key="location.id", index=True)
    description: str | None = Field(default=None)
    details: str | None = Field(default=None)
    url: str | None = Field(default=None)


class OrganizationIdentifier(SQLModel, table=True):
    """HSDS `organization_identifier`."""

    __tablename__ = "organization_identifier"

    id: str = Field(primary_key=True, max_length=36)
    organization_id: str | None = Field(default=None, foreign_key="organization.id", index=True)
    identifier_scheme: str | None = Field(default=None)
    identifier_type: str
    identifier: str


class Attribute(SQLModel, table=True):
    """HSDS `attribute`."""

    __tablename__ = "attribute"

    id: str = Field(primary_key=True, max_length=36)
    link_id: str | None = Field(default=None, index=True)
    taxonomy_term_id: str | None = Field(default=None, foreign_key="taxonomy_term.id", index=True)
    link_type: str | None = Field(default=None)
    link_entity: str | None = Field(default=None)
    value: str | None = Field(default=None)


class Metadata(SQLModel, table=True):
    """HSDS `metadata`."""

    __tablename__ = "metadata"

    id: str = Field(primary_key=True, max_length=36)
    resource_id: str | None = Field(default=None, index=True)
    resource_type: str | None = Field(default=None)
    last_action_date: datetime = Field(sa_type=UTCDateTime)
    last_action_type: str
    field_name: str
    previous_value: str
    replacement_value: str
    updated_by: str


HSDS_TABLES: tuple[type[SQLModel], ...] = (
    Taxonomy,
    TaxonomyTerm,
    Organization,
    Program,
    Service,
    Location,
    ServiceAtLocation,
    Contact,
    Phone,
    Language,
    Address,
    Schedule,
    ServiceArea,
    CostOption,
    RequiredDocument,
    Funding,
    Accessibility,
    OrganizationIdentifier,
    Attribute,
    Metadata,
)
"""Every HSDS table, parents before children (the insertion order)."""
