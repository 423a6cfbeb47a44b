package main

// provider is a fictional training provider in a real NUTS region.
type provider struct {
	name    string
	awarder string // awarding body, when not the provider itself
	country string
	region  string // NUTS 2
	city    string
	lang    string // main language of instruction
	qa      string // quality assurance code (vocab.qa.*)
	themes  []string
}

// providers are the fictional providers of the sample register: Brussels,
// Flanders, Wallonia, the Dutch and French border regions, Luxembourg and
// Aachen-Köln.
var providers = []provider{
	{"DigiLab Gent", "", "BE", "BE23", "Gent", "nl", "recognised-provider", []string{"ict", "mgmt"}},
	{"CVO Noorderkempen", "", "BE", "BE21", "Turnhout", "nl", "accredited-programme", []string{"ict", "lang", "care", "hosp"}},
	{"Leercentrum Schelde", "", "BE", "BE21", "Antwerpen", "nl", "recognised-provider", []string{"log", "build", "lang"}},
	{"Havenacademie Antwerpen", "", "BE", "BE21", "Antwerpen", "nl", "sector-certified", []string{"log", "green"}},
	{"Zorgschool Limburg", "", "BE", "BE22", "Hasselt", "nl", "accredited-programme", []string{"care"}},
	{"Hogeschool De Kempen", "", "BE", "BE21", "Geel", "nl", "accredited-programme", []string{"ict", "care", "mgmt", "energy", "green"}},
	{"Bouwcampus Oost-Vlaanderen", "", "BE", "BE23", "Aalst", "nl", "sector-certified", []string{"build", "energy"}},
	{"Energiehuis Leuven", "", "BE", "BE24", "Leuven", "nl", "recognised-provider", []string{"energy", "green"}},
	{"KU Campus Permanente Vorming", "Universiteit Leuven Campus", "BE", "BE24", "Leuven", "en", "accredited-programme", []string{"ict", "mgmt", "green"}},
	{"Syntrix West", "", "BE", "BE25", "Brugge", "nl", "recognised-provider", []string{"hosp", "build", "mgmt"}},
	{"Kustacademie Oostende", "", "BE", "BE25", "Oostende", "nl", "recognised-provider", []string{"hosp", "log"}},
	{"Vormingscentrum Kortrijk", "", "BE", "BE25", "Kortrijk", "nl", "recognised-provider", []string{"build", "energy", "log"}},
	{"Taalhuis Mechelen", "", "BE", "BE21", "Mechelen", "nl", "recognised-provider", []string{"lang"}},
	{"Leerwerkplaats Genk", "", "BE", "BE22", "Genk", "nl", "self-assessed", []string{"build", "log", "hosp"}},
	{"Brussels Digital School", "", "BE", "BE10", "Brussel", "en", "recognised-provider", []string{"ict"}},
	{"Bruxelles Formation Métiers", "", "BE", "BE10", "Bruxelles", "fr", "accredited-programme", []string{"build", "hosp", "log", "care"}},
	{"Huis van het Nederlands Brussel", "", "BE", "BE10", "Brussel", "nl", "recognised-provider", []string{"lang"}},
	{"European Skills Hub Brussels", "", "BE", "BE10", "Brussels", "en", "eqavet", []string{"mgmt", "green", "ict"}},
	{"Campus Zorg en Welzijn Brussel", "", "BE", "BE10", "Brussel", "nl", "accredited-programme", []string{"care"}},
	{"Centre de compétence Forem Liège", "", "BE", "BE33", "Liège", "fr", "accredited-programme", []string{"energy", "build", "ict"}},
	{"Institut Meuse Formation", "", "BE", "BE35", "Namur", "fr", "recognised-provider", []string{"care", "hosp", "lang"}},
	{"Académie du Hainaut", "", "BE", "BE32", "Mons", "fr", "accredited-programme", []string{"ict", "mgmt", "care"}},
	{"Charleroi Tech Campus", "", "BE", "BE32", "Charleroi", "fr", "sector-certified", []string{"ict", "energy", "log"}},
	{"Ardenne Éco-Formation", "", "BE", "BE34", "Arlon", "fr", "self-assessed", []string{"green", "build", "hosp"}},
	{"École de promotion sociale Wavre", "", "BE", "BE31", "Wavre", "fr", "accredited-programme", []string{"lang", "mgmt", "ict"}},
	{"Louvain Learning Lab", "", "BE", "BE31", "Louvain-la-Neuve", "en", "accredited-programme", []string{"ict", "green", "mgmt"}},
	{"Logistique Wallonie Picarde", "", "BE", "BE32", "Tournai", "fr", "sector-certified", []string{"log"}},
	{"Soins et Santé Verviers", "", "BE", "BE33", "Verviers", "fr", "recognised-provider", []string{"care"}},
	{"Ostbelgien Bildung", "", "BE", "BE33", "Eupen", "fr", "recognised-provider", []string{"lang", "hosp"}},
	{"Brabant Data Academy", "", "NL", "NL41", "Eindhoven", "nl", "nrto", []string{"ict", "mgmt"}},
	{"Zorgcollege Brabant", "", "NL", "NL41", "Tilburg", "nl", "nrto", []string{"care"}},
	{"Installatiewerk Zuid", "", "NL", "NL42", "Maastricht", "nl", "sector-certified", []string{"energy", "build"}},
	{"Zeeuwse Leerfabriek", "", "NL", "NL34", "Middelburg", "nl", "self-assessed", []string{"log", "green", "hosp"}},
	{"Rotterdam Port Skills", "", "NL", "NL33", "Rotterdam", "en", "nrto", []string{"log", "green", "mgmt"}},
	{"Green Transition Institute Utrecht", "", "NL", "NL31", "Utrecht", "en", "nvao", []string{"green", "energy", "mgmt"}},
	{"Luxembourg Lifelong Learning Centre", "", "LU", "LU00", "Luxembourg", "fr", "accredited-programme", []string{"ict", "lang", "mgmt"}},
	{"Digital Skills Luxembourg", "", "LU", "LU00", "Esch-sur-Alzette", "en", "recognised-provider", []string{"ict"}},
	{"Greta Lille Métropole", "", "FR", "FRE1", "Lille", "fr", "qualiopi", []string{"care", "hosp", "build", "log"}},
	{"AFPA Hauts-de-France Dunkerque", "", "FR", "FRE1", "Dunkerque", "fr", "qualiopi", []string{"energy", "log", "build"}},
	{"Campus des métiers Valenciennes", "", "FR", "FRE1", "Valenciennes", "fr", "qualiopi", []string{"ict", "green", "energy"}},
	{"Grand Est Compétences Metz", "", "FR", "FRF3", "Metz", "fr", "qualiopi", []string{"mgmt", "log", "lang"}},
	{"Reims Formation Hôtellerie", "", "FR", "FRF2", "Reims", "fr", "qualiopi", []string{"hosp"}},
	{"Aachen Technology Academy", "", "DE", "DEA2", "Aachen", "en", "recognised-provider", []string{"ict", "energy"}},
	{"Euregio Bildungswerk", "", "DE", "DEA2", "Aachen", "en", "recognised-provider", []string{"lang", "green", "care"}},
	{"VDAB Competentiecentrum", "VDAB", "BE", "BE23", "Gent", "nl", "accredited-programme", []string{"log", "build", "energy", "ict", "hosp"}},
	{"Open Leerplatform Vlaanderen", "", "BE", "BE24", "online", "nl", "recognised-provider", []string{"ict", "mgmt", "lang", "green"}},
	{"Agence Formation Numérique", "", "BE", "BE10", "online", "fr", "recognised-provider", []string{"ict", "mgmt"}},
}
