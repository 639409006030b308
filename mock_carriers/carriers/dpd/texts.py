"""DPD's words, in English and German: status labels, status descriptions, the shipment box.

DPD picks the language from ``messageLanguage`` (``en_EN``, ``en_US``, ``de_DE``, …) in the
``authentication`` header [SPEC ``Authentication20.xsd``]. Evidence per text (see FIDELITY.md):
**3P-K** karrio's captured-looking ``getTrackingDataResponse`` (DPD Belgium, ``en_EN``), **3P-P**
paketda.de's list of DPD Germany's status texts (German, with DPD's English for some), **INFER**
our wording where neither has the text.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "de")

#: Milestone labels (``statusInfo/label``): the five steps of DPD's tracking page.
LABELS: dict[str, dict[str, str]] = {
    "handed_over": {"en": "Parcel handed to DPD", "de": "Paket an DPD übergeben"},  # 3P-K / INFER
    "in_transit": {"en": "In transit", "de": "Unterwegs"},  # 3P-K / INFER
    "out_for_delivery": {"en": "Parcel out for delivery", "de": "In Zustellung"},  # 3P-K / 3P-P
    "delivered": {"en": "Parcel delivered", "de": "Zugestellt"},  # 3P (DPD NL sample) / 3P-P
}

#: Status descriptions (``statusInfo/description/content``), by text id.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "received": {  # 3P-K / INFER
        "en": "DPD has received your parcel.",
        "de": "DPD hat Ihr Paket erhalten.",
    },
    "dropped_at_shop": {  # INFER / 3P-P
        "en": "Handed in by the sender at a DPD Pickup parcelshop.",
        "de": "Durch Versender an Pickup Paketshop übergeben.",
    },
    "at_hub": {  # 3P-K / INFER
        "en": "The parcel is at the parcel dispatch centre.",
        "de": "Das Paket ist im Paketverteilzentrum.",
    },
    "on_the_road": {  # INFER
        "en": "The parcel is on its way to the parcel delivery centre.",
        "de": "Das Paket ist unterwegs zum Paketzustellzentrum.",
    },
    "at_depot": {  # 3P-K / INFER
        "en": "At parcel delivery centre.",
        "de": "Im Paketzustellzentrum.",
    },
    "courier": {  # 3P-K / 3P-P
        "en": "The parcel has left the parcel delivery centre and is on its way to the consignee.",
        "de": "In Zustellung.",
    },
    "not_delivered": {  # 3P-K / 3P-P (#27)
        "en": "Unfortunately we have not been able to deliver your parcel.",
        "de": "Ihr Paket konnte nicht wie geplant zugestellt werden.",
    },
    "not_home": {  # 3P-P (German and DPD's English)
        "en": "Consignee not located, notification has been left.",
        "de": "Der Empfänger wurde nicht angetroffen. Benachrichtigung wurde hinterlassen.",
    },
    "refused": {  # INFER / 3P-P
        "en": "Acceptance refused (no reason given).",
        "de": "Die Annahme wurde verweigert (ohne Begründung).",
    },
    "refused_damaged": {  # INFER / 3P-P
        "en": "Acceptance refused (damaged).",
        "de": "Die Annahme wurde verweigert (beschädigt).",
    },
    "address": {  # INFER / 3P-P ("Unstimmigkeit bei Empfangsadresse")
        "en": "Discrepancy in the consignee's address.",
        "de": "Unstimmigkeit bei Empfangsadresse.",
    },
    "access_code": {  # INFER / 3P-P
        "en": "An access code is required at the consignee's address.",
        "de": "An der Empfängeradresse ist ein Zugangscode erforderlich.",
    },
    "back_at_depot": {  # 3P-K / 3P-P (#27)
        "en": "After an unsuccessful delivery attempt the parcel is back at the recipient depot.",
        "de": "Ihr Paket konnte nicht wie geplant zugestellt werden und ist wieder im Paketzustellzentrum.",
    },
    "delivered": {  # INFER / 3P-P
        "en": "Successfully delivered.",
        "de": "Erfolgreich zugestellt.",
    },
    "at_shop": {  # 3P-K / 3P-P
        "en": "Delivered by driver to Pickup parcelshop",
        "de": "Übergabe durch Zusteller an Pickup Paketshop.",
    },
    "collected": {  # INFER / 3P-P
        "en": "Collected by the consignee from the Pickup parcelshop.",
        "de": "Abholung im Pickup Paketshop durch Empfänger.",
    },
    "not_collected": {  # INFER / 3P-P
        "en": "The consignee has not collected the parcel.",
        "de": "Der Empfänger hat das Paket nicht abgeholt.",
    },
    "customs_hold": {  # INFER
        "en": "The parcel is being checked by customs.",
        "de": "Das Paket wird vom Zoll geprüft.",
    },
    "customs_cleared": {  # INFER
        "en": "Customs clearance completed.",
        "de": "Die Verzollung ist abgeschlossen.",
    },
    "partner": {  # INFER (3P-P lists "Anderer Dienstleister")
        "en": "Handed over to a partner carrier for delivery.",
        "de": "Übergabe an einen anderen Dienstleister zur Zustellung.",
    },
    "delayed": {  # INFER
        "en": "The parcel is delayed in the DPD network and will be forwarded as soon as possible.",
        "de": "Das Paket verzögert sich im DPD Netz und wird schnellstmöglich weitergeleitet.",
    },
    "damage_check": {  # INFER / 3P-P
        "en": "The contents of the parcel have been checked for damage.",
        "de": "Der Inhalt des Paketes wurde auf Beschädigung geprüft.",
    },
    "search": {  # INFER
        "en": "The parcel is being searched for.",
        "de": "Nach dem Paket wird gesucht.",
    },
    "rescheduled": {  # INFER
        "en": "The parcel will be delivered on a new delivery day.",
        "de": "Das Paket wird an einem neuen Zustelltag zugestellt.",
    },
    "returning": {  # INFER
        "en": "The parcel is on its way back to the sender.",
        "de": "Das Paket ist auf dem Rückweg zum Versender.",
    },
    "returned": {  # INFER
        "en": "The parcel has been delivered back to the sender.",
        "de": "Das Paket wurde an den Versender zurückgeliefert.",
    },
}

#: The shipment box (``shipmentInfo``) and the other boxes of the tracking result.
SERVICE_LABEL = {"en": "Your DPD service:", "de": "Ihr DPD Service:"}  # 3P-K / INFER
RECEIVER_LABEL = {"en": "Receiver:", "de": "Empfänger:"}  # INFER
PREDICT_LABEL = {"en": "Predict:", "de": "Predict:"}  # INFER (DPD's product name in both)
CONTACT_LABEL = {"en": "Your DPD depot:", "de": "Ihr DPD Depot:"}  # INFER
#: ``{day}`` ``DD.MM.YYYY``, ``{start}``/``{end}`` ``HH:MM`` German time [INFER].
PREDICT_TEXT = {
    "en": "Your parcel will be delivered on {day} between {start} and {end}.",
    "de": "Ihr Paket wird am {day} zwischen {start} und {end} Uhr zugestellt.",
}
#: DPD support pages the contact box links to [INFER].
CONTACT_LINK = {"en": "https://www.dpd.com/de/en/support/", "de": "https://www.dpd.com/de/de/support/"}


def label(key: str, language: str) -> str:
    texts = LABELS[key]
    return texts.get(language, texts["en"])


def description(key: str, language: str) -> str:
    texts = DESCRIPTIONS[key]
    return texts.get(language, texts["en"])


def pick(texts: dict[str, str], language: str) -> str:
    return texts.get(language, texts["en"])
