"""The WhatsApp side of escalation: a reminder to the assigned officer, a message to an office's duty
number. Queued through messaging.outbound (in the caller's transaction), each with a declared template
as fallback for when the recipient's 24-hour window is closed.

Privacy: the messages carry the tip's reference, category, district, status and how late it is, and for
offices the assigned officer's name; never the description, the place, the answers, the media or
anything about the reporter. The templates carry only the reference, the category and how late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from satark.geography.models import Range
from satark.messaging.outbound import queue_message
from satark.messaging.templates import get as get_template
from satark.people.models import Officer
from satark.tips.models import Tip

from .models import Awaiting, DutyNumber, Escalation, Stage

OFFICER_TEMPLATE = "satark_officer_reminder"
OFFICE_TEMPLATE = "satark_escalation"

TEXTS: dict[str, dict[str, str]] = {
    "reminder": {
        "hi": "⏰ याद दिलाना: कार्य {reference} ({category}) की कार्रवाई रिपोर्ट की समय-सीमा {late} पहले निकल गई। "
        "कृपया कार्रवाई करके रिपोर्ट भेजें: संदेश या फोटो भेजें, फिर 'रिपोर्ट भेजें' दबाएँ। "
        "अपने कार्य देखने के लिए 'कार्य' लिखें।",
        "en": "⏰ Reminder: the action-taken report on task {reference} ({category}) was due {late} ago. "
        "Please act and report: send a message or photos, then tap 'Send report'. Type 'tasks' to see your tasks.",
    },
    "assignment": {
        "hi": "⚠️ सतर्क मित्र एस्केलेशन — {office}\nसूचना {reference} ({category}, {district}) अभी तक किसी अधिकारी "
        "को नहीं सौंपी गई। समय-सीमा {late} पहले निकल गई।\nकृपया डैशबोर्ड पर देखें।",
        "en": "⚠️ Satark Mitra escalation — {office}\nTip {reference} ({category}, {district}) has not been "
        "assigned to an officer. Its deadline passed {late} ago.\nPlease check the dashboard.",
    },
    "report": {
        "hi": "⚠️ सतर्क मित्र एस्केलेशन — {office}\nसूचना {reference} ({category}, {district}): {officer} से "
        "कार्रवाई रिपोर्ट नहीं आई। समय-सीमा {late} पहले निकल गई।\nकृपया डैशबोर्ड पर देखें।",
        "en": "⚠️ Satark Mitra escalation — {office}\nTip {reference} ({category}, {district}): no action-taken "
        "report from {officer}. Its deadline passed {late} ago.\nPlease check the dashboard.",
    },
}
UNITS = {
    "hi": {"d": "दिन", "h": "घंटे", "min": "मिनट", "none": "—", "unassigned": "कोई अधिकारी नहीं"},
    "en": {"d": "d", "h": "h", "min": "min", "none": "—", "unassigned": "no officer"},
}


@dataclass(frozen=True)
class Delivery:
    sent: bool
    outbox_id: int | None = None
    note: str = ""


def late_text(late: timedelta, lang: str) -> str:
    """'2 d 3 h', '5 h 20 min', '7 min' (at least 1 min), in the recipient's language."""
    u = UNITS.get(lang, UNITS["en"])
    minutes = max(1, int(late.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} {u['d']} {hours} {u['h']}" if hours else f"{days} {u['d']}"
    if hours:
        return f"{hours} {u['h']} {mins} {u['min']}" if mins else f"{hours} {u['h']}"
    return f"{mins} {u['min']}"


def _language(lang: str, template: str) -> str:
    return lang if lang in get_template(template).bodies else "en"


def _range_of(tip: Tip) -> Range | None:
    if tip.district is not None:
        return tip.district.range
    ranges = list(Range.objects.all()[:2])
    return ranges[0] if len(ranges) == 1 else None  # a tip with no district yet: the range's own DIG office


def duty_number(tip: Tip, stage: str) -> DutyNumber | None:
    if stage == Stage.SP_OFFICE:
        if tip.district_id is None:
            return None
        return DutyNumber.objects.filter(district_id=tip.district_id, active=True).first()
    unit = _range_of(tip)
    return DutyNumber.objects.filter(range=unit, active=True).first() if unit else None


def remind_officer(tip: Tip, officer: Officer, late: timedelta) -> Delivery:
    lang = _language(officer.language, OFFICER_TEMPLATE)
    category = tip.category.label(lang)
    body = TEXTS["reminder"][lang].format(reference=tip.reference, category=category, late=late_text(late, lang))
    fallback = get_template(OFFICER_TEMPLATE).payload(lang, [tip.reference, category, late_text(late, lang)])
    # purpose "task:<reference>": the officer replying to the reminder picks this task (conversations.officers).
    item = queue_message(
        officer.contact_ref,
        {"type": "text", "body": body, "fallback_template": fallback},
        purpose=f"task:{tip.reference}",
    )
    return Delivery(sent=True, outbox_id=item.pk)


def notify_office(tip: Tip, duty: DutyNumber, escalation: Escalation, late: timedelta) -> Delivery:
    lang = _language(duty.language, OFFICE_TEMPLATE)
    category = tip.category.label(lang)
    officer = str(tip.officer) if tip.officer is not None else UNITS[lang]["unassigned"]
    kind = "assignment" if escalation.awaiting == Awaiting.ASSIGNMENT else "report"
    body = TEXTS[kind][lang].format(
        office=duty.office_label(lang),
        reference=tip.reference,
        category=category,
        district=tip.district.label(lang) if tip.district else UNITS[lang]["none"],
        officer=officer,
        late=late_text(late, lang),
    )
    fallback = get_template(OFFICE_TEMPLATE).payload(lang, [tip.reference, category, late_text(late, lang)])
    item = queue_message(
        duty.contact_ref, {"type": "text", "body": body, "fallback_template": fallback}, purpose="escalation"
    )
    return Delivery(sent=True, outbox_id=item.pk)


def deliver(tip: Tip, escalation: Escalation, late: timedelta) -> Delivery:
    """Send the step's message, or say why none could be sent (shown on the dashboard)."""
    if escalation.stage == Stage.REMINDER:
        officer = tip.officer
        if officer is None or not officer.active:
            return Delivery(sent=False, note="no active officer to remind")
        return remind_officer(tip, officer, late)
    duty = duty_number(tip, escalation.stage)
    if duty is None:
        office = "SP office" if escalation.stage == Stage.SP_OFFICE else "DIG office"
        where = f" of {tip.district}" if escalation.stage == Stage.SP_OFFICE and tip.district else ""
        why = "the tip has no district yet" if escalation.stage == Stage.SP_OFFICE and not tip.district else ""
        return Delivery(sent=False, note=why or f"no duty number set for the {office}{where}")
    return notify_office(tip, duty, escalation, late)
