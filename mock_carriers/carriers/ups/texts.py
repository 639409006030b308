"""UPS activity, status and milestone texts in German, Russian, Slovenian and Kazakh.

Keyed by UPS's English text (``codes.py`` keeps that, with its evidence), gettext-style, so one
entry serves every code that shares a text. UPS's habits carry over: a text UPS sends with a
trailing space (``"DELIVERED "``, the label-created text) keeps it in every language, and the
delivered scan stays in capitals.

Evidence: [OBS] the German label-created text is copied from a production capture of the UPS API
(a MySQL dump of tracking history in a public repository, 2023, next to the same number's English
text). Every other entry is [INFER]: our translation in UPS's customer-facing tone (short status
names; polite, first-person-plural sentences), with UPS's German trade words (Paketzentrum,
Zustellung, Absender) and "UPS Access Point™" left as the brand name. Kazakh is in Cyrillic.

Which language [SPEC ``Tracking.yaml``]: query ``locale``, "Language and country code of the user,
separated by an underscore. Default value is 'en_US'". [OBS] a production capture in German shows
UPS translating activity descriptions (``MP`` "Versender hat einen Aufkleber erstellt, UPS hat das
Paket noch nicht erhalten. ", trailing space as in English). [INFER] a locale UPS does not serve, or
a malformed one, gets English rather than an error: the spec documents no error for it and English
is its default. A bare ``de`` is read as German.
"""

from __future__ import annotations

from mock_carriers.http import i18n

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        # Status/Description codes (currentStatus) and milestone names
        "Shipment Ready for UPS": "Sendung bereit für UPS",
        "On the Way": "Unterwegs",
        "Delivered": "Zugestellt",
        "Clearance in Progress": "Verzollung läuft",
        "Exception": "Ausnahme",
        "Clearance Completed": "Verzollung abgeschlossen",
        "Out for Delivery": "In Zustellung",
        "First Attempt Made": "Erster Zustellversuch erfolgt",
        "Second Delivery Attempted": "Zweiter Zustellversuch erfolgt",
        "Final Attempt Made": "Letzter Zustellversuch erfolgt",
        "Returned to Sender": "An Absender zurückgesendet",
        "Returning to Sender": "Rücksendung an Absender",
        "Returning to Sender: In Transit": "Rücksendung an Absender: unterwegs",
        "Picked Up by UPS": "Von UPS abgeholt",
        "Ready for Customer Pickup": "Zur Abholung bereit",
        "Delay": "Verzögerung",
        "Address Information Required": "Adressangaben erforderlich",
        "Delay: Severe Weather": "Verzögerung: Unwetter",
        "Rescheduled Delivery": "Zustellung neu geplant",
        "Damage Reported": "Beschädigung gemeldet",
        "Delivery Refused": "Annahme verweigert",
        "Preparing for Delivery": "Zustellung wird vorbereitet",
        "Investigation Opened": "Nachforschung eingeleitet",
        "Transferred to UPS Delivery Partner": "An UPS Zustellpartner übergeben",
        "Security Access Required": "Zutrittsberechtigung erforderlich",
        "We Have Your Package": "Ihr Paket ist bei uns",
        "Label Created": "Versandetikett erstellt",
        # activity descriptions
        "Shipper created a label, UPS has not received the package yet. ": (
            "Versender hat einen Aufkleber erstellt, UPS hat das Paket noch nicht erhalten. "
        ),
        "Pickup Scan": "Abholscan",
        "Arrived at Facility": "Im Paketzentrum angekommen",
        "Processing at UPS Facility": "Bearbeitung im UPS Paketzentrum",
        "Departed from Facility": "Paketzentrum verlassen",
        "Package is in transit to a UPS facility": "Paket ist unterwegs zu einem UPS Paketzentrum",
        "Destination Scan": "Scan am Zielort",
        "Out For Delivery Today": "Heute in Zustellung",
        "The receiver was not available at the time of the delivery attempt.": (
            "Der Empfänger war zum Zeitpunkt des Zustellversuchs nicht anwesend."
        ),
        "DELIVERED ": "ZUGESTELLT ",
        "Delivered to UPS Access Point™ location and awaiting customer pickup.": (
            "An UPS Access Point™ zugestellt; wartet auf Abholung durch den Kunden."
        ),
        "Package Picked Up At UPS Access Point": "Paket am UPS Access Point abgeholt",
        "Please contact UPS for additional information.": (
            "Bitte wenden Sie sich für weitere Informationen an UPS."
        ),
        "Your package is delayed. Check back later for delivery updates.": (
            "Ihr Paket verzögert sich. Neuigkeiten zur Zustellung finden Sie später hier."
        ),
        "Your package is pending release from a Government Agency. Once they release it, your package "
        "will be on its way.": (
            "Ihr Paket wartet auf die Freigabe durch eine Behörde. Sobald es freigegeben ist, wird es "
            "weiterbefördert."
        ),
        "Your package was released by the customs agency.": (
            "Ihr Paket wurde von der Zollbehörde freigegeben."
        ),
        "The package was transferred to a postal provider for delivery.": (
            "Das Paket wurde zur Zustellung an einen Postdienstleister übergeben."
        ),
        "We're in the process of returning this package to the sender.": (
            "Wir senden dieses Paket an den Absender zurück."
        ),
        "UPS has returned your package to the sender.": "UPS hat Ihr Paket an den Absender zurückgesendet.",
        "Your delivery has been rescheduled for the next business day.": (
            "Ihre Zustellung wurde auf den nächsten Werktag verschoben."
        ),
        "Package transferred to post office": "Paket an die Post übergeben",
        # exception reasons
        "Recent weather has caused delivery delays. Recovery efforts are under way to deliver your "
        "package as soon as possible.": (
            "Die aktuelle Wetterlage hat zu Verzögerungen bei der Zustellung geführt. Wir arbeiten "
            "daran, Ihr Paket so schnell wie möglich zuzustellen."
        ),
        "We've missed the scheduled transfer time. This may cause a delay.": (
            "Die geplante Übergabezeit wurde verpasst. Dies kann zu einer Verzögerung führen."
        ),
        "Due to operating conditions, your package may be delayed.": (
            "Aufgrund betrieblicher Umstände kann sich Ihr Paket verzögern."
        ),
        "Due to operating conditions, the delivery date will be rescheduled. We are adjusting plans as "
        "quickly as possible.": (
            "Aufgrund betrieblicher Umstände wird der Zustelltermin verschoben. Wir passen unsere "
            "Planung so schnell wie möglich an."
        ),
        "A mechanical failure has delayed delivery. We're adjusting plans to deliver your package as "
        "quickly as possible.": (
            "Ein technischer Defekt hat die Zustellung verzögert. Wir passen unsere Planung an, um Ihr "
            "Paket so schnell wie möglich zuzustellen."
        ),
        "The address is incomplete. This may delay delivery. We're attempting to update the address.": (
            "Die Adresse ist unvollständig. Dies kann die Zustellung verzögern. Wir versuchen, die "
            "Adresse zu aktualisieren."
        ),
        "The receiver was not available for delivery. We'll make a second attempt the next business day.": (
            "Der Empfänger war bei der Zustellung nicht anwesend. Wir unternehmen am nächsten Werktag "
            "einen zweiten Zustellversuch."
        ),
        "We are trying to get the security access our driver needs for this delivery.": (
            "Wir bemühen uns um die Zutrittsberechtigung, die unser Fahrer für diese Zustellung benötigt."
        ),
        "Your package was damaged in transit. We will notify the sender with details.": (
            "Ihr Paket wurde beim Transport beschädigt. Wir informieren den Absender über die Einzelheiten."
        ),
        "Lost package investigation": "Nachforschung zu verlorenem Paket",
        "The receiver refused the delivery.": "Der Empfänger hat die Annahme verweigert.",
        "The package was not picked up by the receiver at the UPS Access Point™ location and will be "
        "returned to sender.": (
            "Das Paket wurde vom Empfänger nicht am UPS Access Point™ abgeholt und wird an den Absender "
            "zurückgesendet."
        ),
    },
    "ru": {
        "Shipment Ready for UPS": "Отправление готово к передаче в UPS",
        "On the Way": "В пути",
        "Delivered": "Доставлено",
        "Clearance in Progress": "Идёт таможенное оформление",
        "Exception": "Нештатная ситуация",
        "Clearance Completed": "Таможенное оформление завершено",
        "Out for Delivery": "Передано на доставку",
        "First Attempt Made": "Выполнена первая попытка доставки",
        "Second Delivery Attempted": "Выполнена вторая попытка доставки",
        "Final Attempt Made": "Выполнена последняя попытка доставки",
        "Returned to Sender": "Возвращено отправителю",
        "Returning to Sender": "Возвращается отправителю",
        "Returning to Sender: In Transit": "Возвращается отправителю: в пути",
        "Picked Up by UPS": "Принято UPS",
        "Ready for Customer Pickup": "Готово к выдаче получателю",
        "Delay": "Задержка",
        "Address Information Required": "Требуются сведения об адресе",
        "Delay: Severe Weather": "Задержка: неблагоприятные погодные условия",
        "Rescheduled Delivery": "Доставка перенесена",
        "Damage Reported": "Зафиксировано повреждение",
        "Delivery Refused": "Отказ от получения",
        "Preparing for Delivery": "Подготовка к доставке",
        "Investigation Opened": "Начат розыск",
        "Transferred to UPS Delivery Partner": "Передано партнёру UPS по доставке",
        "Security Access Required": "Требуется пропуск на территорию",
        "We Have Your Package": "Ваша посылка у нас",
        "Label Created": "Этикетка создана",
        "Shipper created a label, UPS has not received the package yet. ": (
            "Отправитель создал этикетку, посылка ещё не передана в UPS. "
        ),
        "Pickup Scan": "Сканирование при приёме у отправителя",
        "Arrived at Facility": "Прибыло в сортировочный центр",
        "Processing at UPS Facility": "Обработка в сортировочном центре UPS",
        "Departed from Facility": "Убыло из сортировочного центра",
        "Package is in transit to a UPS facility": "Посылка следует в сортировочный центр UPS",
        "Destination Scan": "Сканирование в пункте назначения",
        "Out For Delivery Today": "Передано на доставку сегодня",
        "The receiver was not available at the time of the delivery attempt.": (
            "Во время попытки доставки получателя не было на месте."
        ),
        "DELIVERED ": "ДОСТАВЛЕНО ",
        "Delivered to UPS Access Point™ location and awaiting customer pickup.": (
            "Доставлено в пункт UPS Access Point™ и ожидает получения клиентом."
        ),
        "Package Picked Up At UPS Access Point": "Посылка получена в пункте UPS Access Point",
        "Please contact UPS for additional information.": (
            "Для получения дополнительной информации обратитесь в UPS."
        ),
        "Your package is delayed. Check back later for delivery updates.": (
            "Доставка вашей посылки задерживается. Проверьте статус позже."
        ),
        "Your package is pending release from a Government Agency. Once they release it, your package "
        "will be on its way.": (
            "Ваша посылка ожидает выпуска государственным органом. Как только её выпустят, она "
            "продолжит путь."
        ),
        "Your package was released by the customs agency.": "Ваша посылка выпущена таможней.",
        "The package was transferred to a postal provider for delivery.": (
            "Посылка передана почтовому оператору для доставки."
        ),
        "We're in the process of returning this package to the sender.": (
            "Мы возвращаем эту посылку отправителю."
        ),
        "UPS has returned your package to the sender.": "Ваша посылка возвращена отправителю.",
        "Your delivery has been rescheduled for the next business day.": (
            "Доставка перенесена на следующий рабочий день."
        ),
        "Package transferred to post office": "Посылка передана в почтовое отделение",
        "Recent weather has caused delivery delays. Recovery efforts are under way to deliver your "
        "package as soon as possible.": (
            "Из-за погодных условий доставка задерживается. Мы делаем всё возможное, чтобы доставить "
            "вашу посылку как можно скорее."
        ),
        "We've missed the scheduled transfer time. This may cause a delay.": (
            "Запланированное время перегрузки пропущено. Возможна задержка."
        ),
        "Due to operating conditions, your package may be delayed.": (
            "По операционным причинам доставка вашей посылки может задержаться."
        ),
        "Due to operating conditions, the delivery date will be rescheduled. We are adjusting plans as "
        "quickly as possible.": (
            "По операционным причинам дата доставки будет перенесена. Мы оперативно корректируем планы."
        ),
        "A mechanical failure has delayed delivery. We're adjusting plans to deliver your package as "
        "quickly as possible.": (
            "Доставка задержалась из-за технической неисправности. Мы корректируем планы, чтобы "
            "доставить вашу посылку как можно скорее."
        ),
        "The address is incomplete. This may delay delivery. We're attempting to update the address.": (
            "Адрес указан не полностью. Это может задержать доставку. Мы пытаемся уточнить адрес."
        ),
        "The receiver was not available for delivery. We'll make a second attempt the next business day.": (
            "Получателя не было на месте. Повторная попытка доставки будет предпринята в следующий "
            "рабочий день."
        ),
        "We are trying to get the security access our driver needs for this delivery.": (
            "Мы пытаемся получить пропуск, который нужен нашему водителю для этой доставки."
        ),
        "Your package was damaged in transit. We will notify the sender with details.": (
            "Ваша посылка была повреждена при перевозке. Мы сообщим подробности отправителю."
        ),
        "Lost package investigation": "Розыск утерянной посылки",
        "The receiver refused the delivery.": "Получатель отказался от получения.",
        "The package was not picked up by the receiver at the UPS Access Point™ location and will be "
        "returned to sender.": (
            "Получатель не забрал посылку в пункте UPS Access Point™, она будет возвращена отправителю."
        ),
    },
    "sl": {
        "Shipment Ready for UPS": "Pošiljka pripravljena za UPS",
        "On the Way": "Na poti",
        "Delivered": "Dostavljeno",
        "Clearance in Progress": "Carinjenje v teku",
        "Exception": "Izjema",
        "Clearance Completed": "Carinjenje zaključeno",
        "Out for Delivery": "V dostavi",
        "First Attempt Made": "Opravljen prvi poskus dostave",
        "Second Delivery Attempted": "Opravljen drugi poskus dostave",
        "Final Attempt Made": "Opravljen zadnji poskus dostave",
        "Returned to Sender": "Vrnjeno pošiljatelju",
        "Returning to Sender": "Vračanje pošiljatelju",
        "Returning to Sender: In Transit": "Vračanje pošiljatelju: na poti",
        "Picked Up by UPS": "UPS je prevzel paket",
        "Ready for Customer Pickup": "Pripravljeno za prevzem",
        "Delay": "Zamuda",
        "Address Information Required": "Potrebni so podatki o naslovu",
        "Delay: Severe Weather": "Zamuda: neugodne vremenske razmere",
        "Rescheduled Delivery": "Dostava prestavljena",
        "Damage Reported": "Prijavljena poškodba",
        "Delivery Refused": "Prevzem zavrnjen",
        "Preparing for Delivery": "Priprava na dostavo",
        "Investigation Opened": "Uvedena poizvedba",
        "Transferred to UPS Delivery Partner": "Predano partnerju UPS za dostavo",
        "Security Access Required": "Potrebno je dovoljenje za dostop",
        "We Have Your Package": "Vaš paket je pri nas",
        "Label Created": "Nalepka ustvarjena",
        "Shipper created a label, UPS has not received the package yet. ": (
            "Pošiljatelj je ustvaril nalepko, UPS paketa še ni prejel. "
        ),
        "Pickup Scan": "Skeniranje ob prevzemu",
        "Arrived at Facility": "Prispelo v logistični center",
        "Processing at UPS Facility": "Obdelava v logističnem centru UPS",
        "Departed from Facility": "Odpremljeno iz logističnega centra",
        "Package is in transit to a UPS facility": "Paket je na poti v logistični center UPS",
        "Destination Scan": "Skeniranje v namembnem centru",
        "Out For Delivery Today": "Danes v dostavi",
        "The receiver was not available at the time of the delivery attempt.": (
            "Prejemnik ob poskusu dostave ni bil dosegljiv."
        ),
        "DELIVERED ": "DOSTAVLJENO ",
        "Delivered to UPS Access Point™ location and awaiting customer pickup.": (
            "Dostavljeno na lokacijo UPS Access Point™, kjer čaka na prevzem."
        ),
        "Package Picked Up At UPS Access Point": "Paket prevzet na lokaciji UPS Access Point",
        "Please contact UPS for additional information.": "Za dodatne informacije se obrnite na UPS.",
        "Your package is delayed. Check back later for delivery updates.": (
            "Vaš paket zamuja. Novice o dostavi preverite pozneje."
        ),
        "Your package is pending release from a Government Agency. Once they release it, your package "
        "will be on its way.": (
            "Vaš paket čaka, da ga sprosti državni organ. Ko ga sprostijo, bo nadaljeval pot."
        ),
        "Your package was released by the customs agency.": "Carinski organ je sprostil vaš paket.",
        "The package was transferred to a postal provider for delivery.": (
            "Paket je bil predan poštnemu izvajalcu v dostavo."
        ),
        "We're in the process of returning this package to the sender.": "Ta paket vračamo pošiljatelju.",
        "UPS has returned your package to the sender.": "UPS je vaš paket vrnil pošiljatelju.",
        "Your delivery has been rescheduled for the next business day.": (
            "Dostava je prestavljena na naslednji delovni dan."
        ),
        "Package transferred to post office": "Paket predan pošti",
        "Recent weather has caused delivery delays. Recovery efforts are under way to deliver your "
        "package as soon as possible.": (
            "Zaradi vremenskih razmer prihaja do zamud pri dostavi. Trudimo se, da vam paket dostavimo "
            "čim prej."
        ),
        "We've missed the scheduled transfer time. This may cause a delay.": (
            "Zamudili smo načrtovani čas pretovora. To lahko povzroči zamudo."
        ),
        "Due to operating conditions, your package may be delayed.": (
            "Zaradi obratovalnih razmer lahko vaš paket zamuja."
        ),
        "Due to operating conditions, the delivery date will be rescheduled. We are adjusting plans as "
        "quickly as possible.": (
            "Zaradi obratovalnih razmer bo datum dostave prestavljen. Načrte prilagajamo, kar se da hitro."
        ),
        "A mechanical failure has delayed delivery. We're adjusting plans to deliver your package as "
        "quickly as possible.": (
            "Tehnična okvara je povzročila zamudo pri dostavi. Načrte prilagajamo, da vam paket dostavimo "
            "čim prej."
        ),
        "The address is incomplete. This may delay delivery. We're attempting to update the address.": (
            "Naslov je nepopoln. To lahko povzroči zamudo pri dostavi. Naslov skušamo posodobiti."
        ),
        "The receiver was not available for delivery. We'll make a second attempt the next business day.": (
            "Prejemnik ob dostavi ni bil dosegljiv. Drugi poskus dostave bomo opravili naslednji delovni dan."
        ),
        "We are trying to get the security access our driver needs for this delivery.": (
            "Skušamo pridobiti dovoljenje za dostop, ki ga naš voznik potrebuje za to dostavo."
        ),
        "Your package was damaged in transit. We will notify the sender with details.": (
            "Vaš paket je bil med prevozom poškodovan. O podrobnostih bomo obvestili pošiljatelja."
        ),
        "Lost package investigation": "Poizvedba o izgubljenem paketu",
        "The receiver refused the delivery.": "Prejemnik je zavrnil prevzem.",
        "The package was not picked up by the receiver at the UPS Access Point™ location and will be "
        "returned to sender.": (
            "Prejemnik paketa ni prevzel na lokaciji UPS Access Point™, zato bo vrnjen pošiljatelju."
        ),
    },
    "kk": {
        "Shipment Ready for UPS": "Жөнелтілім UPS-ке тапсыруға дайын",
        "On the Way": "Жолда",
        "Delivered": "Жеткізілді",
        "Clearance in Progress": "Кедендік ресімдеу жүріп жатыр",
        "Exception": "Ерекше жағдай",
        "Clearance Completed": "Кедендік ресімдеу аяқталды",
        "Out for Delivery": "Жеткізуге шығарылды",
        "First Attempt Made": "Бірінші жеткізу әрекеті жасалды",
        "Second Delivery Attempted": "Екінші жеткізу әрекеті жасалды",
        "Final Attempt Made": "Соңғы жеткізу әрекеті жасалды",
        "Returned to Sender": "Жөнелтушіге қайтарылды",
        "Returning to Sender": "Жөнелтушіге қайтарылуда",
        "Returning to Sender: In Transit": "Жөнелтушіге қайтарылуда: жолда",
        "Picked Up by UPS": "UPS қабылдап алды",
        "Ready for Customer Pickup": "Алушыға беруге дайын",
        "Delay": "Кідіріс",
        "Address Information Required": "Мекенжай туралы мәлімет қажет",
        "Delay: Severe Weather": "Кідіріс: қолайсыз ауа райы",
        "Rescheduled Delivery": "Жеткізу басқа уақытқа ауыстырылды",
        "Damage Reported": "Зақымдану тіркелді",
        "Delivery Refused": "Алудан бас тартылды",
        "Preparing for Delivery": "Жеткізуге дайындалуда",
        "Investigation Opened": "Іздестіру басталды",
        "Transferred to UPS Delivery Partner": "UPS жеткізу серіктесіне берілді",
        "Security Access Required": "Аумаққа кіру рұқсаты қажет",
        "We Have Your Package": "Сәлемдемеңіз бізде",
        "Label Created": "Жапсырма жасалды",
        "Shipper created a label, UPS has not received the package yet. ": (
            "Жөнелтуші жапсырма жасады, UPS сәлемдемені әлі қабылдаған жоқ. "
        ),
        "Pickup Scan": "Қабылдау кезіндегі сканерлеу",
        "Arrived at Facility": "Сұрыптау орталығына келді",
        "Processing at UPS Facility": "UPS сұрыптау орталығында өңделуде",
        "Departed from Facility": "Сұрыптау орталығынан жөнелтілді",
        "Package is in transit to a UPS facility": "Сәлемдеме UPS сұрыптау орталығына бара жатыр",
        "Destination Scan": "Межелі пунктте сканерленді",
        "Out For Delivery Today": "Бүгін жеткізуге шығарылды",
        "The receiver was not available at the time of the delivery attempt.": (
            "Жеткізу әрекеті кезінде алушы орнында болмады."
        ),
        "DELIVERED ": "ЖЕТКІЗІЛДІ ",
        "Delivered to UPS Access Point™ location and awaiting customer pickup.": (
            "UPS Access Point™ пунктіне жеткізілді, алушының алып кетуін күтуде."
        ),
        "Package Picked Up At UPS Access Point": "Сәлемдеме UPS Access Point пунктінен алынды",
        "Please contact UPS for additional information.": "Қосымша ақпарат алу үшін UPS-ке хабарласыңыз.",
        "Your package is delayed. Check back later for delivery updates.": (
            "Сәлемдемеңіз кешігіп жатыр. Жеткізу туралы жаңалықтарды кейінірек тексеріңіз."
        ),
        "Your package is pending release from a Government Agency. Once they release it, your package "
        "will be on its way.": (
            "Сәлемдемеңіз мемлекеттік органның рұқсатын күтуде. Рұқсат берілген соң ол жолын жалғастырады."
        ),
        "Your package was released by the customs agency.": "Сәлемдемеңізді кеден органы босатты.",
        "The package was transferred to a postal provider for delivery.": (
            "Сәлемдеме жеткізу үшін пошта операторына берілді."
        ),
        "We're in the process of returning this package to the sender.": (
            "Біз бұл сәлемдемені жөнелтушіге қайтарып жатырмыз."
        ),
        "UPS has returned your package to the sender.": "UPS сәлемдемеңізді жөнелтушіге қайтарды.",
        "Your delivery has been rescheduled for the next business day.": (
            "Жеткізу келесі жұмыс күніне ауыстырылды."
        ),
        "Package transferred to post office": "Сәлемдеме пошта бөлімшесіне берілді",
        "Recent weather has caused delivery delays. Recovery efforts are under way to deliver your "
        "package as soon as possible.": (
            "Ауа райына байланысты жеткізу кешігуде. Сәлемдемеңізді мүмкіндігінше тез жеткізу үшін "
            "шаралар қабылдануда."
        ),
        "We've missed the scheduled transfer time. This may cause a delay.": (
            "Жоспарланған ауыстырып тиеу уақыты өтіп кетті. Бұл кідіріске әкелуі мүмкін."
        ),
        "Due to operating conditions, your package may be delayed.": (
            "Операциялық жағдайларға байланысты сәлемдемеңіз кешігуі мүмкін."
        ),
        "Due to operating conditions, the delivery date will be rescheduled. We are adjusting plans as "
        "quickly as possible.": (
            "Операциялық жағдайларға байланысты жеткізу күні ауыстырылады. Жоспарларды барынша тез "
            "түзетіп жатырмыз."
        ),
        "A mechanical failure has delayed delivery. We're adjusting plans to deliver your package as "
        "quickly as possible.": (
            "Техникалық ақауға байланысты жеткізу кешікті. Сәлемдемеңізді мүмкіндігінше тез жеткізу үшін "
            "жоспарларды түзетіп жатырмыз."
        ),
        "The address is incomplete. This may delay delivery. We're attempting to update the address.": (
            "Мекенжай толық емес. Бұл жеткізуді кешіктіруі мүмкін. Мекенжайды нақтылауға тырысып жатырмыз."
        ),
        "The receiver was not available for delivery. We'll make a second attempt the next business day.": (
            "Жеткізу кезінде алушы орнында болмады. Келесі жұмыс күні қайта жеткізіп көреміз."
        ),
        "We are trying to get the security access our driver needs for this delivery.": (
            "Жүргізушімізге осы жеткізу үшін қажет кіру рұқсатын алуға тырысып жатырмыз."
        ),
        "Your package was damaged in transit. We will notify the sender with details.": (
            "Сәлемдемеңіз тасымалдау кезінде зақымданды. Толық мәліметті жөнелтушіге хабарлаймыз."
        ),
        "Lost package investigation": "Жоғалған сәлемдемені іздестіру",
        "The receiver refused the delivery.": "Алушы сәлемдемені алудан бас тартты.",
        "The package was not picked up by the receiver at the UPS Access Point™ location and will be "
        "returned to sender.": (
            "Алушы сәлемдемені UPS Access Point™ пунктінен алмады, ол жөнелтушіге қайтарылады."
        ),
    },
}


def text(language: str, english: str) -> str:
    """UPS's English ``english`` in ``language`` (English when there is no entry)."""
    return i18n.translate(TEXTS, language, english)


def language(locale: str | None) -> str:
    """The ``locale`` query parameter (``de_DE``) → the language of the descriptions."""
    return i18n.negotiate(locale)
