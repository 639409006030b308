"""DHL Express checkpoint texts in German, Russian, Slovenian and Kazakh.

The same keys as ``codes.TEXTS["en"]`` (``event.<CODE>``, ``reason.<reason>``, ``remark.…``,
``next.…``, ``eta.…``); ``codes.TEXTS`` merges these tables in, so the English table stays where its
evidence is. Every entry is [INFER]: no localised DHL Express timeline was at hand. They are written
in DHL Express's terse checkpoint style (a noun phrase or a short passive, no full stop, the
product name "DHL" kept) and use ``{facility}`` exactly where the English does. The place itself
stays as DHL Express writes it (``LEIPZIG - GERMANY``): its location names come from DHL's
service-area table, not from the language of the response. Where a language would have to inflect
the place name (Kazakh case endings), the text puts the place after a colon instead. The double
space of the English "Arrived at DHL Sort Facility" is DHL's own quirk, seen in English captures
only, so it is not copied.
"""

from __future__ import annotations

TRANSLATIONS: dict[str, dict[str, str]] = {
    "de": {
        "event.LABEL_CREATED": "Sendungsinformationen empfangen",
        "event.PICKED_UP": "Sendung abgeholt",
        "event.ARRIVED_AT_FACILITY": "Ankunft im DHL Sortierzentrum {facility}",
        "event.PROCESSED_AT_FACILITY": "Bearbeitet in {facility}",
        "event.DEPARTED_FACILITY": "Sendung hat die DHL Einrichtung in {facility} verlassen",
        "event.IN_TRANSIT": "Weitergeleitet über {facility}",
        "event.ARRIVED_AT_DELIVERY_STATION": "Ankunft im DHL Zustellzentrum {facility}",
        "event.OUT_FOR_DELIVERY": "Sendung ist beim Kurier in Zustellung",
        "event.DELIVERY_ATTEMPTED": "Zustellversuch konnte nicht abgeschlossen werden",
        "event.DELIVERED": "Zugestellt",
        "event.AVAILABLE_FOR_PICKUP": "Wartet wie gewünscht auf Abholung durch den Empfänger",
        "event.PICKED_UP_BY_RECIPIENT": "Zugestellt - Vom Empfänger abgeholt",
        "event.EXCEPTION": "Sendung wird zurückgehalten",
        "event.DELAYED": "Sendung verzögert",
        "event.CUSTOMS_HOLD": "Sendung wird zurückgehalten",
        "event.CUSTOMS_CLEARED": "Verzollung abgeschlossen in {facility}",
        "event.HANDED_TO_PARTNER": (
            "An Drittanbieter weitergeleitet - keine weiteren Sendungsverfolgungsdaten zu erwarten"
        ),
        "event.HANDED_TO_PARTNER@parcel-de": (
            "Die Sendung wurde in das Zielland/Zielgebiet "
            "transportiert und dort an die Zustellorganisation übergeben."
        ),
        "event.HANDED_TO_PARTNER@ecommerce": "An Zustelldienstleister übergeben",
        "event.RETURN_TO_SENDER": "Rücksendung an den Versender",
        "event.RETURNED_TO_SENDER": "Zugestellt - An den Versender zurückgesendet",
        "event.DELIVERY_RESCHEDULED": "Sendung ist zur Zustellung eingeplant",
        "reason.weather": "Zustellung aufgrund schlechter Wetterbedingungen verzögert",
        "reason.missed_connection": "Sendung hat den geplanten Anschluss verpasst",
        "reason.hub_backlog": "Bearbeitung verzögert in {facility}",
        "reason.hub_outage": "Betriebsstörung in {facility} - Sendung verzögert",
        "reason.breakdown": "Sendung aufgrund einer Fahrzeugpanne verzögert",
        "reason.address_issue": "Weitere Empfängerangaben erforderlich",
        "reason.recipient_unavailable": (
            "Zustellversuch erfolgt, aber niemand an der Empfängeradresse angetroffen"
        ),
        "reason.no_access": "Zustellversuch konnte nicht abgeschlossen werden",
        "reason.damaged": "Sendung beschädigt - DHL kontaktiert den Versender",
        "reason.customs_hold": "Sendung wird zurückgehalten",
        "reason.lost": "Sendung konnte nicht gefunden werden",
        "reason.refused": "Annahme verweigert",
        "reason.unclaimed": "Sendung vom Empfänger nicht abgeholt",
        "remark.customs_hold": "Die Sendung wartet auf den Abschluss der Zollkontrolle.",
        "next.customs_hold": "Der Status wird nach der Zollkontrolle aktualisiert.",
        "remark.address_issue": "Die Zustelladresse ist unvollständig oder fehlerhaft.",
        "next.address_issue": (
            "Bitte wenden Sie sich an den DHL Kundenservice, um die korrekte Adresse mitzuteilen."
        ),
        "remark.recipient_unavailable": "Der Empfänger war zum Zeitpunkt der Zustellung nicht anwesend.",
        "next.recipient_unavailable": "Am nächsten Werktag erfolgt ein neuer Zustellversuch.",
        "remark.lost": "Wir stellen Nachforschungen zum Verbleib der Sendung an.",
        "next.lost": "Bitte wenden Sie sich an den DHL Kundenservice.",
        "eta.end_of_day": "Bis Tagesende",
    },
    "ru": {
        "event.LABEL_CREATED": "Информация об отправлении получена",
        "event.PICKED_UP": "Отправление забрано курьером",
        "event.ARRIVED_AT_FACILITY": "Прибыло в сортировочный центр DHL {facility}",
        "event.PROCESSED_AT_FACILITY": "Обработано в {facility}",
        "event.DEPARTED_FACILITY": "Отправление убыло с объекта DHL {facility}",
        "event.IN_TRANSIT": "Транзит через {facility}",
        "event.ARRIVED_AT_DELIVERY_STATION": "Прибыло в центр доставки DHL {facility}",
        "event.OUT_FOR_DELIVERY": "Отправление передано курьеру для доставки",
        "event.DELIVERY_ATTEMPTED": "Попытка доставки не удалась",
        "event.DELIVERED": "Доставлено",
        "event.AVAILABLE_FOR_PICKUP": "Ожидает получения адресатом по его запросу",
        "event.PICKED_UP_BY_RECIPIENT": "Доставлено - Получено адресатом",
        "event.EXCEPTION": "Отправление задержано",
        "event.DELAYED": "Отправление задерживается",
        "event.CUSTOMS_HOLD": "Отправление задержано",
        "event.CUSTOMS_CLEARED": "Таможенное оформление завершено в {facility}",
        "event.HANDED_TO_PARTNER": (
            "Передано сторонней компании - дальнейшие обновления статуса не ожидаются"
        ),
        "event.HANDED_TO_PARTNER@parcel-de": (
            "Отправление доставлено в страну назначения и передано службе доставки."
        ),
        "event.HANDED_TO_PARTNER@ecommerce": "Передано службе доставки",
        "event.RETURN_TO_SENDER": "Возврат отправителю",
        "event.RETURNED_TO_SENDER": "Доставлено - Возвращено отправителю",
        "event.DELIVERY_RESCHEDULED": "Доставка отправления запланирована",
        "reason.weather": "Доставка задерживается из-за неблагоприятных погодных условий",
        "reason.missed_connection": "Отправление не успело на запланированный рейс",
        "reason.hub_backlog": "Обработка задерживается в {facility}",
        "reason.hub_outage": "Сбой в работе объекта {facility} - отправление задерживается",
        "reason.breakdown": "Отправление задерживается из-за поломки транспортного средства",
        "reason.address_issue": "Требуются дополнительные сведения о получателе",
        "reason.recipient_unavailable": (
            "Попытка доставки выполнена, но по адресу получателя никто не ответил"
        ),
        "reason.no_access": "Попытка доставки не удалась",
        "reason.damaged": "Отправление повреждено - DHL связывается с отправителем",
        "reason.customs_hold": "Отправление задержано",
        "reason.lost": "Не удалось установить местонахождение отправления",
        "reason.refused": "Получатель отказался от отправления",
        "reason.unclaimed": "Отправление не востребовано получателем",
        "remark.customs_hold": "Отправление ожидает завершения таможенного досмотра.",
        "next.customs_hold": "Статус будет обновлён после таможенного досмотра.",
        "remark.address_issue": "Адрес доставки неполный или неверный.",
        "next.address_issue": "Пожалуйста, свяжитесь со службой поддержки DHL и сообщите правильный адрес.",
        "remark.recipient_unavailable": "Получателя не было на месте в момент доставки.",
        "next.recipient_unavailable": (
            "Повторная попытка доставки будет предпринята в следующий рабочий день."
        ),
        "remark.lost": "Мы выясняем местонахождение отправления.",
        "next.lost": "Пожалуйста, свяжитесь со службой поддержки DHL.",
        "eta.end_of_day": "До конца дня",
    },
    "sl": {
        "event.LABEL_CREATED": "Prejeti podatki o pošiljki",
        "event.PICKED_UP": "Pošiljka prevzeta",
        "event.ARRIVED_AT_FACILITY": "Prispelo v sortirni center DHL {facility}",
        "event.PROCESSED_AT_FACILITY": "Obdelano v {facility}",
        "event.DEPARTED_FACILITY": "Pošiljka je zapustila objekt DHL {facility}",
        "event.IN_TRANSIT": "Tranzit prek {facility}",
        "event.ARRIVED_AT_DELIVERY_STATION": "Prispelo v dostavni center DHL {facility}",
        "event.OUT_FOR_DELIVERY": "Pošiljka je pri kurirju v dostavi",
        "event.DELIVERY_ATTEMPTED": "Poskus dostave ni uspel",
        "event.DELIVERED": "Dostavljeno",
        "event.AVAILABLE_FOR_PICKUP": "Na željo prejemnika čaka na prevzem",
        "event.PICKED_UP_BY_RECIPIENT": "Dostavljeno - Prejemnik je pošiljko prevzel",
        "event.EXCEPTION": "Pošiljka je zadržana",
        "event.DELAYED": "Pošiljka zamuja",
        "event.CUSTOMS_HOLD": "Pošiljka je zadržana",
        "event.CUSTOMS_CLEARED": "Carinjenje zaključeno v {facility}",
        "event.HANDED_TO_PARTNER": (
            "Predano zunanjemu izvajalcu - nadaljnjih podatkov o sledenju ni pričakovati"
        ),
        "event.HANDED_TO_PARTNER@parcel-de": (
            "Pošiljka je bila prepeljana v namembno državo in tam predana dostavni organizaciji."
        ),
        "event.HANDED_TO_PARTNER@ecommerce": "Predano izvajalcu dostave",
        "event.RETURN_TO_SENDER": "Vračilo pošiljatelju",
        "event.RETURNED_TO_SENDER": "Dostavljeno - Vrnjeno pošiljatelju",
        "event.DELIVERY_RESCHEDULED": "Pošiljka je načrtovana za dostavo",
        "reason.weather": "Dostava zamuja zaradi neugodnih vremenskih razmer",
        "reason.missed_connection": "Pošiljka je zamudila načrtovano povezavo",
        "reason.hub_backlog": "Obdelava zamuja v {facility}",
        "reason.hub_outage": "Motnje v obratovanju v {facility} - pošiljka zamuja",
        "reason.breakdown": "Pošiljka zamuja zaradi okvare vozila",
        "reason.address_issue": "Potrebni so dodatni podatki o prejemniku",
        "reason.recipient_unavailable": (
            "Poskus dostave opravljen, vendar se na naslovu prejemnika nihče ni odzval"
        ),
        "reason.no_access": "Poskus dostave ni uspel",
        "reason.damaged": "Pošiljka poškodovana - DHL se obrača na pošiljatelja",
        "reason.customs_hold": "Pošiljka je zadržana",
        "reason.lost": "Pošiljke ni bilo mogoče najti",
        "reason.refused": "Prevzem zavrnjen",
        "reason.unclaimed": "Prejemnik pošiljke ni prevzel",
        "remark.customs_hold": "Pošiljka čaka na zaključek carinskega pregleda.",
        "next.customs_hold": "Stanje bo posodobljeno po carinskem pregledu.",
        "remark.address_issue": "Naslov za dostavo je nepopoln ali napačen.",
        "next.address_issue": "Za posredovanje pravilnega naslova se obrnite na službo za stranke DHL.",
        "remark.recipient_unavailable": "Prejemnik ob dostavi ni bil dosegljiv.",
        "next.recipient_unavailable": "Nov poskus dostave bo opravljen naslednji delovni dan.",
        "remark.lost": "Ugotavljamo, kje je pošiljka.",
        "next.lost": "Obrnite se na službo za stranke DHL.",
        "eta.end_of_day": "Do konca dneva",
    },
    "kk": {
        "event.LABEL_CREATED": "Жөнелтілім туралы ақпарат алынды",
        "event.PICKED_UP": "Жөнелтілімді курьер алды",
        "event.ARRIVED_AT_FACILITY": "DHL сұрыптау орталығына келді: {facility}",
        "event.PROCESSED_AT_FACILITY": "Өңделді: {facility}",
        "event.DEPARTED_FACILITY": "Жөнелтілім DHL нысанынан шықты: {facility}",
        "event.IN_TRANSIT": "Транзитпен өтті: {facility}",
        "event.ARRIVED_AT_DELIVERY_STATION": "DHL жеткізу орталығына келді: {facility}",
        "event.OUT_FOR_DELIVERY": "Жөнелтілім жеткізу үшін курьерге берілді",
        "event.DELIVERY_ATTEMPTED": "Жеткізу әрекеті сәтсіз аяқталды",
        "event.DELIVERED": "Жеткізілді",
        "event.AVAILABLE_FOR_PICKUP": "Алушының өтініші бойынша алып кетуді күтуде",
        "event.PICKED_UP_BY_RECIPIENT": "Жеткізілді - Алушы алып кетті",
        "event.EXCEPTION": "Жөнелтілім ұсталып тұр",
        "event.DELAYED": "Жөнелтілім кешігуде",
        "event.CUSTOMS_HOLD": "Жөнелтілім ұсталып тұр",
        "event.CUSTOMS_CLEARED": "Кедендік ресімдеу аяқталды: {facility}",
        "event.HANDED_TO_PARTNER": "Үшінші тарапқа берілді - бақылау бойынша жаңартулар күтілмейді",
        "event.HANDED_TO_PARTNER@parcel-de": ("Жөнелтілім баратын елге жеткізіліп, жеткізу ұйымына берілді."),
        "event.HANDED_TO_PARTNER@ecommerce": "Жеткізу қызметіне берілді",
        "event.RETURN_TO_SENDER": "Жөнелтушіге қайтару",
        "event.RETURNED_TO_SENDER": "Жеткізілді - Жөнелтушіге қайтарылды",
        "event.DELIVERY_RESCHEDULED": "Жөнелтілімді жеткізу жоспарланды",
        "reason.weather": "Қолайсыз ауа райына байланысты жеткізу кешігуде",
        "reason.missed_connection": "Жөнелтілім жоспарланған рейске үлгермеді",
        "reason.hub_backlog": "Өңдеу кешігуде: {facility}",
        "reason.hub_outage": "Жұмыстағы іркіліс: {facility} - жөнелтілім кешігуде",
        "reason.breakdown": "Көлік ақауына байланысты жөнелтілім кешігуде",
        "reason.address_issue": "Алушы туралы қосымша мәлімет қажет",
        "reason.recipient_unavailable": (
            "Жеткізу әрекеті жасалды, бірақ алушының мекенжайында ешкім жауап бермеді"
        ),
        "reason.no_access": "Жеткізу әрекеті сәтсіз аяқталды",
        "reason.damaged": "Жөнелтілім зақымданды - DHL жөнелтушімен байланысуда",
        "reason.customs_hold": "Жөнелтілім ұсталып тұр",
        "reason.lost": "Жөнелтілімнің қайда екенін анықтау мүмкін болмады",
        "reason.refused": "Жөнелтілімді алудан бас тартылды",
        "reason.unclaimed": "Алушы жөнелтілімді алып кетпеді",
        "remark.customs_hold": "Жөнелтілім кедендік тексерудің аяқталуын күтуде.",
        "next.customs_hold": "Мәртебе кедендік тексеруден кейін жаңартылады.",
        "remark.address_issue": "Жеткізу мекенжайы толық емес немесе қате.",
        "next.address_issue": (
            "Дұрыс мекенжайды хабарлау үшін DHL клиенттерге қызмет көрсету орталығына хабарласыңыз."
        ),
        "remark.recipient_unavailable": "Жеткізу кезінде алушы орнында болмады.",
        "next.recipient_unavailable": "Келесі жұмыс күні қайта жеткізу әрекеті жасалады.",
        "remark.lost": "Жөнелтілімнің қайда екенін анықтап жатырмыз.",
        "next.lost": "DHL клиенттерге қызмет көрсету орталығына хабарласыңыз.",
        "eta.end_of_day": "Күн соңына дейін",
    },
}
