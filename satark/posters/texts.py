"""The wording of the posters, by language. Categories come from the database (``tips.Category``)."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("hi", "en")
TITLE = "पुलिस सतर्क मित्र"  # the programme's name, on every poster whatever its language


@dataclass(frozen=True)
class PosterText:
    lang: str
    subtitle: str  # under the title
    tagline: str
    station_fmt: str  # "{station}" and "{district}"
    station_fmt_named: str  # when the station's own name already says thana/kotwali
    district_fmt: str
    scan: str  # caption above the QR code
    or_message: str  # "{number}" under the QR code
    how_heading: str
    how_steps: tuple[str, ...]
    report_heading: str
    privacy_heading: str
    privacy: tuple[str, ...]
    hint_note: str  # the code in the message is only a hint
    emergency: str
    issued_by: str  # "{offices}"


HINDI = PosterText(
    lang="hi",
    subtitle="अवैध गतिविधि की सूचना WhatsApp पर दें",
    tagline="पूरी तरह गोपनीय · नाम बताने की ज़रूरत नहीं",
    station_fmt="थाना {station} · जनपद {district}",
    station_fmt_named="{station} · जनपद {district}",
    district_fmt="जनपद {district}",
    scan="मोबाइल कैमरे से स्कैन करें",
    or_message="या WhatsApp करें: {number}",
    how_heading="सूचना कैसे दें",
    how_steps=(
        "QR कोड स्कैन करें, WhatsApp में पहले से लिखा संदेश भेज दें।",
        "भाषा और सूचना का प्रकार चुनें, जो देखा वह लिखें या बोलकर बताएँ।",
        "फ़ोटो, वीडियो या वॉइस नोट भेजें, “हो गया” और फिर “भेजें” दबाएँ।",
        "संदर्भ संख्या (जैसे VNS-7K3M9) संभाल कर रखें।",
    ),
    report_heading="इनकी सूचना दें",
    privacy_heading="आपकी पहचान गोपनीय रहेगी",
    privacy=(
        "आपका मोबाइल नंबर पुलिस को नहीं दिखता।",
        "नाम बताने की ज़रूरत नहीं — अपना नाम न लिखें।",
        "फ़ोटो को फ़ोटो की तरह भेजें, डॉक्यूमेंट की तरह नहीं — डॉक्यूमेंट में आपकी लोकेशन और फ़ोन की जानकारी जा सकती है।",
    ),
    hint_note="संदेश में लिखा कोड केवल यह बताता है कि पोस्टर किस क्षेत्र का है; आप जगह बदल सकते हैं।",
    emergency="आपात स्थिति में तुरंत 112 पर कॉल करें",
    issued_by="जारीकर्ता: {offices}",
)

ENGLISH = PosterText(
    lang="en",
    subtitle="Police Satark Mitra — report illegal activity on WhatsApp",
    tagline="Confidential · No name needed",
    station_fmt="{station} Police Station · {district} district",
    station_fmt_named="{station} · {district} district",
    district_fmt="{district} district",
    scan="Scan with your phone camera",
    or_message="or WhatsApp {number}",
    how_heading="How to report",
    how_steps=(
        "Scan the QR code and send the message WhatsApp has written for you.",
        "Choose a language and what to report; type or record what you saw.",
        "Send photos, videos or voice notes, tap Done, then Submit.",
        "Keep the reference number you get (such as VNS-7K3M9).",
    ),
    report_heading="What you can report",
    privacy_heading="Your identity stays secret",
    privacy=(
        "Your mobile number is never shown to the police.",
        "No name needed — please do not write your name.",
        "Send pictures as a photo, not as a document — a document can carry your location and details of your phone.",
    ),
    hint_note="The code in the message only says which area this poster is for; you can change the place.",
    emergency="Emergency? Call 112 now",
    issued_by="Issued by: {offices}",
)

TEXTS = {"hi": HINDI, "en": ENGLISH}
# Words that show a station's name is already "X Thana" / "Kotwali X" (no "Thana X Thana").
_NAMED = ("थाना", "कोतवाली", "thana", "kotwali", "police station")


def place_line(lang: str, district_name: str, station_name: str | None) -> str:
    text = TEXTS[lang]
    if station_name is None:
        return text.district_fmt.format(district=district_name)
    named = any(word in station_name.lower() for word in _NAMED)
    fmt = text.station_fmt_named if named else text.station_fmt
    return fmt.format(station=station_name, district=district_name)
