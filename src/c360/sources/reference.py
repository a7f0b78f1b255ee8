"""Small embedded vocabularies the generator samples from (names, places, merchants, ...).

Kept as plain Python data so generation needs no network, no Faker and no data files,
and so the same seed yields the same people on every machine. Lists are ordered by
rough US frequency: samplers weight earlier entries higher (Zipf-like), which gives
realistic collisions (many Smiths, few Okonkwos). A few names carry accents or
apostrophes on purpose: they exercise UTF-8 handling and ASCII folding downstream.
"""

from __future__ import annotations

# Data tables stay compact: exclude them from the formatter.
# fmt: off

MALE_FIRST_NAMES: tuple[str, ...] = (
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
    "Christopher", "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven",
    "Andrew", "Paul", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald",
    "Jason", "Edward", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan",
    "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory",
    "Alexander", "Patrick", "Frank", "Raymond", "Jack", "Dennis", "Jerry", "Tyler", "Aaron",
    "Jose", "Adam", "Nathan", "Henry", "Zachary", "Douglas", "Peter", "Kyle", "Noah",
    "Ethan", "Jeremy", "Walter", "Christian", "Keith", "Roger", "Terry", "Austin", "Sean",
    "Gerald", "Carl", "Harold", "Dylan", "Arthur", "Lawrence", "Jordan", "Jesse", "Bryan",
    "Billy", "Bruce", "Gabriel", "Joe", "Logan", "Alan", "Juan", "Albert", "Willie", "Elijah",
    "Wayne", "Randy", "Vincent", "Mason", "Roy", "Ralph", "Bobby", "Russell", "Bradley",
    "Philip", "Eugene", "Louis", "Harry", "Howard", "Johnny", "Liam", "Leonard", "Frederick",
    "Theodore", "Lucas", "Oliver", "Carlos", "Luis", "Victor", "Martin", "Ernest", "Phillip",
    "Todd", "Craig", "Alan", "Shawn", "Clarence", "Sean", "Chad", "Travis", "Jimmy",
    "Nathaniel", "Randall", "Stanley", "Leo", "Marcus", "Derek", "Curtis", "Hector", "Ricardo",
    "Miguel", "Antonio", "Manuel", "Francisco", "Javier", "Omar", "Hassan", "Ahmed", "Wei",
    "Hiroshi", "Raj", "Arjun", "Vikram", "Dmitri", "Ivan", "Andre", "René", "José", "Mateo",
    "Santiago", "Diego", "Kwame", "Chidi", "Tariq", "Yusuf", "Kenji", "Min-jun", "Sung",
    "Pierre", "Lars", "Sven", "Björn", "Connor", "Declan", "Finn", "Owen", "Caleb", "Isaac",
    "Levi", "Hunter", "Wyatt", "Grayson", "Julian", "Miles", "Silas", "Everett", "Jasper",
)

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica",
    "Sarah", "Karen", "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly",
    "Emily", "Donna", "Michelle", "Carol", "Amanda", "Dorothy", "Melissa", "Deborah",
    "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia", "Kathleen", "Amy", "Angela",
    "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen", "Samantha",
    "Katherine", "Christine", "Debra", "Rachel", "Carolyn", "Janet", "Catherine", "Maria",
    "Heather", "Diane", "Ruth", "Julie", "Olivia", "Joyce", "Virginia", "Victoria", "Kelly",
    "Lauren", "Christina", "Joan", "Evelyn", "Judith", "Megan", "Andrea", "Cheryl", "Hannah",
    "Jacqueline", "Martha", "Gloria", "Teresa", "Ann", "Sara", "Madison", "Frances",
    "Kathryn", "Janice", "Jean", "Abigail", "Alice", "Julia", "Judy", "Sophia", "Grace",
    "Denise", "Amber", "Doris", "Marilyn", "Danielle", "Beverly", "Isabella", "Theresa",
    "Diana", "Natalie", "Brittany", "Charlotte", "Marie", "Kayla", "Alexis", "Lori",
    "Alexandra", "Allison", "Valerie", "Cassandra", "Gabrielle", "Jacqueline", "Eleanor",
    "Josephine", "Caroline", "Penelope", "Vanessa", "Tiffany", "Erin", "Monica", "Rose",
    "Sofia", "Camila", "Lucia", "Valentina", "Ximena", "Guadalupe", "Carmen", "Rosa",
    "Priya", "Ananya", "Aisha", "Fatima", "Mei", "Yuki", "Sakura", "Ji-woo", "Olga",
    "Svetlana", "Ingrid", "Astrid", "Chloé", "Zoë", "Renée", "Amélie", "Nadia", "Leila",
    "Amara", "Ngozi", "Chiara", "Giulia", "Siobhan", "Aoife", "Mia", "Harper", "Ava",
    "Scarlett", "Aria", "Luna", "Layla", "Nora", "Hazel", "Violet", "Stella", "Ellie",
    "Paisley", "Savannah", "Brooklyn", "Claire", "Skylar", "Lucy", "Audrey", "Naomi",
    "Ruby", "Ivy", "Piper", "Quinn", "Willow", "Autumn", "Faith", "Hope", "Joy", "Wendy",
)

# Formal first name -> nicknames people use for it in forms, calls and app sign-ups.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy", "Liam"),
    "Robert": ("Bob", "Rob", "Bobby", "Robbie"),
    "Richard": ("Rick", "Rich", "Dick", "Ricky"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "John": ("Jack", "Johnny"),
    "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"),
    "Charles": ("Charlie", "Chuck"),
    "Christopher": ("Chris", "Topher"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Michael": ("Mike", "Mikey"),
    "David": ("Dave", "Davey"),
    "Steven": ("Steve",),
    "Stephen": ("Steve",),
    "Andrew": ("Andy", "Drew"),
    "Joshua": ("Josh",),
    "Kenneth": ("Ken", "Kenny"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Benjamin": ("Ben", "Benny"),
    "Samuel": ("Sam", "Sammy"),
    "Nicholas": ("Nick", "Nicky"),
    "Alexander": ("Alex", "Xander"),
    "Jonathan": ("Jon",),
    "Timothy": ("Tim", "Timmy"),
    "Gregory": ("Greg",),
    "Patrick": ("Pat", "Paddy"),
    "Peter": ("Pete",),
    "Raymond": ("Ray",),
    "Gerald": ("Gerry", "Jerry"),
    "Lawrence": ("Larry",),
    "Frederick": ("Fred", "Freddie"),
    "Albert": ("Al", "Bert"),
    "Donald": ("Don", "Donnie"),
    "Ronald": ("Ron", "Ronnie"),
    "Douglas": ("Doug",),
    "Zachary": ("Zach",),
    "Nathaniel": ("Nate", "Nat"),
    "Nathan": ("Nate",),
    "Jeffrey": ("Jeff",),
    "Leonard": ("Len", "Leo"),
    "Harold": ("Harry", "Hal"),
    "Henry": ("Hank", "Harry"),
    "Vincent": ("Vince", "Vinny"),
    "Walter": ("Walt", "Wally"),
    "Eugene": ("Gene",),
    "Theodore": ("Ted", "Teddy", "Theo"),
    "Philip": ("Phil",),
    "Phillip": ("Phil",),
    "Randall": ("Randy",),
    "Gabriel": ("Gabe",),
    "Jacob": ("Jake",),
    "Bradley": ("Brad",),
    "Russell": ("Russ",),
    "Stanley": ("Stan",),
    "Frank": ("Frankie",),
    "Francisco": ("Paco", "Frank"),
    "Manuel": ("Manny",),
    "Santiago": ("Santi",),
    "Elizabeth": ("Liz", "Beth", "Betty", "Eliza", "Lizzie"),
    "Margaret": ("Maggie", "Meg", "Peggy"),
    "Katherine": ("Kate", "Kathy", "Katie"),
    "Catherine": ("Cathy", "Kate"),
    "Kathleen": ("Kathy", "Kath"),
    "Kathryn": ("Kate", "Kathy"),
    "Jennifer": ("Jen", "Jenny"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Deb", "Debbie"),
    "Debra": ("Deb", "Debbie"),
    "Rebecca": ("Becky", "Becca"),
    "Jessica": ("Jess", "Jessie"),
    "Christine": ("Chris", "Chrissy"),
    "Christina": ("Tina", "Chris"),
    "Kimberly": ("Kim",),
    "Samantha": ("Sam", "Sammie"),
    "Victoria": ("Vicky", "Tori"),
    "Alexandra": ("Alex", "Lexi"),
    "Abigail": ("Abby",),
    "Barbara": ("Barb", "Barbie"),
    "Dorothy": ("Dot", "Dottie"),
    "Judith": ("Judy",),
    "Pamela": ("Pam",),
    "Cynthia": ("Cindy",),
    "Theresa": ("Terry", "Tess"),
    "Teresa": ("Terry", "Tess"),
    "Jacqueline": ("Jackie",),
    "Stephanie": ("Steph",),
    "Madison": ("Maddie",),
    "Olivia": ("Liv",),
    "Amanda": ("Mandy",),
    "Melissa": ("Missy", "Mel"),
    "Frances": ("Fran",),
    "Virginia": ("Ginny",),
    "Cassandra": ("Cassie",),
    "Gabrielle": ("Gabby",),
    "Allison": ("Allie",),
    "Valerie": ("Val",),
    "Angela": ("Angie",),
    "Sandra": ("Sandy",),
    "Penelope": ("Penny",),
    "Eleanor": ("Ellie", "Nora"),
    "Josephine": ("Jo", "Josie"),
    "Caroline": ("Carrie",),
    "Carolyn": ("Carrie",),
    "Natalie": ("Nat",),
    "Danielle": ("Dani",),
    "Beverly": ("Bev",),
    "Janet": ("Jan",),
    "Evelyn": ("Evie",),
    "Isabella": ("Bella", "Izzy"),
    "Sophia": ("Sophie",),
    "Guadalupe": ("Lupe",),
}

SURNAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
    "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
    "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams",
    "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez",
    "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
    "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz",
    "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim",
    "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett",
    "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo", "Sanders", "Patel",
    "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry", "Russell",
    "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Gonzales", "Fisher",
    "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton",
    "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant",
    "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford",
    "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
    "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb",
    "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter",
    "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Muñoz", "Hunt",
    "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone",
    "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels",
    "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne",
    "Grant", "Dunn", "Kelley", "Spencer", "Hawkins", "Arnold", "Pierce", "Vazquez",
    "Hansen", "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott", "Cunningham",
    "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Alvarado",
    "Ray", "Delgado", "Berry", "Perkins", "Hoffman", "Johnston", "Matthews", "Peña",
    "Richards", "Contreras", "Willis", "Carpenter", "Lawrence", "Sandoval", "Guerrero",
    "George", "Chapman", "Rios", "Estrada", "Ortega", "Watkins", "Greene", "Nunez",
    "Wheeler", "Valdez", "Harper", "Burke", "Larson", "Santiago", "Maldonado", "Morrison",
    "Franklin", "Carlson", "Austin", "Dominguez", "Carr", "Lawson", "Jacobs", "O'Brien",
    "Lynch", "Singh", "Vega", "Bishop", "Montgomery", "Oliver", "Jensen", "Harvey",
    "Williamson", "Gilbert", "Dean", "Sims", "Espinoza", "Howell", "Li", "Wong", "Reid",
    "Hanson", "Le", "McCoy", "Garrett", "Burton", "Fuller", "Wang", "Weber", "Welch",
    "Rojas", "Lucas", "Marquez", "Fields", "Park", "Yang", "Little", "Banks", "Padilla",
    "Day", "Walsh", "Bowman", "Schultz", "Luna", "Fowler", "Mejia", "Davidson", "Acosta",
    "Brewer", "May", "Holland", "Juarez", "Newman", "Pearson", "Curtis", "Cortez",
    "Douglas", "Schneider", "Joseph", "Barrett", "Navarro", "Figueroa", "Keller", "Ávila",
    "Wade", "Molina", "Stanley", "Hopkins", "Campos", "Barnett", "Bates", "Chambers",
    "Caldwell", "Beck", "Lambert", "Miranda", "Byrd", "Craig", "Ayala", "Lowe", "Frazier",
    "Powers", "Neal", "Leonard", "Gregory", "Carrillo", "Sutton", "Fleming", "Rhodes",
    "Shelton", "Schwartz", "Norris", "Jennings", "Watts", "Duran", "Walters", "Cohen",
    "McDaniel", "Moran", "Parks", "Steele", "Vaughn", "Becker", "Holt", "DeLeon", "Barker",
    "Terry", "Hale", "Leon", "Hail", "Benson", "Haynes", "Horton", "Miles", "Lyons", "Pham",
    "Graves", "Bush", "Thornton", "Wolfe", "Warner", "Cabrera", "McKinney", "Mann",
    "Zimmerman", "Dawson", "Lara", "Fletcher", "Page", "McCarthy", "Love", "Robles",
    "Cervantes", "Solis", "Erickson", "Reeves", "Chang", "Klein", "Salinas", "Fuentes",
    "Baldwin", "Daniel", "Simon", "Velasquez", "Hardy", "Higgins", "Aguirre", "Lin",
    "Cummings", "Chandler", "Sharp", "Barber", "Bowen", "Ochoa", "Dennis", "Robbins",
    "Liu", "Ramsey", "Francis", "Griffith", "Paul", "Blair", "O'Connor", "Cardenas",
    "Pacheco", "Cross", "Calderon", "Quinn", "Moss", "Swanson", "Chan", "Rivas", "Khan",
    "Rodgers", "Serrano", "Fitzgerald", "Rosales", "Stevenson", "Christensen", "Manning",
    "Gill", "Curry", "McLaughlin", "Harmon", "McGee", "Gross", "Doyle", "Garner", "Newton",
    "Burgess", "Reese", "Walton", "Blake", "Trujillo", "Adkins", "Brady", "Goodman",
    "Roman", "Webster", "Goodwin", "Fischer", "Huang", "Potter", "Delacruz", "Montoya",
    "Todd", "Wu", "Hines", "Mullins", "Castaneda", "Malone", "Cannon", "Tate", "Mack",
    "Sherman", "Hubbard", "Hodges", "Zhang", "Guerra", "Wolf", "Valencia", "Saunders",
    "Franco", "Rowe", "Gallagher", "Farmer", "Hammond", "Hampton", "Townsend", "Ingram",
    "Wise", "Gallegos", "Clarke", "Barton", "Schroeder", "Maxwell", "Waters", "Logan",
    "Camacho", "Strickland", "Norman", "Person", "Colon", "Parsons", "Frank", "Harrington",
    "Glover", "Osborne", "Buchanan", "Casey", "Floyd", "Patton", "Ibarra", "Ball", "Tyler",
    "Suarez", "Bowers", "Orozco", "Salas", "Cobb", "Gibbs", "Andrade", "Bauer", "Conner",
    "Moody", "Escobar", "McGuire", "Lloyd", "Mueller", "Hartman", "French", "Kramer",
    "McBride", "Pope", "Lindsey", "Velazquez", "Norton", "McCormick", "Sparks", "Flynn",
    "Yates", "Hogan", "Marsh", "Macias", "Villanueva", "Zamora", "Pratt", "Stokes", "Owen",
    "Ballard", "Lang", "Brock", "Villarreal", "Charles", "Drake", "Barrera", "Cain",
    "Patrick", "Piñeda", "Burnett", "Mercado", "Santana", "Shepherd", "Bautista", "Ali",
    "Shaffer", "Lamb", "Trevino", "McKenzie", "Hess", "Beil", "Olsen", "Cochran", "Morton",
    "Nash", "Wilkins", "Petersen", "Briggs", "Shah", "Roth", "Nicholson", "Holloway",
    "Lozano", "Rangel", "Flowers", "Hoover", "Short", "Arias", "Mora", "Valenzuela",
    "Bryan", "Meyers", "Weiss", "Underwood", "Bass", "Greer", "Summers", "Houston",
    "Carson", "Morrow", "Clayton", "Whitaker", "Decker", "Yoder", "Collier", "Zuniga",
    "Carey", "Wilcox", "Melendez", "Poole", "Roberson", "Larsen", "Conley", "Davenport",
    "Copeland", "Massey", "Lam", "Huff", "Rocha", "Cameron", "Jefferson", "Hood", "Monroe",
    "Anthony", "Pittman", "Huynh", "Randall", "Singleton", "Kirk", "Combs", "Mathis",
    "Christian", "Skinner", "Bradford", "Richard", "Galvan", "Wall", "Boone", "Kirby",
    "Wilkinson", "Bridges", "Bruce", "Atkinson", "Velez", "Meza", "Roy", "Vincent", "York",
    "Hodge", "Villa", "Abbott", "Allison", "Tapia", "Gates", "Chase", "Sosa", "Sweeney",
    "Farrell", "Wyatt", "Dalton", "Horn", "Barron", "Phelps", "Yu", "Dickerson", "Heath",
    "Foley", "Atkins", "Mathews", "Bonilla", "Acevedo", "Benitez", "Zavala", "Hensley",
    "Glenn", "Cisneros", "Harrell", "Shields", "Rubio", "Huffman", "Choi", "Boyer",
    "Garrison", "Arroyo", "Bond", "Kane", "Hancock", "Callahan", "Dillon", "Cline",
    "Wiggins", "Grimes", "Arellano", "Melton", "O'Neill", "Savage", "Ho", "Beltran",
    "Pitts", "Parrish", "Ponce", "Rich", "Booth", "Koch", "Golden", "Ware", "Brennan",
    "McDowell", "Marks", "Cantu", "Humphrey", "Baxter", "Sawyer", "Clay", "Tanner",
    "Hutchinson", "Kaur", "Berg", "Wiley", "Gilmore", "Russo", "Villegas", "Hobbs",
    "Keith", "Wilkerson", "Ahmed", "Beard", "McClain", "Montes", "Mata", "Rosario",
    "Vang", "Walter", "Henson", "O'Donnell", "Mays", "Smith-Jones", "Nakamura", "Tanaka",
    "Okonkwo", "Adeyemi", "Kowalski", "Novak", "Ivanov", "Petrov", "Rossi", "Bianchi",
    "Müller", "Dubois", "Lefèvre", "Andersson", "Johansson", "Gupta", "Sharma", "Reddy",
)

# (city, state, first postal code of the city's range, phone area code)
CITIES: tuple[tuple[str, str, int, int], ...] = (
    ("New York", "NY", 10001, 212), ("Brooklyn", "NY", 11201, 718), ("Buffalo", "NY", 14201, 716),
    ("Los Angeles", "CA", 90001, 213), ("San Diego", "CA", 92101, 619),
    ("San Jose", "CA", 95110, 408), ("San Francisco", "CA", 94102, 415),
    ("Sacramento", "CA", 95814, 916), ("Fresno", "CA", 93701, 559),
    ("Chicago", "IL", 60601, 312), ("Springfield", "IL", 62701, 217),
    ("Houston", "TX", 77001, 713), ("Dallas", "TX", 75201, 214), ("Austin", "TX", 78701, 512),
    ("San Antonio", "TX", 78201, 210), ("El Paso", "TX", 79901, 915),
    ("Fort Worth", "TX", 76101, 817), ("Phoenix", "AZ", 85001, 602),
    ("Tucson", "AZ", 85701, 520), ("Philadelphia", "PA", 19102, 215),
    ("Pittsburgh", "PA", 15201, 412), ("Jacksonville", "FL", 32201, 904),
    ("Miami", "FL", 33101, 305), ("Tampa", "FL", 33601, 813), ("Orlando", "FL", 32801, 407),
    ("Columbus", "OH", 43201, 614), ("Cleveland", "OH", 44101, 216),
    ("Cincinnati", "OH", 45201, 513), ("Charlotte", "NC", 28201, 704),
    ("Raleigh", "NC", 27601, 919), ("Indianapolis", "IN", 46201, 317),
    ("Seattle", "WA", 98101, 206), ("Spokane", "WA", 99201, 509),
    ("Denver", "CO", 80201, 303), ("Colorado Springs", "CO", 80901, 719),
    ("Washington", "DC", 20001, 202), ("Boston", "MA", 2108, 617),
    ("Worcester", "MA", 1601, 508), ("Nashville", "TN", 37201, 615),
    ("Memphis", "TN", 38101, 901), ("Detroit", "MI", 48201, 313),
    ("Grand Rapids", "MI", 49501, 616), ("Portland", "OR", 97201, 503),
    ("Las Vegas", "NV", 89101, 702), ("Reno", "NV", 89501, 775),
    ("Louisville", "KY", 40201, 502), ("Baltimore", "MD", 21201, 410),
    ("Milwaukee", "WI", 53201, 414), ("Madison", "WI", 53703, 608),
    ("Albuquerque", "NM", 87101, 505), ("Kansas City", "MO", 64101, 816),
    ("St. Louis", "MO", 63101, 314), ("Atlanta", "GA", 30301, 404),
    ("Savannah", "GA", 31401, 912), ("Omaha", "NE", 68101, 402),
    ("Minneapolis", "MN", 55401, 612), ("Saint Paul", "MN", 55101, 651),
    ("New Orleans", "LA", 70112, 504), ("Oklahoma City", "OK", 73101, 405),
    ("Tulsa", "OK", 74101, 918), ("Salt Lake City", "UT", 84101, 801),
    ("Birmingham", "AL", 35203, 205), ("Richmond", "VA", 23219, 804),
    ("Virginia Beach", "VA", 23450, 757), ("Newark", "NJ", 7102, 973),
    ("Jersey City", "NJ", 7302, 201), ("Hartford", "CT", 6103, 860),
    ("Providence", "RI", 2903, 401), ("Boise", "ID", 83702, 208),
    ("Des Moines", "IA", 50309, 515), ("Little Rock", "AR", 72201, 501),
    ("Charleston", "SC", 29401, 843), ("Anchorage", "AK", 99501, 907),
    ("Honolulu", "HI", 96813, 808), ("Burlington", "VT", 5401, 802),
    ("Portland", "ME", 4101, 207), ("Manchester", "NH", 3101, 603),
    ("Wilmington", "DE", 19801, 302), ("Fargo", "ND", 58102, 701),
    ("Sioux Falls", "SD", 57104, 605), ("Billings", "MT", 59101, 406),
    ("Cheyenne", "WY", 82001, 307), ("Jackson", "MS", 39201, 601),
    ("Wichita", "KS", 67202, 316), ("Charleston", "WV", 25301, 304),
)

STREET_NAMES: tuple[str, ...] = (
    "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park",
    "Walnut", "Sunset", "Lincoln", "Jackson", "Church", "River", "Highland", "Willow",
    "Adams", "Jefferson", "Franklin", "Chestnut", "Spring", "Center", "Ridge", "Meadow",
    "Forest", "Valley", "Madison", "Dogwood", "Lakeview", "Hickory", "Birch", "Cherry",
    "Mill", "Spruce", "Laurel", "Prospect", "Broad", "Market", "Union", "Water", "Front",
    "Court", "School", "Railroad", "Grove", "Poplar", "Magnolia", "Sycamore", "Aspen",
    "Harbor", "Bay", "Ocean", "Mountain", "Canyon", "Desert", "Prairie", "Liberty",
    "Independence", "Heritage", "Cambridge", "Oxford", "Windsor", "Victoria", "Kingston",
    "Fairview", "Greenwood", "Brookside", "Riverside", "Hillcrest", "Westwood", "Eastwood",
    "Northgate", "Southgate", "Orchard", "Vine", "Juniper", "Cypress", "Redwood", "Sequoia",
    "Peachtree", "Magnolia Bend", "Bluebonnet", "Cardinal", "Bluebird", "Hawthorne",
)

# (abbreviation written by most systems, the spelled-out variant some systems keep)
STREET_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("St", "Street"), ("Ave", "Avenue"), ("Rd", "Road"), ("Blvd", "Boulevard"),
    ("Ln", "Lane"), ("Dr", "Drive"), ("Ct", "Court"), ("Way", "Way"), ("Pl", "Place"),
    ("Ter", "Terrace"), ("Cir", "Circle"), ("Pkwy", "Parkway"),
)

EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com",
    "comcast.net", "protonmail.com", "msn.com", "att.net", "verizon.net", "live.com",
)
# Domains of the "old" email a person changed away from.
OLD_EMAIL_DOMAINS: tuple[str, ...] = (
    "aol.com", "hotmail.com", "yahoo.com", "comcast.net", "earthlink.net", "juno.com",
    "att.net", "sbcglobal.net",
)

OCCUPATIONS: tuple[str, ...] = (
    "Software Engineer", "Registered Nurse", "Teacher", "Accountant", "Sales Manager",
    "Retail Associate", "Truck Driver", "Electrician", "Plumber", "Marketing Manager",
    "Financial Analyst", "Physician", "Pharmacist", "Lawyer", "Paralegal", "Mechanic",
    "Chef", "Server", "Construction Worker", "Project Manager", "Data Analyst",
    "Graphic Designer", "Customer Service Representative", "Administrative Assistant",
    "Police Officer", "Firefighter", "Civil Engineer", "Mechanical Engineer", "Dentist",
    "Dental Hygienist", "Real Estate Agent", "Insurance Agent", "Social Worker",
    "Professor", "Librarian", "Warehouse Worker", "Cashier", "Bank Teller", "HR Manager",
    "Operations Manager", "Consultant", "Architect", "Photographer", "Writer",
    "Physical Therapist", "Veterinarian", "Pilot", "Flight Attendant", "Carpenter",
    "Hair Stylist", "Security Guard", "Janitor", "Farmer", "Small Business Owner",
    "Product Manager", "IT Support Specialist", "Medical Assistant", "Lab Technician",
    "Scientist", "Economist",
)
# Occupations of people who are self-employed: no salary from an employer.
SELF_EMPLOYED_OCCUPATIONS: tuple[str, ...] = (
    "Small Business Owner", "Consultant", "Photographer", "Writer", "Farmer",
    "Real Estate Agent", "Plumber", "Carpenter",
)

EMPLOYERS: tuple[str, ...] = (
    "ACME LOGISTICS INC", "NORTHWIND TRADERS", "CONTOSO LTD", "GLOBEX CORP",
    "INITECH LLC", "UMBRELLA HEALTH SYSTEMS", "STARK INDUSTRIES", "WAYNE ENTERPRISES",
    "HOOLI INC", "VANDELAY INDUSTRIES", "SOYLENT FOODS", "CYBERDYNE SYSTEMS",
    "MASSIVE DYNAMIC", "OCEANIC AIRLINES", "TYRELL CORP", "WONKA CONFECTIONS",
    "PIED PIPER INC", "DUNDER MIFFLIN", "SAN MATEO SCHOOL DISTRICT", "COUNTY OF RIVERSIDE",
    "STATE OF TEXAS PAYROLL", "CITY OF CHICAGO", "MERCY GENERAL HOSPITAL",
    "ST JUDE MEDICAL CENTER", "BLUE RIDGE UNIVERSITY", "LAKESIDE COMMUNITY COLLEGE",
    "SUMMIT ENGINEERING", "PINNACLE FOODS", "EVERGREEN RETAIL", "HORIZON TELECOM",
    "APEX CONSTRUCTION", "CASCADE ENERGY", "PACIFIC RAIL", "ATLANTIC SHIPPING",
    "MIDWEST FARMS COOP", "SILVERLINE SOFTWARE", "REDSTONE MANUFACTURING",
    "BRIGHTPATH CONSULTING", "IRONWOOD SECURITY", "CLEARWATER UTILITIES",
    "GREENLEAF GROCERS", "NOVA PHARMACEUTICALS", "ORION AEROSPACE", "ZENITH INSURANCE",
    "KEYSTONE LOGISTICS", "HARBOR FREIGHT LINES", "MAPLE LEAF HOTELS", "SUNRISE SENIOR CARE",
    "TRINITY HEALTH PARTNERS", "QUANTUM ANALYTICS", "ALPINE OUTFITTERS", "BLUE OCEAN MEDIA",
    "COPPER CANYON MINING", "DELTA AUTO PARTS", "EAGLE EYE OPTICS", "FIRSTLIGHT SOLAR",
    "GRANITE STATE BANK", "HIGHLAND DAIRY", "JADE GARDEN RESTAURANTS", "LIBERTY MUTUAL AID",
    "US POSTAL SERVICE", "DEPT OF VETERANS AFFAIRS", "US ARMY DFAS", "AMAZING WAREHOUSES",
)

PRODUCTS: tuple[tuple[str, str, str, str], ...] = (
    # (product_code, product_name, product_type, interest_rate)
    ("CHK-BASIC", "Everyday Checking", "checking", "0.0000"),
    ("CHK-PREM", "Premier Checking", "checking", "0.0100"),
    ("SAV-STD", "Standard Savings", "savings", "0.0050"),
    ("SAV-HY", "High-Yield Savings", "savings", "0.0425"),
    ("CC-CASH", "Cash Back Card", "credit_card", "0.2299"),
    ("CC-TRAVEL", "Travel Rewards Card", "credit_card", "0.2499"),
    ("CC-PLAT", "Platinum Card", "credit_card", "0.1999"),
    ("MTG-30F", "30-Year Fixed Mortgage", "mortgage", "0.0675"),
    ("MTG-15F", "15-Year Fixed Mortgage", "mortgage", "0.0599"),
    ("LN-PERS", "Personal Loan", "personal_loan", "0.1150"),
    ("LN-AUTO", "Auto Loan", "personal_loan", "0.0725"),
    ("INV-BROK", "Brokerage Account", "investment", "0.0000"),
    ("INV-IRA", "Retirement IRA", "investment", "0.0000"),
    ("INS-LIFE", "Term Life Insurance", "insurance", "0.0000"),
    ("INS-HOME", "Home Insurance", "insurance", "0.0000"),
)

PRODUCT_TYPES: tuple[str, ...] = (
    "checking", "savings", "credit_card", "mortgage", "personal_loan", "investment",
    "insurance",
)

INTERESTS: tuple[str, ...] = (
    "travel", "investing", "mortgage", "retirement", "education", "cars",
    "home_improvement", "crypto", "insurance", "small_business",
)
# The product a person with this interest is most likely to browse and apply for.
INTEREST_PRODUCT: dict[str, str] = {
    "travel": "credit_card", "investing": "investment", "mortgage": "mortgage",
    "retirement": "investment", "education": "personal_loan", "cars": "personal_loan",
    "home_improvement": "personal_loan", "crypto": "investment", "insurance": "insurance",
    "small_business": "checking",
}

TRANSACTION_CATEGORIES: tuple[str, ...] = (
    "salary", "groceries", "dining", "travel", "utilities", "rent", "mortgage_payment",
    "transfer", "atm", "shopping", "entertainment", "health", "insurance", "investment",
    "fees",
)

# Merchants per spending category (fictional names).
MERCHANTS: dict[str, tuple[str, ...]] = {
    "groceries": (
        "FRESHMART", "GREEN BASKET GROCERS", "VALUE FOODS", "CORNER MARKET", "HARVEST TABLE",
        "SUNNY ACRES FARM STAND", "PRICEWISE SUPERMARKET", "DAILY GREENS", "BULK BARN",
        "NEIGHBORHOOD FOOD CO-OP",
    ),
    "dining": (
        "BLUE PLATE DINER", "LUIGI'S TRATTORIA", "SUSHI ZEN", "TACO TIEMPO", "BURGER BARN",
        "THE COFFEE LOFT", "GOLDEN DRAGON", "CURRY HOUSE", "PIZZA PLANET", "BAGEL BROS",
        "STEAK & ALE HOUSE", "PHO SAIGON",
    ),
    "travel": (
        "SKYWAY AIRLINES", "OCEANIC AIRLINES", "COMFORT STAY HOTELS", "ROADRUNNER CAR RENTAL",
        "TRAVELNOW.COM", "METRO TRANSIT", "RIDESHARE*TRIP", "GRAND PLAZA HOTEL",
        "AMTRACK RAIL", "SEASIDE RESORTS",
    ),
    "utilities": (
        "CITY WATER DEPT", "CLEARWATER UTILITIES", "CASCADE ENERGY", "HORIZON TELECOM",
        "FASTNET INTERNET", "METRO GAS CO", "SUNPOWER ELECTRIC",
    ),
    "rent": ("OAKWOOD PROPERTY MGMT", "PARKSIDE APARTMENTS", "URBAN LIVING RENTALS",
             "RIVERVIEW HOMES LLC", "SUMMIT RESIDENTIAL"),
    "mortgage_payment": ("C360 BANK MORTGAGE SVC",),
    "transfer": ("ZAPPAY TRANSFER", "VENMOO", "INTERNAL TRANSFER", "WIRE TRANSFER",
                 "CASHAPPLE"),
    "atm": ("C360 BANK ATM", "ALLPOINT ATM", "CARDTRONICS ATM"),
    "shopping": (
        "MEGAMART", "AMAZING.COM", "TARGETED GOODS", "HOME DEPOT-ISH", "BEST BYTE",
        "STYLE STREET APPAREL", "BOOKNOOK", "PET PALACE", "OUTDOOR OUTFITTERS", "TOY TOWN",
        "HARDWARE HUB", "SHOE SHACK",
    ),
    "entertainment": ("STREAMFLIX", "CINEMAX PLEX", "SPOTTYFY", "GAMESTATION",
                      "CONCERT TIX", "BOWL-A-RAMA", "CITY MUSEUM"),
    "health": ("CVS-LIKE PHARMACY", "WELLCARE CLINIC", "BRIGHT SMILE DENTAL",
               "VISION PLUS OPTICAL", "FITLIFE GYM", "CITY HOSPITAL BILLING"),
    "insurance": ("ZENITH INSURANCE", "SAFEGUARD AUTO INS", "C360 BANK INSURANCE",
                  "LIBERTY MUTUAL AID"),
    "investment": ("C360 BROKERAGE", "INDEX FUND DEPOSIT", "IRA CONTRIBUTION"),
    "fees": ("C360 BANK", ),
}

# Description prefix per category, as a core-banking ledger writes it.
CATEGORY_DESCRIPTION: dict[str, str] = {
    "salary": "PAYROLL DEPOSIT",
    "groceries": "POS PURCHASE",
    "dining": "POS PURCHASE",
    "travel": "CARD PURCHASE",
    "utilities": "ACH DEBIT",
    "rent": "ACH DEBIT RENT",
    "mortgage_payment": "MORTGAGE PAYMENT",
    "transfer": "TRANSFER",
    "atm": "ATM WITHDRAWAL",
    "shopping": "POS PURCHASE",
    "entertainment": "CARD PURCHASE",
    "health": "POS PURCHASE",
    "insurance": "ACH DEBIT PREMIUM",
    "investment": "TRANSFER TO INVESTMENT",
    "fees": "MONTHLY SERVICE FEE",
}

WEB_USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Mobile/15E148 Safari/604.1",
)
APP_USER_AGENTS: tuple[str, ...] = (
    "C360Bank/6.4.1 (iPhone; iOS 18.1; Scale/3.00)",
    "C360Bank/6.4.0 (iPhone; iOS 17.6; Scale/3.00)",
    "C360Bank/6.3.2 (iPad; iPadOS 17.5; Scale/2.00)",
    "C360Bank/6.4.1 (Android 14; Pixel 8)",
    "C360Bank/6.4.1 (Android 13; SM-S911B)",
    "C360Bank/6.2.9 (Android 12; moto g power)",
)
BOT_USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "python-requests/2.32.3",
)

GENERAL_PAGES: tuple[str, ...] = (
    "/", "/accounts", "/accounts/activity", "/transfers", "/bill-pay", "/help",
    "/contact", "/rates", "/branches", "/offers", "/security", "/profile", "/statements",
)

SEARCH_TERMS: dict[str, tuple[str, ...]] = {
    "checking": ("checking account", "no fee checking", "business checking", "overdraft"),
    "savings": ("high yield savings", "savings rate", "cd rates", "emergency fund"),
    "credit_card": ("travel card", "cash back card", "credit limit increase",
                    "balance transfer"),
    "mortgage": ("mortgage rates", "refinance", "home equity", "first time buyer"),
    "personal_loan": ("personal loan", "auto loan rates", "debt consolidation",
                      "student loan"),
    "investment": ("ira", "roth ira", "brokerage", "crypto", "index funds", "retirement"),
    "insurance": ("life insurance", "home insurance quote", "travel insurance"),
}

CALL_REASONS: tuple[str, ...] = (
    "CARD_LOST", "DISPUTE", "BALANCE", "LOAN_INQUIRY", "COMPLAINT", "ADDRESS_CHANGE",
    "FRAUD_REPORT", "ONLINE_ACCESS", "FEES", "OTHER",
)
CALL_REASON_WEIGHTS: tuple[float, ...] = (
    0.08, 0.10, 0.20, 0.10, 0.07, 0.06, 0.05, 0.16, 0.08, 0.10,
)

# Free-text agent notes per reason: commas, quotes and newlines are intentional.
CALL_NOTES: dict[str, tuple[str, ...]] = {
    "CARD_LOST": (
        'Card lost at "{merchant}", blocked card and ordered replacement',
        "Customer thinks card was left in a taxi, card blocked, new card in 5-7 days",
        'Said "I lost my wallet, again"; replacement card issued',
    ),
    "DISPUTE": (
        'Disputes charge of ${amount} from {merchant}, says "never authorised it"',
        "Duplicate charge from {merchant}, provisional credit of ${amount} issued",
        "Dispute opened for ${amount}.\nCustomer will upload receipt",
    ),
    "BALANCE": (
        "Asked for balance, provided after verification",
        "Balance inquiry, customer surprised by pending hold of ${amount}",
        "Wanted balance and last 3 transactions, done",
    ),
    "LOAN_INQUIRY": (
        "Asked about {product} rates, sent brochure by email",
        'Interested in {product}, said "rates are too high, will think about it"',
        "Pre-qualification for {product} discussed, callback scheduled",
    ),
    "COMPLAINT": (
        'Complained about wait time, quote: "this is the third time I call"',
        "Unhappy with branch service, escalated to supervisor, very upset",
        "Complaint about fees, mentioned switching banks.\nEscalated to retention",
    ),
    "ADDRESS_CHANGE": (
        "Moved, new address updated in core system",
        'Address change requested, "please update the card billing address too"',
        "Requested address change, asked to confirm by mail",
    ),
    "FRAUD_REPORT": (
        "Reported suspicious charge of ${amount} at {merchant}, card blocked",
        'Phishing SMS received, caller said "they knew my name, and my bank"',
        "Possible account takeover reported.\nPassword reset, fraud team notified",
    ),
    "ONLINE_ACCESS": (
        "Locked out of online banking, password reset",
        'App keeps saying "session expired", cleared cache, resolved',
        "2FA codes not arriving, updated phone number on file",
    ),
    "FEES": (
        "Asked why monthly fee of ${amount} charged, explained minimum balance",
        'Requested fee refund, "I have been a customer for years", refunded once',
        "Overdraft fee questioned, waived as courtesy",
    ),
    "OTHER": (
        "General question about branch hours",
        "Asked about notary service, directed to branch",
        'Wanted to know "how to add a beneficiary", explained steps',
    ),
}

KEYBOARD_NEIGHBOURS: dict[str, str] = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}
