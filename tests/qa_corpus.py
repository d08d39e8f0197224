"""Clean bilingual pairs for the QA tests, written for this project.

(source language, target language, source, target)
"""

CLEAN = [
    (
        "en",
        "fr",
        "The ferry terminal opened on Thursday with 212 passengers on board.",
        "Le terminal des ferries a ouvert jeudi avec 212 passagers à bord.",
    ),
    (
        "en",
        "fr",
        "The new building cost 8.5 million euros, 14% more than planned.",
        "Le nouveau bâtiment a coûté 8,5 millions d'euros, 14 % de plus que prévu.",
    ),
    (
        "en",
        "fr",
        "Up to 3,500 passengers a day will use the terminal once the summer timetable starts.",
        "Jusqu'à 3 500 passagers par jour utiliseront le terminal dès le début de l'horaire d'été.",
    ),
    (
        "en",
        "fr",
        "Read the full report at https://example.org/report_2025.pdf before the meeting.",
        "Lisez le rapport complet sur https://example.org/report_2025.pdf avant la réunion.",
    ),
    (
        "en",
        "fr",
        "The mayor said the vote was **final** and published [the minutes](https://example.org/minutes).",
        "Le maire a déclaré que le vote était **définitif** et a publié [le procès-verbal](https://example.org/minutes).",
    ),
    (
        "en",
        "de",
        "The cycle lane is 3.8 kilometres long and has only 2 traffic lights.",
        "Der Radweg ist 3,8 Kilometer lang und hat nur 2 Ampeln.",
    ),
    (
        "en",
        "de",
        "About 6,000 people are expected to use the new connection every day.",
        "Täglich werden rund 6.000 Menschen die neue Verbindung nutzen.",
    ),
    (
        "en",
        "de",
        "Send your questions to press@example.org by Friday at 17:00.",
        "Schicken Sie Ihre Fragen bis Freitag um 17:00 Uhr an press@example.org.",
    ),
    (
        "en",
        "de",
        "Hello {name}, you have %(count)s new messages waiting for you.",
        "Hallo {name}, Sie haben %(count)s neue Nachrichten, die auf Sie warten.",
    ),
    (
        "en",
        "es",
        "Firefighters controlled the fire after it burned 340 hectares of pine forest.",
        "Los bomberos controlaron el incendio después de que quemara 340 hectáreas de pinar.",
    ),
    (
        "en",
        "es",
        "More than 150 people worked through the night with 6 planes and 4 helicopters.",
        "Más de 150 personas trabajaron durante la noche con 6 aviones y 4 helicópteros.",
    ),
    (
        "en",
        "es",
        "The library will open in the autumn of 2027 with a theatre for 120 people.",
        "La biblioteca abrirá en el otoño de 2027 con un teatro para 120 personas.",
    ),
    (
        "fr",
        "en",
        "Le marché couvert a rouvert jeudi après deux ans de travaux et 4,2 millions d'euros.",
        "The covered market reopened on Thursday after two years of work and 4.2 million euros.",
    ),
    (
        "fr",
        "en",
        "Les horaires complets sont publiés sur le site de la ville et affichés à l'entrée.",
        "The full opening hours are published on the city's website and posted at the entrance.",
    ),
    (
        "de",
        "en",
        "Die Bauarbeiten haben 1,2 Millionen Euro gekostet, davon trägt das Land die Hälfte.",
        "The construction cost 1.2 million euros, half of which is paid by the state.",
    ),
    (
        "de",
        "en",
        "Autos dürfen die Straße weiterhin mit höchstens 30 Kilometern pro Stunde benutzen.",
        "Cars may still use the street at no more than 30 kilometres per hour.",
    ),
    (
        "en",
        "ar",
        "Tomato prices almost doubled last week because of the heat wave.",
        "تضاعفت أسعار الطماطم تقريباً الأسبوع الماضي بسبب موجة الحر.",
    ),
    (
        "en",
        "ar",
        "The market received 12 trucks on Monday instead of the usual 20.",
        "استقبل السوق ١٢ شاحنة يوم الاثنين بدلاً من ٢٠ شاحنة كالمعتاد.",
    ),
    (
        "en",
        "ja",
        "The new train line opened on Saturday and carried 10,000 people on its first day.",
        "新しい路線は土曜日に開通し、初日に10,000人を運んだ。",
    ),
    (
        "en",
        "ru",
        "The museum will be closed for repairs from 1 March until 15 April.",
        "Музей будет закрыт на ремонт с 1 марта по 15 апреля.",
    ),
    (
        "en",
        "it",
        "The council approved a budget of 2.3 million euros for the school roofs.",
        "Il consiglio ha approvato un bilancio di 2,3 milioni di euro per i tetti delle scuole.",
    ),
    (
        "en",
        "pt",
        "The bridge will be closed to traffic for 3 weeks starting on Monday.",
        "A ponte ficará fechada ao trânsito durante 3 semanas a partir de segunda-feira.",
    ),
    ("en", "fr", "Claire Dubois", "Claire Dubois"),
    (
        "en",
        "de",
        "Read **all** the rules in [the guide](https://example.org/guide) before you start.",
        "Lesen Sie **alle** Regeln im [Leitfaden](https://example.org/guide), bevor Sie beginnen.",
    ),
    (
        "en",
        "es",
        "The *old* bridge had 3 arches and a **toll** gate for carts.",
        "El puente *viejo* tenía 3 arcos y una puerta de **peaje** para los carros.",
    ),
    (
        "en",
        "fr",
        "The school now has 3 new classrooms and a *small* garden for the pupils.",
        "L'école compte désormais 3 nouvelles salles de classe et un *petit* jardin pour les élèves.",
    ),
    (
        "en",
        "it",
        "The team won 3 of its last 5 games, and the [full table](https://example.org/t) is online.",
        "La squadra ha vinto 3 delle ultime 5 partite e la [classifica completa](https://example.org/t) è online.",
    ),
    (
        "en",
        "fr",
        "Version 2.4.1 fixes the login problem reported in March.",
        "La version 2.4.1 corrige le problème de connexion signalé en mars.",
    ),
]
