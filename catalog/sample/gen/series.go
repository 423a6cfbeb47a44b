package main

// module is one credential of a stackable series.
type module struct {
	title  text
	skills []string
	ects   float64
	eqf    int
}

// series is 3–5 modules, each a prerequisite of the next, that stack
// towards a larger credential run by the same provider.
type series struct {
	key      string
	provider string
	lang     string
	whole    module // the larger credential
	modules  []module
	price    int // euros per module
	mode     string
}

// allSeries are the stackable series of the sample register.
var allSeries = []series{
	{"ds", "Hogeschool De Kempen", "nl",
		module{text{"Postgraduate certificate Data Science", "Postgraduaat Data Science", "Certificat postgrade en science des données"}, []string{"analytics", "ml", "stats"}, 20, 6},
		[]module{
			{text{"Data Science 1: Python and data", "Data Science 1: Python en data", "Science des données 1 : Python et données"}, []string{"python", "cleanse"}, 5, 6},
			{text{"Data Science 2: Statistics", "Data Science 2: Statistiek", "Science des données 2 : statistique"}, []string{"stats", "analysis"}, 5, 6},
			{text{"Data Science 3: Machine learning", "Data Science 3: Machine learning", "Science des données 3 : apprentissage automatique"}, []string{"ml"}, 5, 6},
			{text{"Data Science 4: Data storytelling and dashboards", "Data Science 4: Datastorytelling en dashboards", "Science des données 4 : récit de données"}, []string{"bi", "analytics"}, 5, 6},
		}, 650, "blended"},
	{"reno", "Bouwcampus Oost-Vlaanderen", "nl",
		module{text{"Certificate Energy renovation coordinator", "Certificaat Coördinator energierenovatie", "Certificat Coordinateur rénovation énergétique"}, []string{"audit", "insulation", "heatpump"}, 12, 5},
		[]module{
			{text{"Energy renovation 1: Building physics", "Energierenovatie 1: Bouwfysica", "Rénovation énergétique 1 : physique du bâtiment"}, []string{"epb", "blueprints"}, 4, 5},
			{text{"Energy renovation 2: Insulation and airtightness", "Energierenovatie 2: Isolatie en luchtdichtheid", "Rénovation énergétique 2 : isolation et étanchéité"}, []string{"insulation", "sustmat"}, 4, 5},
			{text{"Energy renovation 3: Heat pumps and ventilation", "Energierenovatie 3: Warmtepompen en ventilatie", "Rénovation énergétique 3 : pompes à chaleur et ventilation"}, []string{"heatpump", "ventilation"}, 4, 5},
		}, 390, "onsite"},
	{"zorg", "Zorgschool Limburg", "nl",
		module{text{"Care assistant – full pathway", "Zorgkundige – volledig traject", "Aide-soignant(e) – parcours complet"}, []string{"elderly", "nursing", "hygiene"}, 0, 4},
		[]module{
			{text{"Care assistant 1: Basic care", "Zorgkundige 1: Basiszorg", "Aide-soignant(e) 1 : soins de base"}, []string{"elderly", "ergonomics"}, 0, 4},
			{text{"Care assistant 2: Hygiene and infection prevention", "Zorgkundige 2: Hygiëne en infectiepreventie", "Aide-soignant(e) 2 : hygiène et prévention des infections"}, []string{"hygiene", "infection"}, 0, 4},
			{text{"Care assistant 3: Medication and observation", "Zorgkundige 3: Medicatie en observatie", "Aide-soignant(e) 3 : médicaments et observation"}, []string{"medication", "nursing"}, 0, 4},
			{text{"Care assistant 4: Work placement", "Zorgkundige 4: Stage in de zorg", "Aide-soignant(e) 4 : stage"}, []string{"empathy", "elderly"}, 0, 4},
		}, 0, "blended"},
	{"gpn", "Académie du Hainaut", "fr",
		module{text{"Certificate in digital project management", "Certificaat Digitaal projectmanagement", "Certificat en gestion de projet numérique"}, []string{"ictpm", "agilepm"}, 9, 5},
		[]module{
			{text{"Digital project management (module 1/3): scoping", "Digitaal projectmanagement (module 1/3): afbakening", "Gestion de projet numérique (module 1/3) : cadrage"}, []string{"pm", "time"}, 3, 5},
			{text{"Digital project management (module 2/3): agile", "Digitaal projectmanagement (module 2/3): agile", "Gestion de projet numérique (module 2/3) : agilité"}, []string{"agilepm", "agile"}, 3, 5},
			{text{"Digital project management (module 3/3): steering and budget", "Digitaal projectmanagement (module 3/3): sturing en budget", "Gestion de projet numérique (module 3/3) : pilotage et budget"}, []string{"budget", "ictpm"}, 3, 5},
		}, 350, "online"},
	{"ce", "Green Transition Institute Utrecht", "en",
		module{text{"Professional certificate Circular Economy", "Professioneel certificaat Circulaire economie", "Certificat professionnel Économie circulaire"}, []string{"circular", "sustain"}, 15, 6},
		[]module{
			{text{"Circular Economy 1: Foundations", "Circulaire economie 1: Grondslagen", "Économie circulaire 1 : fondements"}, []string{"circular"}, 3, 6},
			{text{"Circular Economy 2: Circular design", "Circulaire economie 2: Circulair ontwerp", "Économie circulaire 2 : écoconception"}, []string{"sustmat", "circular"}, 4, 6},
			{text{"Circular Economy 3: Business models", "Circulaire economie 3: Businessmodellen", "Économie circulaire 3 : modèles d'affaires"}, []string{"sustain", "finance"}, 4, 6},
			{text{"Circular Economy 4: Capstone project", "Circulaire economie 4: Eindproject", "Économie circulaire 4 : projet final"}, []string{"envpolicy", "pm"}, 4, 7},
		}, 480, "online"},
	{"log", "Havenacademie Antwerpen", "nl",
		module{text{"Logistics planner (port)", "Logistiek planner haven", "Planificateur logistique portuaire"}, []string{"supply", "logistics"}, 9, 5},
		[]module{
			{text{"Port logistics 1: Warehouse and stock", "Havenlogistiek 1: Magazijn en voorraad", "Logistique portuaire 1 : entrepôt et stocks"}, []string{"warehouse", "inventory"}, 3, 4},
			{text{"Port logistics 2: Transport and customs", "Havenlogistiek 2: Transport en douane", "Logistique portuaire 2 : transport et douane"}, []string{"logistics", "dangerous"}, 3, 5},
			{text{"Port logistics 3: Planning the supply chain", "Havenlogistiek 3: De keten plannen", "Logistique portuaire 3 : planifier la chaîne"}, []string{"supply", "greenlog"}, 3, 5},
		}, 240, "blended"},
}
