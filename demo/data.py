"""The demo network's tables: who the demo owner knows, where they met, what they talk about.

The code that turns these into people, events and interactions is the seed_demo command.
"""

from typing import NamedTuple

from interactions.models import Interaction
from network.models import Contact

USERNAME = "demo"
PASSWORD = "demo"
TIMEZONE = "Europe/Oslo"
SEED = 1729
DAYS = 730
QUIET_DAYS = 400
# The address is make run's to print: it knows the port.
LOGIN_HINT = "Log in as demo / demo"

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

FOLLOW_UPS = (
    (-3, "Send the intro to the grid storage team they asked for"),
    (0, "Share the notes from our conversation"),
    (6, "Ask how the pilot went"),
)

# Recall checks: the owner has run short sessions for the last ten weeks, on about three days
# in seven, before work; some of each group was checked, the close core most of all.
RECALL_DAYS = 70
RECALL_SESSION_CHANCE = 0.45
RECALL_SESSION_HOURS = (7, 8, 21)
RECALL_CHECKED_SHARE = {"core": 0.8, "middle": 0.55, "tail": 0.3}
# How well the owner knows a person, by group: weights for No idea, Vaguely, Yes, Instantly.
# Each answer is the person's usual one, or one step off it now and then.
RECALL_GRIP_WEIGHTS = {
    "core": [0, 0, 30, 70],
    "middle": [10, 22, 50, 18],
    "tail": [40, 30, 25, 5],
}
RECALL_OFF_BY_ONE = 0.25
# Seeing the answer side after a miss teaches: the next check of that person goes a step
# better this often.
RECALL_LEARNS = 0.2
# A close friend the owner has not seen or heard from for months, and one a month overdue
# (indices into CORE): the drifting ties the dashboard names.
CORE_DRIFTING = {8: 200, 5: 45}
