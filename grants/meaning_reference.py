"""Reference texts for comparing by meaning: ideas of every kind in Finnish, Swedish and
English, written for this purpose (no real person's). They give each language's centre a
footing where a city has few pilots yet, measure how a question's vector sits apart from a
stored text's, and stand as the background a real match must stand out from (grants/meaning.py).
They are never shown."""

REFERENCE_TEXTS = {
    "fi": [
        "Pihatalkoot taloyhtiössä: asukkaat siivoavat pihan ja istuttavat kukkia yhdessä.",
        "Nuorten iltaliikuntavuoro koulun salissa perjantaisin.",
        "Kylän historiasta kertova valokuvanäyttely kyläkoululla.",
        "Liikenneturvallisuusviikko: heijastimia jaetaan koulun portilla.",
        "Lintujen tarkkailuaamu järven lintutornilla.",
        "Lähiruokatori, jossa viljelijät myyvät tuotteitaan suoraan asukkaille.",
        "Luontopolun opasteet ja kävelyretket lähimetsään perheille.",
        "Kylätien katuvalojen kunnostus talkoilla.",
    ],
    "sv": [
        "Gårdstalko i bostadsbolaget: invånarna städar gården och planterar blommor tillsammans.",
        "Kvällsgympa för unga i skolans sal på fredagar.",
        "Fotoutställning om byns historia i byskolan.",
        "Trafiksäkerhetsvecka: reflexer delas ut vid skolans grind.",
        "En morgon med fågelskådning i sjöns fågeltorn.",
        "Närmatstorg där odlare säljer sina produkter direkt till invånarna.",
        "Skyltar längs naturstigen och vandringar i skogen för familjer.",
        "Gatubelysningen längs byvägen repareras på talko.",
    ],
    "en": [
        "A yard clean-up day in the housing company: residents tidy the yard and plant flowers.",
        "Evening sports for young people in the school gym on Fridays.",
        "A photo exhibition about the village's history at the village school.",
        "A traffic safety week: reflectors handed out at the school gate.",
        "A bird-watching morning at the lake's observation tower.",
        "A local food market where farmers sell directly to residents.",
        "Signs along the nature trail and walks in the forest for families.",
        "Repairing the street lights along the village road together.",
    ],
}
