"""Demo data drawn from the Hämeenlinna programme. Safe to run again: it changes nothing twice."""

from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from actors.models import Actor
from actors.roles import (
    ADMINISTRATOR_GROUP,
    AGENT_GROUP,
    FINANCE_GROUP,
    MANAGER_GROUP,
    ensure_roles,
)
from grants import services, spam
from grants.models import CityDecision, ClosingReport, Idea

from ... import services as demo

DEMO_PASSWORD = "minipilot-demo"  # noqa: S105 - the documented demo password, demo data only
# The authenticator app secret of the demo agent and manager (README), demo data only: agents and
# managers must log in with a second factor, so the demo gives them a known one.
DEMO_TOTP_SECRET = "MINIPILOTDEMOAGENTMANAGERTOTPKEY"  # noqa: S105


DEMO_RULES = {
    "fi": "Rahoitamme asukkaiden, yhdistysten, yritysten, seurakunnan ja kaupungin yksiköiden "
    "pieniä kokeiluja, jotka tekevät elämästä alueella parempaa. Tavallinen avustus on 500 €. "
    "Emme rahoita jo käynnissä olevaa toimintaa, palkkoja emmekä voittoa tavoittelevaa "
    "myyntiä. Haku on auki ympäri vuoden; vastaamme viikon sisällä.",
    "sv": "Vi finansierar små försök av invånare, föreningar, företag, församlingen och stadens "
    "enheter som gör livet i området bättre. Det vanliga understödet är 500 €. Vi finansierar "
    "inte verksamhet som redan pågår, löner eller försäljning med vinstsyfte. Ansökan är öppen "
    "året runt; vi svarar inom en vecka.",
    "en": "We fund small experiments by residents, associations, companies, the parish and the "
    "city's units that make life in the district better. The usual grant is 500 €. We do not "
    "fund activity that is already running, wages or sales for profit. The call is open all "
    "year; we answer within a week.",
}


class Command(BaseCommand):
    help = "Create the demo districts, round, pilots and the three demo logins (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_roles()
        today = timezone.localdate()
        iittala = demo.district_ensure(slug="iittala", name="Iittala")
        jukola = demo.district_ensure(slug="jukola", name="Jukola")
        round_ = demo.round_ensure(
            slug="kyla-kaupungissa",
            districts=[iittala, jukola],
            name="Kylä kaupungissa",
            name_sv="Byn i staden",
            name_en="Village in the city",
            rules_fi=DEMO_RULES["fi"],
            rules_sv=DEMO_RULES["sv"],
            rules_en=DEMO_RULES["en"],
            budget=Decimal("60000.00"),
            default_grant=Decimal("500.00"),
            max_grant=Decimal("1000.00"),
            opens_on=today - timedelta(days=60),
            closes_on=None,
            decision_target_days=7,
        )

        password = DEMO_PASSWORD
        resident = demo.user_ensure("resident@example.org", "Riikka Asukas", password=password)
        agent = demo.user_ensure("agent@example.org", "Aino Agentti", password=password)
        manager = demo.user_ensure("manager@example.org", "Markku Päällikkö", password=password)
        administrator = demo.user_ensure("admin@example.org", "Anna Ylläpitäjä", password=password)
        finance = demo.user_ensure("finance@example.org", "Tiina Talous", password=password)
        demo.role_grant(user=agent, group=AGENT_GROUP, totp_secret=DEMO_TOTP_SECRET)
        demo.role_grant(user=manager, group=MANAGER_GROUP, totp_secret=DEMO_TOTP_SECRET)
        demo.role_grant(user=administrator, group=ADMINISTRATOR_GROUP, totp_secret=DEMO_TOTP_SECRET)
        demo.role_grant(user=finance, group=FINANCE_GROUP, totp_secret=DEMO_TOTP_SECRET)
        self.stdout.write(
            "The demo agent, manager, administrator and finance office log in with a second "
            f"step: add the secret {DEMO_TOTP_SECRET} to an authenticator app (demo only)."
        )

        if Idea.objects.filter(round=round_).exists():  # a read: the demo is there already
            self.stdout.write("Demo data already present; nothing changed.")
            return

        school = demo.organisation_ensure(
            "Jukolan koulu", Actor.Kind.CITY_UNIT, jukola, members=[resident]
        )
        association = demo.organisation_ensure(
            "Iittalan kyläyhdistys", Actor.Kind.ASSOCIATION, iittala, members=[resident]
        )
        parish = demo.organisation_ensure(
            "Iittalan seurakunta", Actor.Kind.PARISH, iittala, members=[]
        )

        cafe = services.idea_create(
            created_by=resident,
            applicant=association,
            title="Elämänkaarikahvila",
            need="Ikäihmiset ja koululaiset eivät juuri kohtaa kylällä.",
            plan="Kerran kuussa kahvila, jossa ikäihmiset ja koululaiset leipovat, pelaavat ja "
            "kertovat tarinoita yhdessä.",
            age_groups=["children", "elderly"],
            district=iittala,
            starts_on=today - timedelta(days=50),
            ends_on=today - timedelta(days=5),
            amount=Decimal("500.00"),
            partners=[parish, school],
            partners_text="Iittalan seurakunta, Iittalan koulu",
        )
        services.idea_submit(idea=cafe, by=resident)
        services.idea_approve(idea=cafe, by=agent)
        services.idea_start(idea=cafe)
        services.closing_report_submit(
            idea=cafe,
            by=resident,
            lessons=[
                "Sukupolvet kohtaavat luontevimmin tekemällä jotain yhdessä.",
                "Koulun välitunti on liian lyhyt: kahvila kannattaa pitää iltapäivällä.",
                "Pieni summa riitti, kun tilat saatiin kaupungilta maksutta.",
            ],
            what_happened="Neljä kahvilakertaa, joissa kävi yhteensä 60 ihmistä.",
            participants_children=35,
            participants_youth=0,
            participants_adults=5,
            participants_elderly=20,
            actual_cost=Decimal("430.00"),
            what_worked="Leipominen yhdessä ja lautapelit.",
            what_did_not_work="Ensimmäinen kerta aamupäivällä epäonnistui: lapset olivat tunnilla.",
            novelty=4,
            change=3,
            usefulness=5,
            continuation=ClosingReport.Continuation.WE_CONTINUE,
            continuation_form="Kyläyhdistys jatkaa kahvilaa kerran kuussa.",
            publish=True,
        )

        earlier = self._earlier_round(
            resident=resident,
            agent=agent,
            manager=manager,
            school=school,
            association=association,
            iittala=iittala,
            jukola=jukola,
            today=today,
        )
        # Torstaitreffit became a permanent service in Jukola; Iittala tries it now.
        thursday = services.idea_create(
            created_by=resident,
            applicant=association,
            title="Torstaitreffit Iittalassa",
            need="Kylän vanhemmat ja koululaiset tapaavat harvoin muualla kuin kaupassa.",
            plan="Joka torstai kylätalolla vapaamuotoinen tapaaminen kyläläisille, "
            "koululaisille ja vanhemmille, Jukolan mallin mukaan.",
            age_groups=["children", "youth", "adults"],
            district=iittala,
            starts_on=today - timedelta(days=20),
            ends_on=today + timedelta(days=40),
            amount=Decimal("500.00"),
            origin=earlier["thursday"],
        )
        services.idea_submit(idea=thursday, by=resident)
        services.idea_approve(idea=thursday, by=agent)
        services.idea_start(idea=thursday)
        # The association has said where its grants are paid: the agent can pay it in a batch.
        services.payee_save(
            idea=thursday,
            by=resident,
            name="Iittalan kyläyhdistys ry",
            business_id="1618033-3",
            iban="FI4950009420028730",
            bic="OKOYFIHH",
        )

        fleamarket = services.idea_create(
            created_by=resident,
            applicant=school,
            title="Kirpputori koulun pihalla",
            need="Lasten vaatteet ja lelut jäävät käyttämättä, ja perheet eivät tunne toisiaan.",
            plan="Lauantaikirpputori koulun pihalla; oppilaat pitävät kahvilaa.",
            age_groups=["children", "adults"],
            district=jukola,
            starts_on=today - timedelta(days=30),
            ends_on=today - timedelta(days=1),
            amount=Decimal("300.00"),
        )
        services.idea_submit(idea=fleamarket, by=resident)
        services.idea_approve(idea=fleamarket, by=agent)
        # Ended yesterday and still running: the first sweep asks for its closing report.
        services.idea_start(idea=fleamarket)

        walks = services.idea_create(
            created_by=resident,
            title="Iltakävelyt Jukolan lähimetsässä",
            need="Nuoret kaipaavat turvallista tekemistä iltaisin.",
            plan="Viikoittaiset opastetut iltakävelyt nuorille ja heidän vanhemmilleen.",
            age_groups=["youth", "adults"],
            district=jukola,
            starts_on=today + timedelta(days=14),
            ends_on=today + timedelta(days=60),
            amount=Decimal("450.00"),
        )
        services.idea_submit(idea=walks, by=resident)

        self._queue(resident=resident, iittala=iittala, jukola=jukola, today=today)
        self._reason_templates()

        services.idea_create(
            created_by=resident,
            title="Lukupiiri kirjastobussissa",
            need="Kylällä ei ole omaa kirjastoa.",
            plan="Lukupiiri kokoontuu kirjastobussin pysäkillä.",
            age_groups=["adults", "elderly"],
            district=iittala,
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=90),
            amount=Decimal("300.00"),
        )
        self.stdout.write(self.style.SUCCESS("Demo data created."))

    def _queue(self, *, resident, iittala, jukola, today) -> None:
        """Ideas waiting for the agent, of different ages: one overdue, one held as suspect."""
        waiting = [
            ("Pihapelit taloyhtiössä", iittala, ["children"], 1),
            ("Senioreiden tietokonekerho", jukola, ["elderly"], 5),
            ("Nuorten bänditreenit koululla", jukola, ["youth"], 9),
        ]
        for title, district, ages, days_ago in waiting:
            idea = services.idea_create(
                created_by=resident,
                title=title,
                need="Alueella ei ole tällaista toimintaa.",
                plan="Kokeillaan kuukauden ajan ja katsotaan, löytyykö tekijöitä.",
                age_groups=ages,
                district=district,
                starts_on=today + timedelta(days=10),
                ends_on=today + timedelta(days=50),
                amount=Decimal("500.00"),
            )
            services.idea_submit(idea=idea, by=resident)
            # Demo only: move the submission back in time to show waiting times.
            demo.submission_backdate(idea=idea, days=days_ago)
        suspect = services.idea_create(
            created_by=resident,
            title="Halpoja lääkkeitä verkosta",
            need="Osta nyt.",
            plan="Klikkaa linkkiä.",
            age_groups=["adults"],
            district=iittala,
            starts_on=today + timedelta(days=1),
            ends_on=today + timedelta(days=2),
            amount=Decimal("1000.00"),
        )
        services.idea_submit(idea=suspect, by=resident, hold_reason=spam.REASON_HONEYPOT)

    def _earlier_round(
        self, *, resident, agent, manager, school, association, iittala, jukola, today
    ) -> dict:
        """A round of last spring, closed, with its pilots reported and closed and the city's
        decisions on them: Torstaitreffit became a permanent service (as it did in the real
        programme), the language café spread to the other district, outdoor gym stopped."""
        opened = today - timedelta(days=330)
        demo.round_ensure(
            slug="kevat",
            districts=[iittala, jukola],
            name="Kevään kokeilut",
            name_sv="Vårens försök",
            name_en="Spring experiments",
            rules_fi=DEMO_RULES["fi"],
            rules_sv=DEMO_RULES["sv"],
            rules_en=DEMO_RULES["en"],
            budget=Decimal("10000.00"),
            default_grant=Decimal("500.00"),
            max_grant=Decimal("1000.00"),
            opens_on=opened,
            closes_on=today - timedelta(days=150),
            decision_target_days=7,
        )
        pilots = [
            (
                "thursday",
                "Torstaitreffit",
                school,
                jukola,
                "Opettajat, oppilaat ja vanhemmat tapaavat vain vanhempainilloissa.",
                "Joka torstai koululla vapaamuotoinen tapaaminen opettajille, oppilaille ja "
                "vanhemmille.",
                ["children", "youth", "adults"],
                ClosingReport.Continuation.PERMANENT,
                [
                    "Matala kynnys toimii: ei ohjelmaa, vain kahvi ja aikaa jutella.",
                    "Torstai-iltapäivä sopi kaikille, koska kerhot ovat muina päivinä.",
                ],
            ),
            (
                "language_cafe",
                "Kielikahvila kirjastossa",
                association,
                iittala,
                "Maahan muuttaneet kyläläiset eivät pääse harjoittelemaan suomea arjessa.",
                "Kahdesti kuussa kielikahvila kirjaston lukusalissa; vapaaehtoiset "
                "keskustelevat suomeksi.",
                ["adults", "elderly"],
                ClosingReport.Continuation.PERMANENT,
                [
                    "Eläkeläiset olivat parhaita keskustelijoita: heillä on aikaa.",
                    "Kirjasto on luonteva paikka, koska sinne tullaan muutenkin.",
                ],
            ),
            (
                "outdoor_gym",
                "Ulkojumppa puistossa",
                association,
                jukola,
                "Puistossa ei ole liikuntaa aikuisille.",
                "Viikoittainen ohjattu ulkojumppa puistossa koko kevään.",
                ["adults"],
                ClosingReport.Continuation.WE_CONTINUE,
                [
                    "Sateella kukaan ei tule: tarvitaan katos tai sisätila.",
                    "Ohjaaja tarvitaan joka kerta, vapaaehtoisuus ei riittänyt.",
                ],
            ),
        ]
        made = {}
        for key, title, applicant, district, need, plan, ages, continuation, lessons in pilots:
            idea = services.idea_create(
                created_by=resident,
                applicant=applicant,
                title=title,
                need=need,
                plan=plan,
                age_groups=ages,
                district=district,
                starts_on=opened + timedelta(days=20),
                ends_on=opened + timedelta(days=120),
                amount=Decimal("500.00"),
                today=opened + timedelta(days=5),
            )
            services.idea_submit(idea=idea, by=resident)
            services.idea_approve(idea=idea, by=agent)
            services.idea_start(idea=idea)
            services.closing_report_submit(
                idea=idea,
                by=resident,
                lessons=lessons,
                what_happened="Kokeilu pidettiin koko kevään ajan.",
                participants_children=10 if "children" in ages else 0,
                participants_youth=5 if "youth" in ages else 0,
                participants_adults=15,
                participants_elderly=8 if "elderly" in ages else 0,
                actual_cost=Decimal("480.00"),
                what_worked=lessons[0],
                what_did_not_work=lessons[1],
                novelty=3,
                change=4,
                usefulness=4,
                continuation=continuation,
                continuation_form="",
                publish=True,
            )
            services.idea_close(idea=idea, by=agent)
            made[key] = idea
        decisions = [
            (
                "thursday",
                CityDecision.Outcome.PERMANENT,
                "Koulu ja vanhemmat haluavat jatkaa; kustannus on pieni ja kävijöitä riittää.",
                {"unit": "Sivistyspalvelut, Jukolan koulu", "yearly_cost": "1800"},
            ),
            (
                "language_cafe",
                CityDecision.Outcome.SPREAD,
                "Toimi hyvin Iittalassa; kirjasto kokeilee samaa Jukolassa.",
                {"unit": "Kirjastopalvelut", "yearly_cost": "600", "spread_to": [jukola]},
            ),
            (
                "outdoor_gym",
                CityDecision.Outcome.STOP,
                "Sää ratkaisi osallistumisen; kaupunki ei jatka ulkojumppaa tässä muodossa.",
                {},
            ),
        ]
        for key, outcome, reason, fields in decisions:
            owned = outcome != CityDecision.Outcome.STOP
            services.city_decision_record(
                idea=made[key],
                by=manager,
                outcome=outcome,
                reason=reason,
                owner=manager if owned else None,
                funding_line="Sivistyspalvelut, toimintamenot" if owned else "",
                follow_up_on=today + timedelta(days=120) if owned else None,
                **fields,
            )
        return made

    def _reason_templates(self) -> None:
        demo.reason_template_ensure(
            title="Rahat käytetty",
            title_sv="Pengarna är slut",
            title_en="The money is used",
            text_fi="Tämän haun rahat on jo käytetty. Voit hakea uudelleen seuraavassa haussa.",
            text_sv="Pengarna i den här omgången är redan slut. Du kan söka igen i nästa omgång.",
            text_en="This round's money is already used. You can apply again in the next round.",
        )
        demo.reason_template_ensure(
            title="Jo olemassa",
            title_sv="Finns redan",
            title_en="Already exists",
            text_fi="Alueella toimii jo samanlainen toiminta. Agentti auttaa mielellään "
            "yhdistämään teidät.",
            text_sv="En liknande verksamhet finns redan i området. Agenten hjälper gärna "
            "till att föra er samman.",
            text_en="A similar activity already runs in the district. The agent is happy "
            "to put you in touch.",
        )
