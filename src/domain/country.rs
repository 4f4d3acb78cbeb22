//! ISO 3166-1 alpha-2 countries with French and English names.
//!
//! The table below was generated once from pycountry 26.2.16 (ISO 3166-1 and
//! the iso-codes French translations), with a few hand-made overrides for
//! names that read badly (e.g. "Russie, Fédération de" → "Russie"). The sort
//! orders ignore accents and case.

use std::fmt;

use super::types::{string_serde, Lang, ParseError};

/// A known ISO 3166-1 alpha-2 country code (two ASCII uppercase letters).
/// Serialized as its code, e.g. `"ML"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

pub const MALI: Country = Country(*b"ML");
pub const BURKINA_FASO: Country = Country(*b"BF");
pub const NIGER: Country = Country(*b"NE");
/// The Alliance of Sahel States (Alliance des États du Sahel).
pub const AES: [Country; 3] = [MALI, BURKINA_FASO, NIGER];

impl Country {
    /// Parses a known alpha-2 code, case-insensitively (`"ml"` → `ML`).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let s = s.trim();
        let bytes = s.as_bytes();
        if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(ParseError::UnknownCountry);
        }
        let code = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase()];
        Self::index_of(code)
            .map(|_| Country(code))
            .ok_or(ParseError::UnknownCountry)
    }

    fn index_of(code: [u8; 2]) -> Option<usize> {
        COUNTRIES
            .binary_search_by(|(c, _, _)| c.as_bytes().cmp(&code[..]))
            .ok()
    }

    fn entry(self) -> Option<&'static (&'static str, &'static str, &'static str)> {
        Self::index_of(self.0).map(|i| &COUNTRIES[i])
    }

    /// The alpha-2 code, e.g. `"ML"`.
    pub fn as_str(&self) -> &'static str {
        self.entry().map(|e| e.0).unwrap_or("??")
    }

    /// The country's name in the given language.
    pub fn name(&self, lang: Lang) -> &'static str {
        match (self.entry(), lang) {
            (Some(e), Lang::Fr) => e.1,
            (Some(e), Lang::En) => e.2,
            (None, _) => "??",
        }
    }

    /// All countries, sorted by their name in `lang` (accents ignored).
    pub fn all(lang: Lang) -> impl Iterator<Item = Country> {
        let order: &'static [u8] = match lang {
            Lang::Fr => &BY_NAME_FR,
            Lang::En => &BY_NAME_EN,
        };
        order.iter().map(|&i| {
            let b = COUNTRIES[usize::from(i)].0.as_bytes();
            Country([b[0], b[1]])
        })
    }

    /// Whether the country belongs to the Alliance of Sahel States.
    pub fn is_aes(&self) -> bool {
        AES.contains(self)
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.as_str())
    }
}
string_serde!(Country);

/// Joins country names with ", " (e.g. "Mali, Burkina Faso, Niger").
pub fn names(countries: &[Country], lang: Lang) -> String {
    countries
        .iter()
        .map(|c| c.name(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

// Generated from pycountry 26.2.16 (see the module documentation).

/// (alpha-2 code, French name, English name), sorted by code.
static COUNTRIES: [(&str, &str, &str); 249] = [
    ("AD", "Andorre", "Andorra"),
    ("AE", "Émirats arabes unis", "United Arab Emirates"),
    ("AF", "Afghanistan", "Afghanistan"),
    ("AG", "Antigua-et-Barbuda", "Antigua and Barbuda"),
    ("AI", "Anguilla", "Anguilla"),
    ("AL", "Albanie", "Albania"),
    ("AM", "Arménie", "Armenia"),
    ("AO", "Angola", "Angola"),
    ("AQ", "Antarctique", "Antarctica"),
    ("AR", "Argentine", "Argentina"),
    ("AS", "Samoa américaines", "American Samoa"),
    ("AT", "Autriche", "Austria"),
    ("AU", "Australie", "Australia"),
    ("AW", "Aruba", "Aruba"),
    ("AX", "Îles Åland", "Åland Islands"),
    ("AZ", "Azerbaïdjan", "Azerbaijan"),
    ("BA", "Bosnie-Herzégovine", "Bosnia and Herzegovina"),
    ("BB", "Barbade", "Barbados"),
    ("BD", "Bangladesh", "Bangladesh"),
    ("BE", "Belgique", "Belgium"),
    ("BF", "Burkina Faso", "Burkina Faso"),
    ("BG", "Bulgarie", "Bulgaria"),
    ("BH", "Bahreïn", "Bahrain"),
    ("BI", "Burundi", "Burundi"),
    ("BJ", "Bénin", "Benin"),
    ("BL", "Saint-Barthélemy", "Saint Barthélemy"),
    ("BM", "Bermudes", "Bermuda"),
    ("BN", "Brunei", "Brunei"),
    ("BO", "Bolivie", "Bolivia"),
    (
        "BQ",
        "Bonaire, Saint-Eustache et Saba",
        "Caribbean Netherlands",
    ),
    ("BR", "Brésil", "Brazil"),
    ("BS", "Bahamas", "Bahamas"),
    ("BT", "Bhoutan", "Bhutan"),
    ("BV", "Île Bouvet", "Bouvet Island"),
    ("BW", "Botswana", "Botswana"),
    ("BY", "Biélorussie", "Belarus"),
    ("BZ", "Belize", "Belize"),
    ("CA", "Canada", "Canada"),
    ("CC", "Îles Cocos (Keeling)", "Cocos (Keeling) Islands"),
    (
        "CD",
        "République démocratique du Congo",
        "Democratic Republic of the Congo",
    ),
    (
        "CF",
        "République centrafricaine",
        "Central African Republic",
    ),
    ("CG", "République du Congo", "Republic of the Congo"),
    ("CH", "Suisse", "Switzerland"),
    ("CI", "Côte d'Ivoire", "Côte d'Ivoire"),
    ("CK", "Îles Cook", "Cook Islands"),
    ("CL", "Chili", "Chile"),
    ("CM", "Cameroun", "Cameroon"),
    ("CN", "Chine", "China"),
    ("CO", "Colombie", "Colombia"),
    ("CR", "Costa Rica", "Costa Rica"),
    ("CU", "Cuba", "Cuba"),
    ("CV", "Cap-Vert", "Cabo Verde"),
    ("CW", "Curaçao", "Curaçao"),
    ("CX", "Île Christmas", "Christmas Island"),
    ("CY", "Chypre", "Cyprus"),
    ("CZ", "Tchéquie", "Czechia"),
    ("DE", "Allemagne", "Germany"),
    ("DJ", "Djibouti", "Djibouti"),
    ("DK", "Danemark", "Denmark"),
    ("DM", "Dominique", "Dominica"),
    ("DO", "République dominicaine", "Dominican Republic"),
    ("DZ", "Algérie", "Algeria"),
    ("EC", "Équateur", "Ecuador"),
    ("EE", "Estonie", "Estonia"),
    ("EG", "Égypte", "Egypt"),
    ("EH", "Sahara occidental", "Western Sahara"),
    ("ER", "Érythrée", "Eritrea"),
    ("ES", "Espagne", "Spain"),
    ("ET", "Éthiopie", "Ethiopia"),
    ("FI", "Finlande", "Finland"),
    ("FJ", "Fidji", "Fiji"),
    ("FK", "Îles Malouines (Falkland)", "Falkland Islands"),
    ("FM", "Micronésie", "Micronesia"),
    ("FO", "Îles Féroé", "Faroe Islands"),
    ("FR", "France", "France"),
    ("GA", "Gabon", "Gabon"),
    ("GB", "Royaume-Uni", "United Kingdom"),
    ("GD", "Grenade", "Grenada"),
    ("GE", "Géorgie", "Georgia"),
    ("GF", "Guyane française", "French Guiana"),
    ("GG", "Guernesey", "Guernsey"),
    ("GH", "Ghana", "Ghana"),
    ("GI", "Gibraltar", "Gibraltar"),
    ("GL", "Groenland", "Greenland"),
    ("GM", "Gambie", "Gambia"),
    ("GN", "Guinée", "Guinea"),
    ("GP", "Guadeloupe", "Guadeloupe"),
    ("GQ", "Guinée équatoriale", "Equatorial Guinea"),
    ("GR", "Grèce", "Greece"),
    (
        "GS",
        "Géorgie du Sud et les îles Sandwich du Sud",
        "South Georgia and the South Sandwich Islands",
    ),
    ("GT", "Guatemala", "Guatemala"),
    ("GU", "Guam", "Guam"),
    ("GW", "Guinée-Bissau", "Guinea-Bissau"),
    ("GY", "Guyana", "Guyana"),
    ("HK", "Hong Kong", "Hong Kong"),
    (
        "HM",
        "Îles Heard-et-MacDonald",
        "Heard Island and McDonald Islands",
    ),
    ("HN", "Honduras", "Honduras"),
    ("HR", "Croatie", "Croatia"),
    ("HT", "Haïti", "Haiti"),
    ("HU", "Hongrie", "Hungary"),
    ("ID", "Indonésie", "Indonesia"),
    ("IE", "Irlande", "Ireland"),
    ("IL", "Israël", "Israel"),
    ("IM", "Île de Man", "Isle of Man"),
    ("IN", "Inde", "India"),
    (
        "IO",
        "Territoire britannique de l'océan Indien",
        "British Indian Ocean Territory",
    ),
    ("IQ", "Irak", "Iraq"),
    ("IR", "Iran", "Iran"),
    ("IS", "Islande", "Iceland"),
    ("IT", "Italie", "Italy"),
    ("JE", "Jersey", "Jersey"),
    ("JM", "Jamaïque", "Jamaica"),
    ("JO", "Jordanie", "Jordan"),
    ("JP", "Japon", "Japan"),
    ("KE", "Kenya", "Kenya"),
    ("KG", "Kirghizistan", "Kyrgyzstan"),
    ("KH", "Cambodge", "Cambodia"),
    ("KI", "Kiribati", "Kiribati"),
    ("KM", "Comores", "Comoros"),
    ("KN", "Saint-Christophe-et-Niévès", "Saint Kitts and Nevis"),
    ("KP", "Corée du Nord", "North Korea"),
    ("KR", "Corée du Sud", "South Korea"),
    ("KW", "Koweït", "Kuwait"),
    ("KY", "Îles Caïmans", "Cayman Islands"),
    ("KZ", "Kazakhstan", "Kazakhstan"),
    ("LA", "Laos", "Laos"),
    ("LB", "Liban", "Lebanon"),
    ("LC", "Sainte-Lucie", "Saint Lucia"),
    ("LI", "Liechtenstein", "Liechtenstein"),
    ("LK", "Sri Lanka", "Sri Lanka"),
    ("LR", "Libéria", "Liberia"),
    ("LS", "Lesotho", "Lesotho"),
    ("LT", "Lituanie", "Lithuania"),
    ("LU", "Luxembourg", "Luxembourg"),
    ("LV", "Lettonie", "Latvia"),
    ("LY", "Libye", "Libya"),
    ("MA", "Maroc", "Morocco"),
    ("MC", "Monaco", "Monaco"),
    ("MD", "Moldavie", "Moldova"),
    ("ME", "Monténégro", "Montenegro"),
    (
        "MF",
        "Saint-Martin (partie française)",
        "Saint Martin (French part)",
    ),
    ("MG", "Madagascar", "Madagascar"),
    ("MH", "Îles Marshall", "Marshall Islands"),
    ("MK", "Macédoine du Nord", "North Macedonia"),
    ("ML", "Mali", "Mali"),
    ("MM", "Myanmar (Birmanie)", "Myanmar"),
    ("MN", "Mongolie", "Mongolia"),
    ("MO", "Macao", "Macao"),
    ("MP", "Îles Mariannes du Nord", "Northern Mariana Islands"),
    ("MQ", "Martinique", "Martinique"),
    ("MR", "Mauritanie", "Mauritania"),
    ("MS", "Montserrat", "Montserrat"),
    ("MT", "Malte", "Malta"),
    ("MU", "Maurice", "Mauritius"),
    ("MV", "Maldives", "Maldives"),
    ("MW", "Malawi", "Malawi"),
    ("MX", "Mexique", "Mexico"),
    ("MY", "Malaisie", "Malaysia"),
    ("MZ", "Mozambique", "Mozambique"),
    ("NA", "Namibie", "Namibia"),
    ("NC", "Nouvelle-Calédonie", "New Caledonia"),
    ("NE", "Niger", "Niger"),
    ("NF", "Île Norfolk", "Norfolk Island"),
    ("NG", "Nigeria", "Nigeria"),
    ("NI", "Nicaragua", "Nicaragua"),
    ("NL", "Pays-Bas", "Netherlands"),
    ("NO", "Norvège", "Norway"),
    ("NP", "Népal", "Nepal"),
    ("NR", "Nauru", "Nauru"),
    ("NU", "Nioue", "Niue"),
    ("NZ", "Nouvelle-Zélande", "New Zealand"),
    ("OM", "Oman", "Oman"),
    ("PA", "Panama", "Panama"),
    ("PE", "Pérou", "Peru"),
    ("PF", "Polynésie française", "French Polynesia"),
    ("PG", "Papouasie-Nouvelle-Guinée", "Papua New Guinea"),
    ("PH", "Philippines", "Philippines"),
    ("PK", "Pakistan", "Pakistan"),
    ("PL", "Pologne", "Poland"),
    (
        "PM",
        "Saint-Pierre-et-Miquelon",
        "Saint Pierre and Miquelon",
    ),
    ("PN", "Îles Pitcairn", "Pitcairn Islands"),
    ("PR", "Porto Rico", "Puerto Rico"),
    ("PS", "Palestine", "Palestine"),
    ("PT", "Portugal", "Portugal"),
    ("PW", "Palaos", "Palau"),
    ("PY", "Paraguay", "Paraguay"),
    ("QA", "Qatar", "Qatar"),
    ("RE", "La Réunion", "Réunion"),
    ("RO", "Roumanie", "Romania"),
    ("RS", "Serbie", "Serbia"),
    ("RU", "Russie", "Russia"),
    ("RW", "Rwanda", "Rwanda"),
    ("SA", "Arabie saoudite", "Saudi Arabia"),
    ("SB", "Îles Salomon", "Solomon Islands"),
    ("SC", "Seychelles", "Seychelles"),
    ("SD", "Soudan", "Sudan"),
    ("SE", "Suède", "Sweden"),
    ("SG", "Singapour", "Singapore"),
    (
        "SH",
        "Sainte-Hélène, Ascension et Tristan da Cunha",
        "Saint Helena, Ascension and Tristan da Cunha",
    ),
    ("SI", "Slovénie", "Slovenia"),
    ("SJ", "Svalbard et île Jan Mayen", "Svalbard and Jan Mayen"),
    ("SK", "Slovaquie", "Slovakia"),
    ("SL", "Sierra Leone", "Sierra Leone"),
    ("SM", "Saint-Marin", "San Marino"),
    ("SN", "Sénégal", "Senegal"),
    ("SO", "Somalie", "Somalia"),
    ("SR", "Surinam", "Suriname"),
    ("SS", "Soudan du Sud", "South Sudan"),
    ("ST", "Sao Tomé-et-Principe", "Sao Tome and Principe"),
    ("SV", "Salvador", "El Salvador"),
    (
        "SX",
        "Saint-Martin (partie néerlandaise)",
        "Sint Maarten (Dutch part)",
    ),
    ("SY", "Syrie", "Syria"),
    ("SZ", "Eswatini", "Eswatini"),
    ("TC", "Îles Turques-et-Caïques", "Turks and Caicos Islands"),
    ("TD", "Tchad", "Chad"),
    (
        "TF",
        "Terres australes françaises",
        "French Southern Territories",
    ),
    ("TG", "Togo", "Togo"),
    ("TH", "Thaïlande", "Thailand"),
    ("TJ", "Tadjikistan", "Tajikistan"),
    ("TK", "Tokelau", "Tokelau"),
    ("TL", "Timor oriental", "Timor-Leste"),
    ("TM", "Turkménistan", "Turkmenistan"),
    ("TN", "Tunisie", "Tunisia"),
    ("TO", "Tonga", "Tonga"),
    ("TR", "Turquie", "Türkiye"),
    ("TT", "Trinité-et-Tobago", "Trinidad and Tobago"),
    ("TV", "Tuvalu", "Tuvalu"),
    ("TW", "Taïwan", "Taiwan"),
    ("TZ", "Tanzanie", "Tanzania"),
    ("UA", "Ukraine", "Ukraine"),
    ("UG", "Ouganda", "Uganda"),
    (
        "UM",
        "Îles mineures éloignées des États-Unis",
        "United States Minor Outlying Islands",
    ),
    ("US", "États-Unis", "United States"),
    ("UY", "Uruguay", "Uruguay"),
    ("UZ", "Ouzbékistan", "Uzbekistan"),
    ("VA", "Saint-Siège (Vatican)", "Vatican City"),
    (
        "VC",
        "Saint-Vincent-et-les-Grenadines",
        "Saint Vincent and the Grenadines",
    ),
    ("VE", "Venezuela", "Venezuela"),
    ("VG", "Îles Vierges britanniques", "British Virgin Islands"),
    ("VI", "Îles Vierges des États-Unis", "U.S. Virgin Islands"),
    ("VN", "Viêt Nam", "Vietnam"),
    ("VU", "Vanuatu", "Vanuatu"),
    ("WF", "Wallis et Futuna", "Wallis and Futuna"),
    ("WS", "Samoa", "Samoa"),
    ("YE", "Yémen", "Yemen"),
    ("YT", "Mayotte", "Mayotte"),
    ("ZA", "Afrique du Sud", "South Africa"),
    ("ZM", "Zambie", "Zambia"),
    ("ZW", "Zimbabwe", "Zimbabwe"),
];

/// Indexes into `COUNTRIES`, sorted by French name (accents ignored).
static BY_NAME_FR: [u8; 249] = [
    2, 246, 5, 61, 56, 0, 7, 4, 8, 3, 192, 9, 6, 13, 12, 11, 15, 31, 22, 18, 17, 19, 36, 24, 26,
    32, 35, 28, 29, 16, 34, 30, 27, 21, 20, 23, 116, 46, 37, 51, 45, 47, 54, 48, 118, 120, 121, 49,
    43, 97, 50, 52, 58, 57, 59, 64, 1, 62, 66, 67, 63, 212, 232, 68, 70, 69, 74, 75, 84, 78, 89,
    81, 82, 88, 77, 83, 86, 91, 90, 80, 85, 87, 92, 93, 79, 98, 96, 94, 99, 33, 53, 103, 162, 14,
    123, 38, 44, 73, 95, 71, 148, 142, 231, 180, 193, 213, 238, 239, 104, 100, 106, 107, 101, 108,
    102, 109, 111, 113, 110, 112, 124, 114, 115, 117, 122, 187, 125, 131, 134, 126, 130, 135, 128,
    132, 133, 147, 143, 141, 157, 155, 154, 144, 152, 136, 149, 153, 150, 245, 156, 72, 138, 137,
    146, 139, 151, 158, 145, 159, 168, 167, 164, 161, 163, 169, 166, 160, 170, 171, 230, 234, 177,
    184, 182, 172, 175, 185, 165, 173, 176, 178, 174, 181, 183, 186, 40, 39, 60, 41, 188, 76, 190,
    191, 65, 25, 119, 203, 140, 210, 179, 235, 236, 198, 127, 209, 243, 10, 208, 204, 189, 194,
    202, 197, 201, 199, 205, 195, 207, 129, 196, 42, 206, 200, 211, 218, 227, 228, 214, 55, 215,
    105, 217, 220, 216, 219, 223, 225, 222, 221, 224, 226, 229, 233, 241, 237, 240, 242, 244, 247,
    248,
];

/// Indexes into `COUNTRIES`, sorted by English name (accents ignored).
static BY_NAME_EN: [u8; 249] = [
    2, 14, 5, 61, 10, 0, 7, 4, 8, 3, 9, 6, 13, 12, 11, 15, 31, 22, 18, 17, 35, 19, 36, 24, 26, 32,
    28, 16, 34, 33, 30, 105, 238, 27, 21, 20, 23, 51, 116, 46, 37, 29, 123, 40, 214, 45, 47, 53,
    38, 48, 118, 44, 49, 43, 97, 50, 52, 54, 55, 39, 58, 57, 59, 60, 62, 64, 209, 87, 66, 63, 212,
    68, 71, 73, 70, 69, 74, 79, 174, 215, 75, 84, 78, 56, 81, 82, 88, 83, 77, 86, 91, 90, 80, 85,
    92, 93, 98, 95, 96, 94, 99, 108, 104, 100, 107, 106, 101, 103, 102, 109, 111, 113, 110, 112,
    124, 114, 117, 122, 115, 125, 134, 126, 131, 130, 135, 128, 132, 133, 147, 141, 155, 157, 154,
    144, 152, 142, 149, 150, 153, 245, 156, 72, 138, 137, 146, 139, 151, 136, 158, 145, 159, 168,
    167, 165, 160, 170, 164, 161, 163, 169, 162, 120, 143, 148, 166, 171, 177, 184, 182, 172, 175,
    185, 173, 176, 180, 178, 183, 181, 186, 41, 187, 188, 190, 191, 25, 198, 119, 127, 140, 179,
    236, 243, 203, 208, 192, 204, 189, 194, 202, 197, 210, 201, 199, 193, 205, 246, 89, 121, 207,
    67, 129, 195, 206, 200, 196, 42, 211, 227, 218, 228, 217, 220, 216, 219, 223, 225, 222, 224,
    221, 213, 226, 239, 230, 229, 1, 76, 232, 231, 233, 234, 241, 235, 237, 240, 242, 65, 244, 247,
    248,
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, fr, en) in COUNTRIES.iter() {
            assert_eq!(code.len(), 2);
            assert!(code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!fr.is_empty() && !en.is_empty());
        }
        let mut fr: Vec<u8> = BY_NAME_FR.to_vec();
        fr.sort_unstable();
        assert_eq!(fr, (0..=248).collect::<Vec<u8>>());
        let mut en: Vec<u8> = BY_NAME_EN.to_vec();
        en.sort_unstable();
        assert_eq!(en, (0..=248).collect::<Vec<u8>>());
    }

    #[test]
    fn constants_are_known() {
        assert_eq!(MALI.name(Lang::Fr), "Mali");
        assert_eq!(BURKINA_FASO.name(Lang::En), "Burkina Faso");
        assert_eq!(NIGER.as_str(), "NE");
        assert_eq!(names(&AES, Lang::Fr), "Mali, Burkina Faso, Niger");
        assert!(MALI.is_aes());
        assert!(!Country::parse("SN").unwrap().is_aes());
    }

    #[test]
    fn parse() {
        assert_eq!(Country::parse("ml"), Ok(MALI));
        assert_eq!(Country::parse(" BF "), Ok(BURKINA_FASO));
        assert_eq!(Country::parse("XX"), Err(ParseError::UnknownCountry));
        assert_eq!(Country::parse("MLI"), Err(ParseError::UnknownCountry));
        assert_eq!(Country::parse("é"), Err(ParseError::UnknownCountry));
        assert_eq!(Country::parse(""), Err(ParseError::UnknownCountry));
        let c = Country::parse("CI").unwrap();
        assert_eq!(c.name(Lang::Fr), "Côte d'Ivoire");
        assert_eq!(Country::parse("DE").unwrap().name(Lang::Fr), "Allemagne");
        assert_eq!(Country::parse("DE").unwrap().name(Lang::En), "Germany");
        assert_eq!(format!("{c:?}"), "Country(CI)");
    }

    #[test]
    fn serde_as_code() {
        assert_eq!(serde_json::to_string(&AES).unwrap(), r#"["ML","BF","NE"]"#);
        let v: Vec<Country> = serde_json::from_str(r#"["ml","NE"]"#).unwrap();
        assert_eq!(v, vec![MALI, NIGER]);
        assert!(serde_json::from_str::<Country>(r#""ZZ""#).is_err());
    }

    #[test]
    fn all_sorted_by_name() {
        let fr: Vec<Country> = Country::all(Lang::Fr).collect();
        assert_eq!(fr.len(), 249);
        assert_eq!(fr[0].name(Lang::Fr), "Afghanistan");
        assert_eq!(fr[1].name(Lang::Fr), "Afrique du Sud");
        // "Égypte" sorts with E, not after Z.
        let pos = |name: &str| fr.iter().position(|c| c.name(Lang::Fr) == name).unwrap();
        assert!(pos("Égypte") < pos("Espagne"));
        let en: Vec<&str> = Country::all(Lang::En).map(|c| c.name(Lang::En)).collect();
        assert_eq!(en[0], "Afghanistan");
        assert!(
            en.iter().position(|n| *n == "Åland Islands") < en.iter().position(|n| *n == "Albania")
        );
    }

    proptest! {
        #[test]
        fn parse_roundtrip(i in 0usize..249) {
            let code = COUNTRIES[i].0;
            let c = Country::parse(code).unwrap();
            prop_assert_eq!(c.as_str(), code);
            prop_assert_eq!(Country::parse(&code.to_lowercase()), Ok(c));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,4}") {
            let _ = Country::parse(&s);
        }
    }
}
