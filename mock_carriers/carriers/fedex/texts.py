"""FedEx status, scan and exception texts in German, Russian, Slovenian and Kazakh.

Keyed by FedEx's English text (``codes.py`` keeps that, with its evidence), gettext-style: FedEx
reuses one text under several codes ("In transit", "Delivered"), and one entry serves them all.
The texts a locale changes are every human-readable status text of a track result:
``eventDescription``, ``derivedStatus``, ``exceptionDescription`` on scans, and ``statusByLocale``,
``description``, ``reasonDescription``, ``action``, ``actionDescription`` in
``latestStatusDetail``. The spec names only ``statusByLocale`` as "by locale"; that the others follow
it is [INFER], as is every translation below: FedEx's short, sentence-case status style, FedEx's
support URL kept as is. Kazakh is in Cyrillic.

Which language [SPEC ``track-api.json``]: header ``x-locale``, "the combination of language code and
country code", example ``en_US``; ``latestStatusDetail.statusByLocale`` is "the latest tracking
status by locale". [INFER] English for a locale FedEx does not serve.
"""

from __future__ import annotations

from mock_carriers.http import i18n

_CONTACT = (
    "Contact us at <http://www.fedex.com/us/customersupport/call/index.html> to discuss "
    "possible delivery or pickup alternatives."
)
_URL = "<http://www.fedex.com/us/customersupport/call/index.html>"

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        # scan and status texts
        "Shipment information sent to FedEx": "Sendungsdaten an FedEx übermittelt",
        "Label created": "Versandetikett erstellt",
        "Picked up": "Abgeholt",
        "Arrived at FedEx location": "Am FedEx Standort angekommen",
        "In transit": "Unterwegs",
        "Departed FedEx location": "FedEx Standort verlassen",
        "On the way": "Auf dem Weg",
        "At local FedEx facility": "Im FedEx Zustellzentrum vor Ort",
        "On FedEx vehicle for delivery": "Im FedEx Fahrzeug zur Zustellung",
        "Delivery exception": "Zustellproblem",
        "Delivered": "Zugestellt",
        "Ready for recipient pickup": "Bereit zur Abholung durch den Empfänger",
        "Ready for pickup": "Zur Abholung bereit",
        "Shipment exception": "Sendungsproblem",
        "Delay": "Verzögerung",
        "Clearance delay": "Verzögerung bei der Verzollung",
        "International shipment release - Import": "Freigabe internationaler Sendung - Import",
        "Transferred to partner carrier": "An Partnerzusteller übergeben",
        "Returning package to shipper": "Paket wird an den Versender zurückgesendet",
        "Return to shipper": "Rücksendung an Versender",
        "Returned to shipper": "An Versender zurückgesendet",
        "Delivery rescheduled": "Zustellung neu terminiert",
        "At USPS facility": "Am USPS Standort",
        # exception reasons (reasonDescription / exceptionDescription)
        "Package delayed": "Paket verzögert",
        "Severe weather conditions have delayed delivery": "Unwetter haben die Zustellung verzögert",
        "Incorrect address": "Falsche Adresse",
        "Customer not available or business closed": "Kunde nicht angetroffen oder Geschäft geschlossen",
        "Local delivery restriction, delivery not attempted": (
            "Lokale Zustellbeschränkung, kein Zustellversuch"
        ),
        "Damaged - delivery not completed": "Beschädigt - Zustellung nicht abgeschlossen",
        "Package available for clearance": "Paket zur Verzollung bereit",
        "Package cannot be located": "Paket kann nicht gefunden werden",
        "Refused by recipient": "Vom Empfänger verweigert",
        "Package not claimed by recipient": "Paket vom Empfänger nicht abgeholt",
        # actionDescription
        "Weather delay": "Wetterbedingte Verzögerung",
        "Incorrect Address": "Falsche Adresse",
        "Customer not Available or Business Closed": "Kunde nicht angetroffen oder Geschäft geschlossen",
        "Local Delivery Restriction": "Lokale Zustellbeschränkung",
        "Package Damaged": "Paket beschädigt",
        "Clearance Required": "Verzollung erforderlich",
        "Package Not Located": "Paket nicht auffindbar",
        "Refused by Recipient": "Vom Empfänger verweigert",
        "Package Not Claimed": "Paket nicht abgeholt",
        # action
        _CONTACT: (
            f"Kontaktieren Sie uns unter {_URL}, um mögliche Alternativen für die Zustellung oder "
            "Abholung zu besprechen."
        ),
        "No action is required. The package is being processed.": (
            "Es ist keine Aktion erforderlich. Das Paket wird bearbeitet."
        ),
        "Contact the broker or FedEx to provide the documents needed for clearance.": (
            "Wenden Sie sich an Ihren Zollagenten oder an FedEx, um die für die Verzollung nötigen "
            "Dokumente bereitzustellen."
        ),
    },
    "ru": {
        "Shipment information sent to FedEx": "Информация об отправлении передана в FedEx",
        "Label created": "Этикетка создана",
        "Picked up": "Забрано у отправителя",
        "Arrived at FedEx location": "Прибыло на объект FedEx",
        "In transit": "В пути",
        "Departed FedEx location": "Убыло с объекта FedEx",
        "On the way": "Следует по маршруту",
        "At local FedEx facility": "В местном отделении FedEx",
        "On FedEx vehicle for delivery": "Погружено в автомобиль FedEx для доставки",
        "Delivery exception": "Проблема с доставкой",
        "Delivered": "Доставлено",
        "Ready for recipient pickup": "Готово к выдаче получателю",
        "Ready for pickup": "Готово к выдаче",
        "Shipment exception": "Проблема с отправлением",
        "Delay": "Задержка",
        "Clearance delay": "Задержка таможенного оформления",
        "International shipment release - Import": "Выпуск международного отправления - импорт",
        "Transferred to partner carrier": "Передано партнёрскому перевозчику",
        "Returning package to shipper": "Посылка возвращается отправителю",
        "Return to shipper": "Возврат отправителю",
        "Returned to shipper": "Возвращено отправителю",
        "Delivery rescheduled": "Доставка перенесена",
        "At USPS facility": "На объекте USPS",
        "Package delayed": "Посылка задерживается",
        "Severe weather conditions have delayed delivery": (
            "Доставка задержана из-за неблагоприятных погодных условий"
        ),
        "Incorrect address": "Неверный адрес",
        "Customer not available or business closed": "Клиента нет на месте или организация закрыта",
        "Local delivery restriction, delivery not attempted": (
            "Местные ограничения доставки, попытка доставки не предпринималась"
        ),
        "Damaged - delivery not completed": "Повреждено - доставка не выполнена",
        "Package available for clearance": "Посылка готова к таможенному оформлению",
        "Package cannot be located": "Не удаётся установить местонахождение посылки",
        "Refused by recipient": "Получатель отказался от получения",
        "Package not claimed by recipient": "Посылка не востребована получателем",
        "Weather delay": "Задержка из-за погоды",
        "Incorrect Address": "Неверный адрес",
        "Customer not Available or Business Closed": "Клиента нет на месте или организация закрыта",
        "Local Delivery Restriction": "Местные ограничения доставки",
        "Package Damaged": "Посылка повреждена",
        "Clearance Required": "Требуется таможенное оформление",
        "Package Not Located": "Посылка не найдена",
        "Refused by Recipient": "Отказ получателя",
        "Package Not Claimed": "Посылка не востребована",
        _CONTACT: (
            f"Свяжитесь с нами по адресу {_URL}, чтобы обсудить другие варианты доставки или получения."
        ),
        "No action is required. The package is being processed.": (
            "Никаких действий не требуется. Посылка обрабатывается."
        ),
        "Contact the broker or FedEx to provide the documents needed for clearance.": (
            "Свяжитесь с таможенным брокером или FedEx, чтобы предоставить документы, необходимые для "
            "оформления."
        ),
    },
    "sl": {
        "Shipment information sent to FedEx": "Podatki o pošiljki poslani družbi FedEx",
        "Label created": "Nalepka ustvarjena",
        "Picked up": "Prevzeto",
        "Arrived at FedEx location": "Prispelo na lokacijo FedEx",
        "In transit": "Na poti",
        "Departed FedEx location": "Odpremljeno z lokacije FedEx",
        "On the way": "Na poti do cilja",
        "At local FedEx facility": "V lokalnem centru FedEx",
        "On FedEx vehicle for delivery": "V vozilu FedEx za dostavo",
        "Delivery exception": "Težava pri dostavi",
        "Delivered": "Dostavljeno",
        "Ready for recipient pickup": "Pripravljeno, da ga prejemnik prevzame",
        "Ready for pickup": "Pripravljeno za prevzem",
        "Shipment exception": "Težava s pošiljko",
        "Delay": "Zamuda",
        "Clearance delay": "Zamuda pri carinjenju",
        "International shipment release - Import": "Sprostitev mednarodne pošiljke - uvoz",
        "Transferred to partner carrier": "Predano partnerskemu prevozniku",
        "Returning package to shipper": "Paket se vrača pošiljatelju",
        "Return to shipper": "Vračilo pošiljatelju",
        "Returned to shipper": "Vrnjeno pošiljatelju",
        "Delivery rescheduled": "Dostava prestavljena",
        "At USPS facility": "V centru USPS",
        "Package delayed": "Paket zamuja",
        "Severe weather conditions have delayed delivery": "Neugodne vremenske razmere so zavlekle dostavo",
        "Incorrect address": "Napačen naslov",
        "Customer not available or business closed": "Stranka ni dosegljiva ali pa je poslovalnica zaprta",
        "Local delivery restriction, delivery not attempted": (
            "Lokalna omejitev dostave, poskusa dostave ni bilo"
        ),
        "Damaged - delivery not completed": "Poškodovano - dostava ni bila opravljena",
        "Package available for clearance": "Paket je na voljo za carinjenje",
        "Package cannot be located": "Paketa ni mogoče najti",
        "Refused by recipient": "Prejemnik je zavrnil prevzem",
        "Package not claimed by recipient": "Prejemnik paketa ni prevzel",
        "Weather delay": "Zamuda zaradi vremena",
        "Incorrect Address": "Napačen naslov",
        "Customer not Available or Business Closed": "Stranka ni dosegljiva ali pa je poslovalnica zaprta",
        "Local Delivery Restriction": "Lokalna omejitev dostave",
        "Package Damaged": "Paket poškodovan",
        "Clearance Required": "Potrebno je carinjenje",
        "Package Not Located": "Paket ni najden",
        "Refused by Recipient": "Prejemnik je zavrnil prevzem",
        "Package Not Claimed": "Paket ni prevzet",
        _CONTACT: f"Obrnite se na nas prek {_URL} in se dogovorite za druge možnosti dostave ali prevzema.",
        "No action is required. The package is being processed.": (
            "Ukrepanje ni potrebno. Paket je v obdelavi."
        ),
        "Contact the broker or FedEx to provide the documents needed for clearance.": (
            "Za predložitev dokumentov, potrebnih za carinjenje, se obrnite na carinskega posrednika ali "
            "na FedEx."
        ),
    },
    "kk": {
        "Shipment information sent to FedEx": "Жөнелтілім туралы ақпарат FedEx-ке жіберілді",
        "Label created": "Жапсырма жасалды",
        "Picked up": "Жөнелтушіден алынды",
        "Arrived at FedEx location": "FedEx нысанына келді",
        "In transit": "Жолда",
        "Departed FedEx location": "FedEx нысанынан шықты",
        "On the way": "Бағыт бойынша келе жатыр",
        "At local FedEx facility": "Жергілікті FedEx бөлімшесінде",
        "On FedEx vehicle for delivery": "Жеткізу үшін FedEx көлігіне тиелді",
        "Delivery exception": "Жеткізудегі ерекше жағдай",
        "Delivered": "Жеткізілді",
        "Ready for recipient pickup": "Алушыға беруге дайын",
        "Ready for pickup": "Алып кетуге дайын",
        "Shipment exception": "Жөнелтілімдегі ерекше жағдай",
        "Delay": "Кідіріс",
        "Clearance delay": "Кедендік ресімдеудегі кідіріс",
        "International shipment release - Import": "Халықаралық жөнелтілімді шығару - импорт",
        "Transferred to partner carrier": "Серіктес тасымалдаушыға берілді",
        "Returning package to shipper": "Сәлемдеме жөнелтушіге қайтарылуда",
        "Return to shipper": "Жөнелтушіге қайтару",
        "Returned to shipper": "Жөнелтушіге қайтарылды",
        "Delivery rescheduled": "Жеткізу басқа уақытқа ауыстырылды",
        "At USPS facility": "USPS нысанында",
        "Package delayed": "Сәлемдеме кешігуде",
        "Severe weather conditions have delayed delivery": "Қолайсыз ауа райы жеткізуді кешіктірді",
        "Incorrect address": "Мекенжай қате",
        "Customer not available or business closed": "Клиент орнында жоқ немесе ұйым жабық",
        "Local delivery restriction, delivery not attempted": (
            "Жергілікті жеткізу шектеуі, жеткізу әрекеті жасалмады"
        ),
        "Damaged - delivery not completed": "Зақымданған - жеткізу аяқталмады",
        "Package available for clearance": "Сәлемдеме кедендік ресімдеуге дайын",
        "Package cannot be located": "Сәлемдеменің қайда екенін анықтау мүмкін емес",
        "Refused by recipient": "Алушы алудан бас тартты",
        "Package not claimed by recipient": "Алушы сәлемдемені алмады",
        "Weather delay": "Ауа райына байланысты кідіріс",
        "Incorrect Address": "Қате мекенжай",
        "Customer not Available or Business Closed": "Клиент орнында жоқ немесе ұйым жабық",
        "Local Delivery Restriction": "Жергілікті жеткізу шектеуі",
        "Package Damaged": "Сәлемдеме зақымданған",
        "Clearance Required": "Кедендік ресімдеу қажет",
        "Package Not Located": "Сәлемдеме табылмады",
        "Refused by Recipient": "Алушы бас тартты",
        "Package Not Claimed": "Сәлемдеме алынбады",
        _CONTACT: (
            f"Жеткізудің немесе алып кетудің басқа нұсқаларын талқылау үшін бізге {_URL} арқылы хабарласыңыз."
        ),
        "No action is required. The package is being processed.": (
            "Ешқандай әрекет қажет емес. Сәлемдеме өңделуде."
        ),
        "Contact the broker or FedEx to provide the documents needed for clearance.": (
            "Кедендік ресімдеуге қажетті құжаттарды ұсыну үшін брокерге немесе FedEx-ке хабарласыңыз."
        ),
    },
}


def text(language: str, english: str) -> str:
    """FedEx's English ``english`` in ``language`` (English when there is no entry)."""
    return i18n.translate(TEXTS, language, english)


def language(x_locale: str | None) -> str:
    """The ``x-locale`` header (``de_DE``) → the language of the status texts."""
    return i18n.negotiate(x_locale)
