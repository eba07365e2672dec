"""Names a new group of lessons may be proposed under: noun phrases in Finnish, Swedish and
English, each with a sentence that says what it covers. A group of lessons is proposed the name
whose sentence is closest in meaning (grants/services/themes.py); the agent may rename it."""

THEME_NAMES = [
    (
        "Ajoitus",
        "Tidpunkt",
        "Timing",
        "Kellonaika, viikonpäivä ja vuodenaika, jolloin toiminta järjestetään.",
    ),
    (
        "Osallistujien tavoittaminen",
        "Att nå deltagarna",
        "Reaching participants",
        "Tiedottaminen, mainonta ja kutsut, joilla ihmiset saatiin mukaan.",
    ),
    (
        "Tilat",
        "Lokaler",
        "Premises",
        "Paikka ja tilat, joissa toiminta pidettiin, ja niiden saaminen.",
    ),
    (
        "Vapaaehtoiset",
        "Frivilliga",
        "Volunteers",
        "Vapaaehtoisten löytäminen, jaksaminen ja toiminnan jatkuminen.",
    ),
    (
        "Yhteistyö",
        "Samarbete",
        "Cooperation",
        "Yhteistyö yhdistysten, koulujen, seurakunnan ja kaupungin kanssa.",
    ),
    (
        "Rahat ja kustannukset",
        "Pengar och kostnader",
        "Money and costs",
        "Budjetti, hankinnat ja mihin avustus riitti.",
    ),
    ("Sää", "Väder", "Weather", "Sade, kylmyys, lumi ja helle ulkotapahtumissa."),
    ("Sukupolvet", "Generationer", "Generations", "Lasten, nuorten ja ikäihmisten kohtaaminen."),
    (
        "Saavutettavuus",
        "Tillgänglighet",
        "Accessibility",
        "Kulkeminen, kuljetukset, esteettömyys ja kieli.",
    ),
    ("Luvat", "Tillstånd", "Permissions", "Luvat, ilmoitukset, säännöt ja byrokratia."),
    (
        "Lapsiperheet",
        "Barnfamiljer",
        "Families with children",
        "Perheiden ja lasten mukaan saaminen.",
    ),
    (
        "Digitaaliset välineet",
        "Digitala verktyg",
        "Digital tools",
        "Sovellukset, somekanavat ja verkko.",
    ),
    ("Turvallisuus", "Säkerhet", "Safety", "Turvallisuus, valvonta ja riskit."),
    (
        "Ruoka ja tarjoilu",
        "Mat och servering",
        "Food and catering",
        "Tarjoilut, kahvit ja yhdessä syöminen.",
    ),
    (
        "Jatkuvuus",
        "Kontinuitet",
        "Continuity",
        "Miten toiminta jatkuu pilotin jälkeen ja kuka sen omistaa.",
    ),
    (
        "Luonto ja ympäristö",
        "Natur och miljö",
        "Nature and environment",
        "Luonto, kierrätys ja ympäristön hoito.",
    ),
]


def description_of(name: str) -> str:
    """The sentence of the vocabulary's entry of this name (in any of its languages), or ""."""
    wanted = name.strip().casefold()
    for entry in THEME_NAMES:
        if wanted in (entry[0].casefold(), entry[1].casefold(), entry[2].casefold()):
            return entry[3]
    return ""
