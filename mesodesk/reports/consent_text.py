"""The words of the consent forms mesodesk prints, with the version each form carries.

A signed form is recorded with its text version (Record a consent…), so a change of
wording here must come with a new ``version``.
"""

from __future__ import annotations

from dataclasses import dataclass

from mesodesk.core.enums import ConsentKind


@dataclass(frozen=True, slots=True)
class ConsentText:
    version: str
    title: str
    paragraphs: tuple[str, ...]
    risks_heading: str
    risks: tuple[str, ...]
    statements: tuple[str, ...]
    optional: tuple[str, ...] = ()


TREATMENT = ConsentText(
    version="mesodesk 1",
    title="Consent to mesotherapy treatment",
    paragraphs=(
        "Mesotherapy is a series of small injections into the middle layer of the skin, "
        "given with fine needles or a mesotherapy gun. The preparation injected, the areas "
        "treated and the number of sessions are agreed with you and written in your record.",
        "Results build up over several sessions a few weeks apart. They differ from one "
        "person to another and cannot be guaranteed; maintenance sessions may be advised "
        "to keep them.",
        "Mesotherapy is not given to anyone under 18, during pregnancy or breastfeeding, or "
        "where the skin to be treated is infected or broken. Some illnesses, allergies and "
        "medicines make it unsuitable or call for care: this is why you are asked about "
        "your health before the first session and again later on.",
    ),
    risks_heading="What may happen after a session",
    risks=(
        "Pain, tenderness or a more sensitive skin where the needle went in.",
        "Redness, swelling, itching or small bumps, which usually settle within a few days.",
        "Bruising, more likely if you take medicine that thins the blood.",
        "Nausea or feeling light-headed during or soon after the session.",
        "A rash or hives; rarely, an allergic reaction to an ingredient.",
        "Darker patches of skin (hyperpigmentation).",
        "Infection at an injection site.",
        "Rarely: lasting lumps (nodules), scars or damage to the skin that needs treatment.",
    ),
    statements=(
        "I have answered the health questions truthfully, and I will tell the practice "
        "of any change: an illness, a new medicine, a pregnancy or breastfeeding.",
        "The treatment, its expected benefits, its possible side effects and the "
        "alternatives have been explained to me, and my questions have been answered.",
        "I have been given the aftercare advice and I know whom to contact if a problem occurs.",
        "I know that I may stop the treatment and withdraw this consent at any time, "
        "without giving a reason.",
        "I agree to receive mesotherapy as planned with my practitioner.",
    ),
)

PHOTOS = ConsentText(
    version="mesodesk 1",
    title="Consent to clinical photographs",
    paragraphs=(
        "Photographs of the treated areas, taken in the same way at several visits, are "
        "the clearest way to follow how a treatment works for you.",
        "They are taken at the practice, kept in your record as confidentially as the rest "
        "of it, and are not shown to anyone outside your care unless you agree below.",
        "You may refuse photographs without any effect on your treatment, and you may "
        "withdraw this consent at any time: no further photograph will then be taken.",
    ),
    risks_heading="",
    risks=(),
    statements=(
        "I agree that photographs of the treated areas are taken before, during and "
        "after my treatment and kept in my record.",
    ),
    optional=(
        "I also agree that these photographs, with nothing that could identify me, may be "
        "used for teaching or in medical publications.",
    ),
)

CONSENT_TEXTS = {ConsentKind.TREATMENT: TREATMENT, ConsentKind.PHOTOS: PHOTOS}
