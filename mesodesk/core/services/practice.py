"""The practice itself: practitioners and the clinic's details."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mesodesk.core.db import Database
from mesodesk.core.models import Practitioner, Setting
from mesodesk.core.services import _validate as v

CLINIC_KEYS = ("clinic_name", "clinic_address", "clinic_phone")


@dataclass(frozen=True, slots=True)
class PractitionerData:
    name: str
    title: str = ""
    registration_number: str = ""


@dataclass(frozen=True, slots=True)
class PractitionerSummary:
    id: int
    name: str
    title: str
    registration_number: str
    active: bool

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.name}".strip()


@dataclass(frozen=True, slots=True)
class ClinicInfo:
    name: str = ""
    address: str = ""
    phone: str = ""


def add_practitioner(db: Database, data: PractitionerData) -> int:
    name = v.text("Name", data.name, required=True, max_length=120)
    title = v.text("Title", data.title, max_length=40)
    registration = v.text("Registration number", data.registration_number, max_length=60)
    with db.write() as session:
        practitioner = Practitioner(name=name, title=title, registration_number=registration)
        session.add(practitioner)
        session.flush()
        return practitioner.id


def update_practitioner(db: Database, practitioner_id: int, data: PractitionerData) -> None:
    name = v.text("Name", data.name, required=True, max_length=120)
    title = v.text("Title", data.title, max_length=40)
    registration = v.text("Registration number", data.registration_number, max_length=60)
    with db.write() as session:
        practitioner = v.get(session, Practitioner, practitioner_id, "Practitioner")
        practitioner.name = name
        practitioner.title = title
        practitioner.registration_number = registration


def list_practitioners(
    db: Database, *, include_inactive: bool = False
) -> list[PractitionerSummary]:
    statement = select(Practitioner).order_by(Practitioner.name)
    if not include_inactive:
        statement = statement.where(Practitioner.active.is_(True))
    with db.read() as session:
        return [
            PractitionerSummary(p.id, p.name, p.title, p.registration_number, p.active)
            for p in session.scalars(statement)
        ]


def get_setting(db: Database, key: str, default: str = "") -> str:
    with db.read() as session:
        setting = session.get(Setting, key)
        return default if setting is None else setting.value


def set_setting(db: Database, key: str, value: str) -> None:
    key = v.text("Setting", key, required=True, max_length=80)
    with db.write() as session:
        setting = session.get(Setting, key)
        if setting is None:
            session.add(Setting(key=key, value=value))
        elif setting.value != value:
            setting.value = value


def clinic_info(db: Database) -> ClinicInfo:
    with db.read() as session:
        values = {
            s.key: s.value
            for s in session.scalars(select(Setting).where(Setting.key.in_(CLINIC_KEYS)))
        }
    return ClinicInfo(
        name=values.get("clinic_name", ""),
        address=values.get("clinic_address", ""),
        phone=values.get("clinic_phone", ""),
    )


def set_clinic_info(db: Database, info: ClinicInfo) -> None:
    values = {
        "clinic_name": v.text("Clinic name", info.name, max_length=200),
        "clinic_address": v.text("Clinic address", info.address, max_length=500),
        "clinic_phone": v.phone("Clinic phone", info.phone),
    }
    with db.write() as session:
        for key, value in values.items():
            setting = session.get(Setting, key)
            if setting is None:
                session.add(Setting(key=key, value=value))
            elif setting.value != value:
                setting.value = value
