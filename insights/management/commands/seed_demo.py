"""Create the user `demo` (password `demo`) with a believable two-year network to try Kith on.

The network has the shape of a real one: a core of ten close people seen and heard from
often, a middle group met a handful of times (a quarter of them quiet for over a year),
and a long tail met once at a conference, heard from once, or never met at all. A fixed
random seed makes every run on a given day produce the same data; dates count back from
today, so the demo never looks stale. Email addresses use the reserved `.example` domain,
so nothing the demo triggers can reach a real inbox.
"""

import datetime
import random
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from interactions.models import Event, FollowUp, Interaction
from interactions.stats import contacts_refresh_interaction_stats
from invitations.models import Invitation
from network.models import Contact, OwnerSettings, Tag

USERNAME = "demo"
PASSWORD = "demo"
TIMEZONE = "Europe/Oslo"
SEED = 1729
DAYS = 730
QUIET_DAYS = 400
LOGIN_HINT = "Log in at http://127.0.0.1:8000/ as demo / demo"

Kind = Interaction.Kind
Initiator = Interaction.Initiator
Status = Contact.LinkedInStatus


class Region(NamedTuple):
    weight: int
    phone_code: str
    first_names: str  # comma-separated
    last_names: str  # comma-separated
    locations: str  # semicolon-separated; a repeated place is a likelier one


# The owner lives in Oslo and works on grid flexibility, so Norway weighs most.
REGIONS = {
    "no": Region(
        40,
        "+47",
        "Ingrid, Kari, Solveig, Marte, Sigrid, Ragnhild, Nora, Ida, Lars, Eirik, Håkon, Magnus, Torstein, Sindre, Vegard, Øystein",
        "Hansen, Johansen, Berg, Haugen, Lie, Dahl, Solberg, Nilsen, Bakke, Strand, Aasen, Fossum, Lunde, Myhre, Rønning, Eide",
        "Oslo, Norway; Oslo, Norway; Oslo, Norway; Oslo, Norway; Bergen, Norway; Trondheim, Norway; Stavanger, Norway; Tromsø, Norway",
    ),
    "se": Region(
        10,
        "+46",
        "Elin, Astrid, Linnea, Maja, Johan, Oskar, Viktor, Erik",
        "Lindqvist, Andersson, Sjöberg, Ek, Nyström, Holmberg, Wikström",
        "Stockholm, Sweden; Stockholm, Sweden; Gothenburg, Sweden; Malmö, Sweden",
    ),
    "dk": Region(
        7,
        "+45",
        "Mette, Freja, Signe, Rasmus, Søren, Mads",
        "Kjær, Madsen, Holm, Nørgaard, Friis, Brandt",
        "Copenhagen, Denmark; Copenhagen, Denmark; Aarhus, Denmark",
    ),
    "fi": Region(
        5,
        "+358",
        "Aino, Veera, Noora, Mikko, Juha, Antti",
        "Virtanen, Korhonen, Mäkinen, Laine, Heikkinen",
        "Helsinki, Finland; Helsinki, Finland; Espoo, Finland; Tampere, Finland",
    ),
    "de": Region(
        10,
        "+49",
        "Katrin, Lena, Anja, Miriam, Jonas, Felix, Matthias, Tobias",
        "Schneider, Becker, Hoffmann, Wagner, Krüger, Vogel, Hartmann",
        "Berlin, Germany; Berlin, Germany; Munich, Germany; Hamburg, Germany",
    ),
    "fr": Region(
        5,
        "+33",
        "Camille, Claire, Élodie, Julien, Mathieu, Antoine",
        "Moreau, Lefèvre, Girard, Rousseau, Fournier, Marchand",
        "Paris, France; Paris, France; Lyon, France; Grenoble, France",
    ),
    "es": Region(
        4,
        "+34",
        "Lucía, Carmen, Marta, Javier, Diego, Pablo",
        "García, Fernández, Romero, Navarro, Ortega, Castillo",
        "Madrid, Spain; Barcelona, Spain; Valencia, Spain",
    ),
    "it": Region(
        3,
        "+39",
        "Giulia, Chiara, Francesca, Marco, Luca, Davide",
        "Rossi, Bianchi, Conti, Ferraro, Greco",
        "Milan, Italy; Turin, Italy; Bologna, Italy",
    ),
    "nl": Region(
        6,
        "+31",
        "Sanne, Femke, Lotte, Daan, Joost, Bram",
        "de Vries, van Dijk, Bakker, Visser, Jansen, Smit",
        "Amsterdam, Netherlands; Amsterdam, Netherlands; Rotterdam, Netherlands; Delft, Netherlands; Utrecht, Netherlands",
    ),
    "uk": Region(
        9,
        "+44",
        "Hannah, Fiona, Charlotte, Siobhan, Oliver, Callum, James",
        "Walsh, Hughes, Fletcher, Doyle, Pritchard, Ahmed, Clarke",
        "London, United Kingdom; London, United Kingdom; London, United Kingdom; Edinburgh, United Kingdom; Manchester, United Kingdom",
    ),
    "us": Region(
        6,
        "+1",
        "Emily, Rachel, Danielle, Marcus, Tyler, Nathan",
        "Carter, Brooks, Reyes, Sullivan, Nguyen, Goldberg",
        "San Francisco, United States; Boston, United States; New York, United States; Austin, United States",
    ),
    "in": Region(
        5,
        "+91",
        "Priya, Ananya, Kavya, Arjun, Rohan, Vikram",
        "Sharma, Iyer, Reddy, Menon, Kapoor, Nair",
        "Bengaluru, India; Mumbai, India; Pune, India; Delhi, India",
    ),
    "sg": Region(
        2,
        "+65",
        "Wei Ling, Jun Hao, Mei Xin, Kai Wen, Hui Min",
        "Tan, Lim, Lee, Ng, Chua, Goh",
        "Singapore",
    ),
    "jp": Region(
        3,
        "+81",
        "Yuki, Aiko, Haruka, Kenji, Haruto, Takeshi",
        "Tanaka, Sato, Nakamura, Kobayashi, Yamamoto, Watanabe",
        "Tokyo, Japan; Tokyo, Japan; Osaka, Japan; Kyoto, Japan",
    ),
    "kr": Region(
        2,
        "+82",
        "Ji-woo, Seo-yeon, Min-jun, Do-hyun, Ha-eun",
        "Kim, Park, Choi, Jung, Kang",
        "Seoul, South Korea",
    ),
    "ng": Region(
        3,
        "+234",
        "Chiamaka, Ngozi, Adaeze, Tunde, Emeka, Oluwaseun",
        "Okafor, Adeyemi, Eze, Balogun, Nwosu",
        "Lagos, Nigeria; Lagos, Nigeria; Abuja, Nigeria",
    ),
    "ke": Region(
        2,
        "+254",
        "Wanjiru, Akinyi, Njeri, Brian, Kevin",
        "Otieno, Kamau, Mwangi, Odhiambo, Kiprop",
        "Nairobi, Kenya",
    ),
    "gh": Region(
        2,
        "+233",
        "Ama, Akosua, Kwame, Kofi, Yaw",
        "Mensah, Boateng, Asante, Owusu, Addo",
        "Accra, Ghana",
    ),
    "pl": Region(
        3,
        "+48",
        "Agnieszka, Magdalena, Zofia, Piotr, Tomasz, Michał",
        "Nowak, Wójcik, Mazur, Krawczyk, Zając",
        "Warsaw, Poland; Kraków, Poland; Wrocław, Poland",
    ),
    "br": Region(
        3,
        "+55",
        "Ana, Beatriz, Juliana, Thiago, Rafael, Lucas",
        "Silva, Oliveira, Souza, Costa, Almeida, Pereira",
        "São Paulo, Brazil; São Paulo, Brazil; Rio de Janeiro, Brazil; Florianópolis, Brazil",
    ),
    "ae": Region(
        2,
        "+971",
        "Layla, Yasmin, Rania, Omar, Karim, Tarek",
        "Haddad, Nasser, Khalil, Saleh, Aziz",
        "Dubai, United Arab Emirates; Abu Dhabi, United Arab Emirates",
    ),
    "ua": Region(
        2,
        "+380",
        "Oksana, Iryna, Olena, Andriy, Dmytro, Taras",
        "Shevchenko, Bondarenko, Kovalenko, Tkachenko, Melnyk, Boyko",
        "Kyiv, Ukraine; Lviv, Ukraine",
    ),
    "au": Region(
        2,
        "+61",
        "Chloe, Mia, Sophie, Jack, Liam",
        "Taylor, Mitchell, Campbell, O'Brien, Kelly",
        "Sydney, Australia; Melbourne, Australia",
    ),
}


class Sector(NamedTuple):
    weight: int
    tag: str
    companies: str  # comma-separated
    titles: str  # comma-separated
    topics: str  # comma-separated
    stances: tuple[str, ...]


SECTORS = {
    "energy": Sector(
        35,
        "climate",
        "Nordvolt Storage, Havvind Offshore, Gridline Analytics, Solgang Energy, Kelpwise, "
        "Heliostat Systems, Fjellstrøm Hydro, Voltflex",
        "Head of Grid Integration, CEO and co-founder, Battery systems engineer, "
        "VP Business Development, Offshore wind project lead, Energy market analyst, "
        "Chief Technology Officer, Head of Partnerships, Founder",
        "grid batteries, offshore wind permits, flexibility markets, hydrogen for shipping, "
        "heat pumps, grid connection queues, carbon removal, the capacity auction",
        (
            "Argues that grid batteries matter more than new generation",
            "Thinks offshore wind needs floating foundations to scale in Norway",
            "Wants every heat pump to be a grid asset",
            "Believes permitting, not technology, is the bottleneck for renewables",
            "Says hydrogen belongs in steel and shipping, not in cars",
            "Champions community-owned solar in rural towns",
            "Insists that transmission lines are the real climate policy",
            "Pushes for hourly, not annual, green-power matching",
            "Thinks seaweed farming is the sleeper carbon story of the decade",
            "Bets on sodium-ion batteries for stationary storage",
            "Argues nuclear belongs in every serious decarbonisation plan",
            "Wants demand response to pay households directly",
            "Believes old hydro dams are Europe's best battery",
            "Says the energy transition is a supply-chain problem first",
            "Thinks district heating is wildly underrated outside Scandinavia",
            "Campaigns for open data from grid operators",
            "Believes carbon removal must be measured before it is sold",
            "Wants electric ferries on every Norwegian fjord crossing",
            "Thinks EV charging should be priced by the hour of the day",
            "Argues that recycling will supply half of Europe's battery metals by 2040",
            "Thinks every new building should come with a battery in the basement",
            "Says utilities should sell warmth and light, not kilowatt-hours",
        ),
    ),
    "software": Sector(
        25,
        "",
        "Tidewater Labs, Fenris Robotics, Brightloom Data, Kvist, Northbound Software, "
        "Mosaic Health, Loopline",
        "Staff engineer, Head of Product, Engineering manager, Founder, "
        "Principal data scientist, Design lead, CTO and co-founder, Developer advocate",
        "hiring senior engineers, the new data platform, open-sourcing the SDK, on-call rotas, "
        "evaluating language models, remote work, pricing",
        (
            "Thinks most machine-learning projects fail on data, not models",
            "Champions boring technology and small teams",
            "Argues that open source is the best hiring channel there is",
            "Believes every product team needs a writer",
            "Says on-call should be paid, always",
            "Builds tools for people who hate dashboards",
            "Wants software to be repairable, like furniture",
            "Thinks privacy is a product feature, not a legal checkbox",
            "Believes four-day weeks make better engineers",
            "Argues that accessibility is where good design starts",
            "Sees Rust as the safest bet for embedded energy systems",
            "Wants every startup to publish its postmortems",
            "Thinks small on-device models will beat the cloud for most tasks",
            "Teaches product managers to talk to ten customers a week",
            "Believes remote-first companies need more writing, not more meetings",
            "Argues that a monolith is the right start for almost every product",
            "Thinks the best onboarding is shipping something on day one",
            "Believes code review is for teaching, not gatekeeping",
            "Argues that every dashboard should end in a decision",
            "Wants energy software to work offline, because the grid is where the outages are",
        ),
    ),
    "investing": Sector(
        12,
        "investors",
        "Skagerrak Ventures, Arctic Loop Capital, Northwind Climate Fund, Lighthouse Angels, "
        "Baltic Bridge Partners",
        "Partner, Principal, Angel investor, Investment manager, Managing partner, Venture partner",
        "the seed round, fund II, due diligence on a battery startup, term sheets, "
        "the Nordic VC market, co-investing",
        (
            "Only backs founders who have worked in the industry they want to change",
            "Argues climate hardware deserves patient, fifteen-year capital",
            "Thinks Nordic startups raise too little, too late",
            "Believes the best pitch deck is a customer's purchase order",
            "Invests in boring infrastructure that nobody tweets about",
            "Says angel investors should write cheques and stay quiet",
            "Pushes for more women on Nordic cap tables",
            "Backs deep-tech spinouts from universities",
            "Wants pension funds in early-stage climate funds",
            "Believes revenue-based financing suits most software companies better than VC",
            "Argues that secondary sales keep early employees loyal",
            "Reads every founder's cold email and answers within a week",
            "Thinks boards should meet less and talk to customers more",
        ),
    ),
    "research": Sector(
        15,
        "research",
        "Open Grid Institute, NTNU, University of Oslo, TU Delft, Nordic Energy Policy Forum, "
        "European Climate Office, Imperial College London",
        "Associate professor, Senior researcher, Policy adviser, PhD candidate, "
        "Research director, Head of policy, Postdoctoral fellow",
        "the grid-modelling paper, a policy brief, carbon pricing, the EU taxonomy, "
        "a joint grant application, smart-meter data",
        (
            "Studies why households ignore their smart meters",
            "Argues carbon prices should rise on a published schedule",
            "Thinks EU state-aid rules slow down clean industry",
            "Researches how trust spreads through professional networks",
            "Believes universities should license patents to startups for free",
            "Shows that bike lanes pay for themselves in health costs",
            "Wants climate policy judged on emissions cut per krone spent",
            "Argues that energy poverty is the transition's blind spot",
            "Models how floating wind changes the North Sea grid",
            "Thinks citizens' assemblies make better climate policy than parliaments",
            "Studies weak ties and how people find new jobs",
            "Wants a lifecycle analysis on every product label",
            "Argues that energy models should be open source, or not trusted",
            "Studies how cities can cut peak load without new cables",
            "Believes PhD students should spend a semester in a startup",
        ),
    ),
    "media": Sector(
        13,
        "",
        "Fjord Studio, Klima Podcast, Startup Norway, Nordic Tech Journal, Greenhouse Events",
        "Journalist, Podcast host, Community manager, Creative director, Event organiser, Editor",
        "the podcast episode, a panel line-up, the next meetup, an article draft, a brand refresh",
        (
            "Believes climate stories should lead with solutions, not doom",
            "Runs the best-organised meetups in Oslo and keeps them free",
            "Thinks founders should write their own newsletters",
            "Argues that good design is a form of respect",
            "Wants tech journalism to follow the money, not the hype",
            "Pairs founders with retired engineers as mentors",
            "Believes every city needs a public workshop",
            "Says a conference is only as good as its hallway",
            "Campaigns for diverse speaker line-ups at Nordic conferences",
            "Thinks newsletters are the new trade press",
            "Believes a good meetup needs name tags and a hard stop at nine",
            "Argues that climate ads should show people, not polar bears",
            "Wants every founder interviewed about their failures, not just their rounds",
        ),
    ),
}

# The ten people the owner is closest to: region, sector, how we met, tags.
CORE = [
    ("no", "energy", "Worked together at Tidewater Labs from 2016 to 2021", ["former colleagues"]),
    (
        "no",
        "software",
        "Sat next to each other at Tidewater Labs for four years",
        ["former colleagues"],
    ),
    ("no", "investing", "My first angel investor; introduced by a professor at NTNU", ["mentors"]),
    ("no", "energy", "Studied energy engineering together at NTNU", []),
    ("se", "software", "Co-organised the Oslo Energy Meetup for two years", []),
    ("de", "research", "Shared an office during my research stay in Berlin", []),
    ("uk", "energy", "Mentor since my first accelerator programme", ["mentors"]),
    ("dk", "investing", "Sat on a panel together in Copenhagen and kept in touch", []),
    ("us", "media", "Old friend from university; I guest on their podcast now and then", []),
    ("no", "software", "Co-founded my first startup", ["former colleagues"]),
]
MIDDLE_SIZE = 45
TAIL_SIZE = 95

CONFERENCE, MEETUP, DINNER = "conference", "meetup", "dinner"
# Name, place, country, days ago, size. A conference's name gets its year.
EVENTS = [
    ("Nordic Climate Tech Summit", "Oslo Spektrum, Oslo", "Norway", 712, CONFERENCE),
    ("Oslo Energy Meetup #14", "Mesh Youngstorget, Oslo", "Norway", 690, MEETUP),
    ("Grid Futures Conference", "RAI, Amsterdam", "Netherlands", 655, CONFERENCE),
    ("Founders' dinner", "Brutus, Oslo", "Norway", 630, DINNER),
    ("Arctic Startup Days", "Cable Factory, Helsinki", "Finland", 600, CONFERENCE),
    ("Oslo Energy Meetup #17", "Mesh Youngstorget, Oslo", "Norway", 575, MEETUP),
    ("Tidewater Labs alumni dinner", "Smalhans, Oslo", "Norway", 540, DINNER),
    ("Offshore Wind Days", "Grieghallen, Bergen", "Norway", 505, CONFERENCE),
    ("Data for Good hackathon", "Oslo Science Park, Oslo", "Norway", 470, MEETUP),
    ("Climate investors roundtable", "Norrsken House, Stockholm", "Sweden", 440, MEETUP),
    ("Energy Transition Policy Lab", "Résidence Palace, Brussels", "Belgium", 410, CONFERENCE),
    ("Skagerrak Ventures portfolio party", "Aker Brygge, Oslo", "Norway", 380, MEETUP),
    ("Nordic Climate Tech Summit", "Oslo Spektrum, Oslo", "Norway", 347, CONFERENCE),
    ("Oslo Energy Meetup #21", "Mesh Youngstorget, Oslo", "Norway", 320, MEETUP),
    ("Berlin Energy Week", "Kraftwerk, Berlin", "Germany", 290, CONFERENCE),
    ("Board dinner", "Kontrast, Oslo", "Norway", 262, DINNER),
    ("Copenhagen Cleantech Breakfast", "BLOXHUB, Copenhagen", "Denmark", 230, MEETUP),
    ("London Climate Action Week", "Somerset House, London", "United Kingdom", 200, CONFERENCE),
    ("Women in Energy breakfast", "Vulkan, Oslo", "Norway", 170, MEETUP),
    ("Storage Europe Forum", "Messe Düsseldorf, Düsseldorf", "Germany", 140, CONFERENCE),
    ("Oslo Energy Meetup #25", "Mesh Youngstorget, Oslo", "Norway", 110, MEETUP),
    ("Dinner with the Kelpwise team", "Hrimnir Ramen, Oslo", "Norway", 85, DINNER),
    ("Grid Futures Conference", "RAI, Amsterdam", "Netherlands", 60, CONFERENCE),
    ("Python Oslo meetup", "Netlight, Oslo", "Norway", 33, MEETUP),
    ("Oslo Energy Meetup #27", "Mesh Youngstorget, Oslo", "Norway", 12, MEETUP),
]
# How many people of each group the owner talks with at an event of each size (low, high).
ATTENDANCE = {
    CONFERENCE: {"core": (1, 2), "middle": (2, 4), "tail": (3, 5)},
    MEETUP: {"core": (0, 2), "middle": (1, 3), "tail": (1, 2)},
    DINNER: {"core": (1, 3), "middle": (0, 2), "tail": (0, 1)},
}
KIND_WEIGHTS = {
    "core": {
        Kind.IN_PERSON: 20,
        Kind.CALL: 15,
        Kind.VIDEO: 15,
        Kind.MESSAGE: 30,
        Kind.EMAIL: 10,
        Kind.GROUP: 10,
    },
    "middle": {
        Kind.IN_PERSON: 10,
        Kind.CALL: 10,
        Kind.VIDEO: 15,
        Kind.MESSAGE: 30,
        Kind.EMAIL: 20,
        Kind.GROUP: 15,
    },
    "tail": {Kind.MESSAGE: 45, Kind.EMAIL: 30, Kind.GROUP: 25},
}
# Weights for me / them / mutual.
INITIATOR_WEIGHTS_AT_EVENTS = [15, 15, 70]
INITIATOR_WEIGHTS = [45, 35, 20]
NOTES = {
    Kind.IN_PERSON: (
        "Coffee; talked about {topic}",
        "Lunch near the office; mostly {topic}",
        "Long walk along the Akerselva, on {topic}",
        "Dinner at their place; kids, holidays and {topic}",
    ),
    Kind.CALL: (
        "Catch-up call on {topic}",
        "They called for advice on {topic}",
        "Quick call before the intro; {topic}",
    ),
    Kind.VIDEO: (
        "Video call about {topic}",
        "Shared screens on {topic}",
        "Monthly check-in; {topic}",
    ),
    Kind.MESSAGE: (
        "Sent them an article on {topic}",
        "Congratulated them on the new role",
        "Back and forth on {topic}",
        "They asked who to talk to about {topic}",
    ),
    Kind.EMAIL: (
        "Sent the slides on {topic}",
        "Introduced them to a founder working on {topic}",
        "Long email about {topic}",
    ),
    Kind.GROUP: (
        "Thread in the Nordic climate founders group on {topic}",
        "Discussion in the Oslo Energy Meetup Slack about {topic}",
    ),
}
EVENT_NOTES = (
    "Talked about {topic} in the coffee break",
    "Swapped notes on {topic}",
    "Long chat after the panel on {topic}",
    "Sat together at dinner; {topic}",
)
CONTACT_NOTES = (
    "Two kids; runs a marathon every autumn",
    "Prefers Signal to email",
    "Vegetarian; remember when booking dinners",
    "Moving to Singapore next year",
    "Speaks Norwegian but prefers English at work",
    "Sails in Lofoten every summer",
    "Ask about their book on energy markets",
    "Always up for a run before a conference",
)
HOW_WE_MET = {
    "middle": (
        "Introduced by {core}",
        "Reached out after my talk on flexibility markets",
        "Friend of {core}; we met at their birthday",
        "Same founders' Slack group",
        "Worked with them on a tender in 2022",
    ),
    "tail": (
        "Asked for advice on LinkedIn",
        "Replied to my newsletter",
        "Introduced by email by {core}",
    ),
    "never met": (
        "LinkedIn request after a webinar; never met",
        "Connected after a podcast episode",
        "Old LinkedIn connection; can't place them",
        "",
    ),
}
TRANSLITERATION = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l"})


@dataclass
class _Person:
    contact: Contact
    group: str  # "core", "middle" or "tail"
    sector: str
    tags: list[str]
    quiet: bool = False  # nothing in the last QUIET_DAYS
    interactions: list[Interaction] = field(default_factory=list)

    def first_interaction(self) -> Interaction | None:
        return min(self.interactions, key=lambda interaction: interaction.occurred_on, default=None)

    def first_met_at(self) -> Event | None:
        """The event where the owner met this person, if they first met at one."""
        first = self.first_interaction()
        return first.event if first is not None else None

    def last_interaction(self) -> Interaction | None:
        return max(self.interactions, key=lambda interaction: interaction.occurred_on, default=None)


class Command(BaseCommand):
    help = "Create the user demo (password demo) with a believable two-year network to explore."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            user, _ = get_user_model().objects.get_or_create(
                username=USERNAME, defaults={"email": "demo@example.org", "first_name": "Demo"}
            )
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            OwnerSettings.objects.get_or_create(owner=user, defaults={"timezone": TIMEZONE})
            existing = Contact.objects.owned_by(user).count()
            if existing:
                self.stdout.write(
                    f"The demo network is already there ({existing} contacts); left it as it is "
                    f"and reset the password. {LOGIN_HINT}"
                )
                return
            contacts, interactions, events = _seed(user, random.Random(SEED), timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {contacts} contacts, {interactions} interactions, "
                f"{events} events. {LOGIN_HINT}"
            )
        )


def _seed(owner, rng: random.Random, today: datetime.date) -> tuple[int, int, int]:
    """Plan everyone's history in memory, then write it with one bulk insert per table."""
    people = _people(owner, rng)
    events = Event.objects.bulk_create(_event(owner, today, *spec) for spec in EVENTS)
    _meet_at_events(rng, people, events, today)
    _keep_in_touch(rng, people, owner, today)
    _settle(rng, people, today)
    invitations = _invitations(owner, people, today)

    Contact.objects.bulk_create(person.contact for person in people)
    interactions = Interaction.objects.bulk_create(
        interaction for person in people for interaction in person.interactions
    )
    _tag(owner, people)
    Invitation.objects.bulk_create(invitations)
    FollowUp.objects.bulk_create(_follow_ups(owner, interactions, today))
    contacts_refresh_interaction_stats(Contact.objects.owned_by(owner))
    return len(people), len(interactions), len(events)


FOLLOW_UPS = (
    (-3, "Send the intro to the grid storage team they asked for"),
    (0, "Share the notes from our conversation"),
    (6, "Ask how the pilot went"),
)


def _follow_ups(owner, interactions: list[Interaction], today: datetime.date) -> list[FollowUp]:
    """One overdue, one due today, one next week: the dashboard has something waiting."""
    recent = sorted(
        (i for i in interactions if i.kind == Interaction.Kind.IN_PERSON and i.occurred_on < today),
        key=lambda i: (i.occurred_on, i.contact.full_name),
    )[-len(FOLLOW_UPS) :]
    return [
        FollowUp(
            owner=owner,
            contact=interaction.contact,
            interaction=interaction,
            note=note,
            due_on=today + datetime.timedelta(days=days),
        )
        for interaction, (days, note) in zip(recent, FOLLOW_UPS, strict=False)
    ]


def _event(owner, today, name: str, place: str, _country: str, days_ago: int, size: str) -> Event:
    date = today - datetime.timedelta(days=days_ago)
    return Event(
        owner=owner,
        name=f"{name} {date.year}" if size == CONFERENCE else name,
        date=date,
        place=place,
    )


def _people(owner, rng: random.Random) -> list[_Person]:
    plan = [(region, sector, "core", origin, tags) for region, sector, origin, tags in CORE]
    for group, size in (("middle", MIDDLE_SIZE), ("tail", TAIL_SIZE)):
        for _ in range(size):
            region = rng.choices(list(REGIONS), [r.weight for r in REGIONS.values()])[0]
            sector = rng.choices(list(SECTORS), [s.weight for s in SECTORS.values()])[0]
            plan.append((region, sector, group, "", []))

    stances = {
        key: rng.sample(sector.stances, len(sector.stances)) for key, sector in SECTORS.items()
    }
    names: set[str] = set()
    slugs: set[str] = set()
    people = []
    for region_key, sector_key, group, origin, tags in plan:
        region, sector = REGIONS[region_key], SECTORS[sector_key]
        first, last = _unique_name(rng, region, names)
        independent = group != "core" and rng.random() < 0.05
        company = "" if independent else rng.choice(sector.companies.split(", "))
        # Everyone close has a line; in the long tail the owner often never learned one.
        knows_stance = group != "tail" or rng.random() < 0.55
        contact = Contact(
            owner=owner,
            full_name=f"{first} {last}",
            company=company,
            title="Independent consultant"
            if independent
            else rng.choice(sector.titles.split(", ")),
            location=rng.choice(region.locations.split("; ")),
            stands_for=stances[sector_key].pop() if knows_stance and stances[sector_key] else "",
            how_we_met=origin,
            email=_email(rng, first, last, company) if rng.random() < 0.6 else "",
            phone=_phone(rng, region.phone_code) if rng.random() < 0.3 else "",
            linkedin_url=_linkedin_url(rng, first, last, slugs) if rng.random() < 0.88 else "",
        )
        quiet = group == "middle" and rng.random() < 0.25
        people.append(_Person(contact, group, sector_key, list(tags), quiet))
    return people


def _unique_name(rng: random.Random, region: Region, taken: set[str]) -> tuple[str, str]:
    while True:
        first = rng.choice(region.first_names.split(", "))
        last = rng.choice(region.last_names.split(", "))
        if f"{first} {last}" not in taken:
            taken.add(f"{first} {last}")
            return first, last


def _ascii(text: str) -> str:
    return slugify(text.translate(TRANSLITERATION)).replace("-", "")


def _email(rng: random.Random, first: str, last: str, company: str) -> str:
    first, last = _ascii(first), _ascii(last)
    local = rng.choice([f"{first}.{last}", first, f"{first[0]}{last}"])
    return f"{local}@{_ascii(company) if company else 'mail'}.example"


def _phone(rng: random.Random, code: str) -> str:
    return f"{code} {rng.randint(200, 999)} {rng.randint(10, 99)} {rng.randint(100, 999)}"


def _linkedin_url(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    """A canonical profile address; like LinkedIn, most slugs carry a random suffix."""
    base = slugify(f"{first} {last}".translate(TRANSLITERATION))
    slug = base if rng.random() < 0.4 else f"{base}-{rng.getrandbits(32):08x}"
    while slug in taken:
        slug = f"{base}-{rng.getrandbits(32):08x}"
    taken.add(slug)
    return f"https://www.linkedin.com/in/{slug}"


def _pick(rng: random.Random, candidates: list, weights: list[int], count: int) -> list:
    """Up to count distinct candidates, drawn by weight."""
    candidates, weights, chosen = list(candidates), list(weights), []
    while candidates and len(chosen) < count:
        index = rng.choices(range(len(candidates)), weights)[0]
        chosen.append(candidates.pop(index))
        weights.pop(index)
    return chosen


def _note(rng: random.Random, templates: tuple[str, ...], person: _Person, chance: float) -> str:
    if rng.random() >= chance:
        return ""
    return rng.choice(templates).format(topic=rng.choice(SECTORS[person.sector].topics.split(", ")))


def _meet_at_events(
    rng: random.Random, people: list[_Person], events: list[Event], today: datetime.date
) -> None:
    """One in-person interaction per person the owner talked with at each event.

    People from the event's country are likelier to be there; the long tail is met only once.
    """
    quiet_since = today - datetime.timedelta(days=QUIET_DAYS)
    for event, (_name, _place, country, _days_ago, size) in zip(events, EVENTS, strict=True):
        for group, (low, high) in ATTENDANCE[size].items():
            candidates = [
                person
                for person in people
                if person.group == group
                and not (group == "tail" and person.interactions)
                and not (person.quiet and event.date > quiet_since)
            ]
            weights = [
                4 if person.contact.location.endswith(country) else 1 for person in candidates
            ]
            for person in _pick(rng, candidates, weights, rng.randint(low, high)):
                person.interactions.append(
                    Interaction(
                        owner=event.owner,
                        contact=person.contact,
                        event=event,
                        occurred_on=event.date,
                        kind=Kind.IN_PERSON,
                        initiated_by=rng.choices(list(Initiator), INITIATOR_WEIGHTS_AT_EVENTS)[0],
                        note=_note(rng, EVENT_NOTES, person, 0.4),
                    )
                )


def _keep_in_touch(rng: random.Random, people: list[_Person], owner, today: datetime.date) -> None:
    """Calls, video calls, messages, emails, group threads and coffees, by closeness."""
    never_met = [person for person in people if person.group == "tail" and not person.interactions]
    heard_from = {id(person) for person in never_met[: len(never_met) // 2]}
    for person in people:
        if person.group == "core":
            # Close people are never quiet for long: something in the last fortnight.
            count = rng.randint(18, 32)
            days_ago = [rng.randint(0, 14)] + [rng.randint(0, DAYS - 1) for _ in range(count)]
        elif person.quiet:
            days_ago = [rng.randint(QUIET_DAYS, DAYS - 1) for _ in range(rng.randint(1, 4))]
        elif person.group == "middle":
            days_ago = [rng.randint(0, DAYS - 1) for _ in range(rng.randint(2, 9))]
        elif person.interactions:
            # Met once at an event; a third of them got a follow-up within ten days.
            met_days_ago = (today - person.interactions[0].occurred_on).days
            days_ago = [max(met_days_ago - rng.randint(1, 10), 0)] if rng.random() < 0.35 else []
        elif id(person) in heard_from:
            days_ago = [rng.randint(0, DAYS - 1) for _ in range(rng.randint(1, 2))]
        else:
            days_ago = []
        weights = KIND_WEIGHTS[person.group]
        for ago in days_ago:
            kind = rng.choices(list(weights), list(weights.values()))[0]
            person.interactions.append(
                Interaction(
                    owner=owner,
                    contact=person.contact,
                    occurred_on=today - datetime.timedelta(days=ago),
                    kind=kind,
                    initiated_by=rng.choices(list(Initiator), INITIATOR_WEIGHTS)[0],
                    note=_note(rng, NOTES[kind], person, 0.3),
                )
            )


def _settle(rng: random.Random, people: list[_Person], today: datetime.date) -> None:
    """How we met, LinkedIn state, closeness, notes and archiving, consistent with the history."""
    core_names = [person.contact.full_name for person in people if person.group == "core"]
    for person in people:
        contact, first = person.contact, person.first_interaction()
        if person.group != "core":
            if person.first_met_at() is not None:
                contact.how_we_met = f"Met at {person.first_met_at().name}"
            elif person.group == "middle" and rng.random() < 0.2:
                contact.how_we_met = "Former colleague at Tidewater Labs"
                person.tags.append("former colleagues")
            else:
                origins = HOW_WE_MET["never met" if first is None else person.group]
                contact.how_we_met = rng.choice(origins).format(core=rng.choice(core_names))

        if not contact.linkedin_url:
            contact.linkedin_status = Status.NOT_CONNECTED
        elif person.group == "core":
            contact.linkedin_status = Status.CONNECTED
            contact.connected_on = today - datetime.timedelta(days=rng.randint(DAYS + 100, 3000))
        else:
            contact.linkedin_status = rng.choices(
                [Status.CONNECTED, Status.NOT_CONNECTED, Status.INVITED, Status.REMOVED],
                [80, 12, 6, 2],
            )[0]
        if contact.linkedin_status == Status.CONNECTED and contact.connected_on is None:
            contact.connected_on = (
                min(first.occurred_on + datetime.timedelta(days=rng.randint(0, 10)), today)
                if first is not None
                else today - datetime.timedelta(days=rng.randint(60, 2400))
            )

        if person.group == "core":
            contact.closeness = rng.choice([Contact.Closeness.CLOSE, Contact.Closeness.VERY_CLOSE])
        elif person.group == "middle" and rng.random() < 0.5:
            contact.closeness = rng.randint(2, 4)
        elif person.group == "tail" and rng.random() < 0.15:
            contact.closeness = rng.randint(1, 2)
        if rng.random() < (0.5 if person.group == "core" else 0.05):
            contact.notes = rng.choice(CONTACT_NOTES)

    # The owner has already let go of a few people never met, or not heard from in over a year.
    long_ago = today - datetime.timedelta(days=QUIET_DAYS)
    let_go = [
        person
        for person in people
        if person.group == "tail"
        and (not person.interactions or person.last_interaction().occurred_on < long_ago)
    ]
    for person in rng.sample(let_go, 4):
        person.contact.is_archived = True


def _tag(owner, people: list[_Person]) -> None:
    for person in people:
        contact = person.contact
        if SECTORS[person.sector].tag:
            person.tags.append(SECTORS[person.sector].tag)
        if contact.location.startswith("Oslo"):
            person.tags.append("Oslo")
        if "founder" in contact.title.lower():
            person.tags.append("founders")
    names = sorted({name for person in people for name in person.tags})
    tags = Tag.objects.bulk_create(Tag(owner=owner, name=name) for name in names)
    tag_ids = {tag.name: tag.pk for tag in tags}
    Contact.tags.through.objects.bulk_create(
        Contact.tags.through(contact_id=person.contact.pk, tag_id=tag_ids[name])
        for person in people
        for name in dict.fromkeys(person.tags)
    )


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(TIMEZONE))


def _invitations(owner, people: list[_Person], today: datetime.date) -> list[Invitation]:
    """Six incoming invitations waiting for the weekly review and three already decided.

    The contacts behind the linked ones are made not connected (or connected on the day
    the owner accepted), so the invitation and the contact tell the same story.
    """

    def days_ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    def linked(person: _Person, **fields) -> Invitation:
        contact = person.contact
        return Invitation(
            owner=owner,
            contact=contact,
            name=contact.full_name,
            headline=f"{contact.title} at {contact.company}" if contact.company else contact.title,
            profile_url=contact.linkedin_url,
            **fields,
        )

    def stranger(name: str, slug: str, **fields) -> Invitation:
        return Invitation(
            owner=owner, name=name, profile_url=f"https://www.linkedin.com/in/{slug}", **fields
        )

    # Long-tail people met at an event, most recent meeting first.
    met_at_events = sorted(
        (
            person
            for person in people
            if person.group == "tail"
            and person.contact.linkedin_url
            and not person.contact.is_archived
            and person.first_met_at() is not None
        ),
        key=lambda person: person.first_met_at().date,
        reverse=True,
    )
    just_met = met_at_events[0]
    accepted = next(p for p in met_at_events if p.first_met_at().date < days_ago(30))
    pen_friend = next(
        person
        for person in people
        if person.group == "middle"
        and not person.quiet
        and person.contact.linkedin_url
        and person.first_met_at() is None
    )
    for person in (just_met, pen_friend):
        person.contact.linkedin_status = Status.NOT_CONNECTED
        person.contact.connected_on = None
    just_met_at = just_met.first_met_at()
    accepted_met_at = accepted.first_met_at()
    accepted_sent = accepted_met_at.date + datetime.timedelta(days=1)
    accepted_decided = accepted_sent + datetime.timedelta(days=3)
    accepted.contact.linkedin_status = Status.CONNECTED
    accepted.contact.connected_on = accepted_decided

    return [
        linked(
            just_met,
            message=f"Great talking at {just_met_at.name}! Would love to stay in touch.",
            sent_at=_at(just_met_at.date + datetime.timedelta(days=1), 8, 14),
        ),
        linked(
            pen_friend,
            message="Thanks for all the back and forth this year; connecting here as well.",
            sent_at=_at(days_ago(5), 21, 3),
        ),
        stranger(
            "Brandon Miller",
            "brandon-miller-growth",
            headline="Growth hacker | I help climate startups 3x their outbound pipeline",
            message="Hi! Loved your profile. Open to a quick 15-minute chat this week?",
            sent_at=_at(days_ago(2), 10, 41),
        ),
        stranger(
            "Sofie Lund",
            "sofie-lund-energy",
            headline="MSc student in Energy Systems at NTNU",
            message=(
                "Hi! I'm writing my thesis on flexibility markets and found your talk at the "
                "Oslo Energy Meetup really useful. Could I ask you two questions?"
            ),
            sent_at=_at(days_ago(9), 13, 27),
        ),
        stranger(
            "Rahul Verma",
            "rahul-verma-talent",
            headline="Senior Technical Recruiter at TalentBridge",
            sent_at=_at(days_ago(17), 9, 2),
        ),
        stranger(
            "Henrik Aas",
            "henrik-aas",
            headline="Head of Trading at Fjordmark Energi",
            message=(
                "We were both on the speaker list at Storage Europe Forum but never got to "
                "talk. Would be good to connect."
            ),
            sent_at=_at(days_ago(24), 16, 50),
        ),
        linked(
            accepted,
            message=f"Nice meeting you at {accepted_met_at.name}!",
            sent_at=_at(accepted_sent, 7, 45),
            status=Invitation.Status.ACCEPTED,
            decided_at=_at(accepted_decided, 20, 12),
            decision_note=f"Met in person at {accepted_met_at.name}.",
        ),
        stranger(
            "Max Sterling",
            "max-sterling-web3",
            headline="Founder at TokenGrid | Web3 x Energy | Building the future of the kWh",
            message="Let's revolutionise energy together. I have an opportunity for you.",
            sent_at=_at(days_ago(50), 23, 18),
            status=Invitation.Status.DECLINED,
            decided_at=_at(days_ago(47), 19, 30),
            decision_note="Never met or talked; declined politely.",
        ),
        stranger(
            "Laura Chen",
            "laura-chen-recruiting",
            headline="Talent partner at Evergreen Search",
            sent_at=_at(days_ago(72), 11, 5),
            status=Invitation.Status.DECLINED,
            decided_at=_at(days_ago(68), 18, 44),
            decision_note="Recruiter; never met.",
        ),
    ]
