"""Common English given-name variants mapped to one formal name.

Identity compares `first_name_canonical` (the formal name a variant stands for)
so that "Bill Smith" and "William Smith" reach the nickname comparison level
instead of "different first names". Each variant maps to exactly one formal name
(the most common one in the US) so the mapping never chains two formal names
together: "Steve" becomes "steven", while "Stephen" stays "stephen" and is caught
by the Jaro-Winkler level instead. Keys and values are standardized (lower case,
letters only), the same shape `standardize` gives names.

The list is a general one (public nickname tables), not derived from the
synthetic generator, so accuracy figures are not flattered by it.
"""

from __future__ import annotations

_GROUPS: dict[str, tuple[str, ...]] = {
    "abigail": ("abby", "abbie", "gail"),
    "abraham": ("abe",),
    "albert": ("al", "bert", "bertie"),
    "alexander": ("alex", "alec", "xander", "sasha", "lex"),
    "alexandra": ("alexa", "sandra", "lexi", "lexie"),
    "alfred": ("alf", "alfie", "fred"),
    "allison": ("ally", "allie"),
    "amanda": ("mandy", "manda"),
    "andrew": ("andy", "drew"),
    "angela": ("angie",),
    "anthony": ("tony", "ant"),
    "arthur": ("art", "artie"),
    "barbara": ("barb", "babs", "barbie"),
    "benjamin": ("ben", "benny", "benji"),
    "bernard": ("bernie",),
    "bradley": ("brad",),
    "calvin": ("cal",),
    "catherine": ("cathy", "cat", "kate", "katie", "kathy", "cate"),
    "charles": ("charlie", "chuck", "chas", "chaz"),
    "charlotte": ("lottie", "charlie"),
    "christina": ("tina", "chrissy"),
    "christine": ("chris", "chrissie"),
    "christopher": ("kit", "topher", "cris"),
    "clifford": ("cliff",),
    "cynthia": ("cindy",),
    "daniel": ("dan", "danny"),
    "danielle": ("dani",),
    "david": ("dave", "davey", "davy"),
    "deborah": ("debbie", "deb", "debra"),
    "dennis": ("denny",),
    "donald": ("don", "donnie", "donny"),
    "dorothy": ("dot", "dottie", "dolly"),
    "douglas": ("doug",),
    "edward": ("ed", "eddie", "eddy", "ned"),
    "elizabeth": ("liz", "lizzie", "beth", "betty", "eliza", "libby", "betsy", "liza"),
    "eleanor": ("ellie", "nell"),
    "emily": ("em", "emmy", "millie"),
    "eugene": ("gene",),
    "florence": ("flo",),
    "frances": ("fran", "frannie"),
    "francis": ("frank", "frankie"),
    "frederick": ("freddie", "freddy", "fritz"),
    "gabriel": ("gabe",),
    "gerald": ("gerry", "jerry"),
    "gregory": ("greg",),
    "harold": ("hal",),
    "henry": ("hank", "harry", "hal"),
    "herbert": ("herb", "bert"),
    "isabella": ("bella", "izzy", "isabel"),
    "jacob": ("jake", "jakey"),
    "james": ("jim", "jimmy", "jamie", "jimbo"),
    "janet": ("jan",),
    "jeffrey": ("jeff",),
    "jennifer": ("jen", "jenny", "jenn"),
    "jessica": ("jess", "jessie"),
    "john": ("jack", "johnny", "jon"),
    "jonathan": ("jonny",),
    "joseph": ("joe", "joey", "jo"),
    "joshua": ("josh",),
    "judith": ("judy", "jude"),
    "katherine": ("kat", "kathryn", "kay", "kit", "kitty"),
    "kenneth": ("ken", "kenny"),
    "kimberly": ("kim", "kimmy"),
    "lawrence": ("larry", "laurie"),
    "leonard": ("len", "lenny", "leo"),
    "louis": ("lou", "louie"),
    "margaret": ("maggie", "meg", "peggy", "marge", "madge", "greta", "margie"),
    "martha": ("marty", "mattie"),
    "matthew": ("matt", "matty"),
    "melissa": ("mel", "missy", "lissa"),
    "michael": ("mike", "mikey", "mick", "mickey", "mich"),
    "mitchell": ("mitch",),
    "nathaniel": ("nate", "nat", "nathan"),
    "nicholas": ("nick", "nicky", "nico"),
    "nicole": ("nikki", "nicky"),
    "oliver": ("ollie",),
    "pamela": ("pam",),
    "patricia": ("patty", "pattie", "trish", "tricia", "patsy"),
    "patrick": ("pat", "paddy"),
    "peter": ("pete",),
    "philip": ("phil", "pip"),
    "phillip": ("phil",),
    "rebecca": ("becky", "becca", "reba"),
    "randall": ("randy",),
    "raymond": ("ray",),
    "richard": ("rick", "rich", "dick", "ricky", "richie", "rico"),
    "robert": ("bob", "rob", "bobby", "robbie", "bert"),
    "ronald": ("ron", "ronnie", "ronny"),
    "russell": ("russ", "rusty"),
    "samantha": ("sammie",),
    "samuel": ("sam", "sammy"),
    "sandra": ("sandy", "sandi"),
    "stanley": ("stan",),
    "stephanie": ("steph", "stevie"),
    "steven": ("steve", "stevie"),
    "susan": ("sue", "susie", "suzy", "suzanne"),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy", "thom"),
    "timothy": ("tim", "timmy"),
    "valerie": ("val",),
    "victoria": ("vicky", "vickie", "tori", "vic"),
    "vincent": ("vince", "vinny", "vinnie"),
    "virginia": ("ginny", "ginger"),
    "walter": ("walt", "wally"),
    "william": ("bill", "will", "billy", "willy", "willie", "liam"),
    "zachary": ("zach", "zack", "zac"),
}


def nickname_rows() -> list[tuple[str, str]]:
    """`(name, formal)` pairs: every variant and every formal name (mapped to itself).

    A variant listed under several formal names keeps the first (alphabetical) one, so
    the mapping is a function; formal names always map to themselves.
    """
    mapping: dict[str, str] = {formal: formal for formal in _GROUPS}
    for formal in sorted(_GROUPS):
        for variant in _GROUPS[formal]:
            mapping.setdefault(variant, formal)
    return sorted(mapping.items())
