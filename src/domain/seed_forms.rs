//! The three 2026 tracks of the Semaine du Numérique call for applications:
//! start-ups/SMEs of the AES, Malian administration services, and the
//! cybersecurity hackathon for Malian junior cyber-defenders. Used to seed a new edition;
//! organisers can then edit the JSON in the back office.

use super::country::{AES, MALI};
use super::eligibility::{Members, Rule};
use super::form::{Choice, Field, FieldKind, FileKind, FormDefinition, Section, ShownWhen};
use super::types::Localized;

const MB: u64 = 1024 * 1024;

/// A phone camera's photo of an ID card weighs 3–10 MB; it is accepted up to this size and
/// stored reduced (see `applications::uploads`).
const ID_PHOTO_MAX_BYTES: u64 = 12 * MB;

fn loc(fr: &str, en: &str) -> Localized {
    Localized::new(fr, en)
}

fn choice(value: &str, fr: &str, en: &str) -> Choice {
    Choice {
        value: value.into(),
        label: loc(fr, en),
    }
}

fn field(key: &str, fr: &str, en: &str, required: bool, kind: FieldKind) -> Field {
    Field {
        key: key.into(),
        label: loc(fr, en),
        help: None,
        required,
        personal: false,
        shown_when: None,
        kind,
    }
}

fn personal(mut f: Field) -> Field {
    f.personal = true;
    f
}

fn help(mut f: Field, fr: &str, en: &str) -> Field {
    f.help = Some(loc(fr, en));
    f
}

fn section(key: &str, fr: &str, en: &str, fields: Vec<Field>) -> Section {
    Section {
        key: key.into(),
        title: loc(fr, en),
        fields,
    }
}

fn text(max_len: u32) -> FieldKind {
    FieldKind::Text { max_len }
}

fn long(max_len: u32) -> FieldKind {
    FieldKind::LongText { max_len }
}

fn gender_options() -> Vec<Choice> {
    vec![choice("f", "Femme", "Woman"), choice("m", "Homme", "Man")]
}

fn consent() -> Field {
    field(
        "consent",
        "J'atteste l'exactitude des informations fournies et j'accepte le règlement du concours ainsi que le traitement de mes données personnelles pour les besoins de la sélection.",
        "I certify that the information provided is accurate and I accept the competition rules and the processing of my personal data for the selection.",
        true,
        FieldKind::Consent,
    )
}

/// Optional: the structure may be listed in the ecosystem's public directory, from what the
/// application says (nothing is copied without it ticked).
pub const DIRECTORY_CONSENT: &str = "directory_consent";

fn directory_consent() -> Field {
    field(
        DIRECTORY_CONSENT,
        "J'accepte que ma structure figure dans l'annuaire public de l'écosystème du numérique, à partir de cette candidature (nom, présentation, pays, domaine ; jamais mes coordonnées). Je pourrai vérifier la fiche avant sa publication, la compléter ou la retirer.",
        "I agree that my organisation be listed in the public directory of the digital ecosystem, from this application (name, description, country, domain; never my contact details). I will be able to check the profile before it is published, complete it or remove it.",
        false,
        FieldKind::Consent,
    )
}

/// Team members, the leader first. Start-ups also give each member's nationality (the
/// call is for nationals of the AES).
fn team(max_items: u32, with_nationality: bool) -> Field {
    let mut fields = vec![
        personal(field("name", "Nom et prénom", "Full name", true, text(120))),
        field("role", "Rôle", "Role", true, text(120)),
        field(
            "gender",
            "Genre",
            "Gender",
            true,
            FieldKind::SingleChoice {
                options: gender_options(),
            },
        ),
        field(
            "age",
            "Âge",
            "Age",
            false,
            FieldKind::Number {
                min: Some(15),
                max: Some(99),
            },
        ),
    ];
    if with_nationality {
        fields.push(field(
            "nationality",
            "Nationalité",
            "Nationality",
            true,
            FieldKind::Country { allowed: None },
        ));
    }
    help(
        field(
            "team",
            "Membres de l'équipe",
            "Team members",
            true,
            FieldKind::Group {
                fields,
                min_items: 1,
                max_items,
            },
        ),
        "Une ligne par membre, en commençant par le ou la responsable du projet.",
        "One row per member, starting with the project leader.",
    )
}

fn leader_gender() -> Field {
    field(
        "leader_gender",
        "Genre du ou de la responsable du projet",
        "Gender of the project leader",
        true,
        FieldKind::SingleChoice {
            options: gender_options(),
        },
    )
}

fn domain_field() -> Field {
    field(
        "domain",
        "Domaine",
        "Domain",
        true,
        FieldKind::SingleChoice { options: domains() },
    )
}

/// The 18 competition domains (values are slugs).
pub fn domains() -> Vec<Choice> {
    vec![
        choice("e_administration", "E-Administration", "E-Government"),
        choice("e_environment", "E-environnement", "E-Environment"),
        choice("e_post", "E-Poste", "E-Post"),
        choice(
            "e_security_defence",
            "E-sécurité/défense",
            "E-Security/Defence",
        ),
        choice("civictech", "CivicTech", "CivicTech"),
        choice("cybersecurity", "Cybersécurité", "Cybersecurity"),
        choice("e_health", "E-santé", "E-Health"),
        choice("e_transport", "E-Transport", "E-Transport"),
        choice("e_education", "E-éducation", "E-Education"),
        choice("fintech", "Fintech", "Fintech"),
        choice("robotics", "Robotique", "Robotics"),
        choice("energytech", "EnergieTech", "EnergyTech"),
        choice("e_agriculture", "E-agriculture", "E-Agriculture"),
        choice("e_commerce", "E-Commerce", "E-Commerce"),
        choice("e_culture", "E-Culture", "E-Culture"),
        choice("legaltech", "LegalTech", "LegalTech"),
        choice("ai", "IA", "AI"),
        choice("e_learning", "E-Learning", "E-Learning"),
    ]
}

fn applicant_kind() -> Field {
    field(
        "applicant_kind",
        "Type de candidat",
        "Applicant type",
        true,
        FieldKind::SingleChoice {
            options: vec![
                choice(
                    "company",
                    "Entreprise (start-up, PME)",
                    "Company (start-up, SME)",
                ),
                choice(
                    "administration",
                    "Service de l'administration",
                    "Government service",
                ),
                choice("individual", "Particulier", "Individual"),
            ],
        },
    )
}

/// Track 1: start-ups and SMEs of the AES (Mali, Burkina Faso, Niger).
pub fn startup_form() -> FormDefinition {
    FormDefinition {
        sections: vec![
            section(
                "company",
                "L'entreprise",
                "The company",
                vec![
                    applicant_kind(),
                    field("company_name", "Raison sociale", "Company name", true, text(200)),
                    field(
                        "country",
                        "Pays d'immatriculation",
                        "Country of registration",
                        true,
                        FieldKind::Country { allowed: Some(AES.to_vec()) },
                    ),
                    field("founded_on", "Date de création", "Founding date", true, FieldKind::Date),
                    field("website", "Site web", "Website", false, FieldKind::Url),
                    personal(field("contact_email", "E-mail de contact", "Contact e-mail", true, FieldKind::Email)),
                    personal(field("contact_phone", "Téléphone de contact", "Contact phone", true, FieldKind::Phone)),
                ],
            ),
            section(
                "project",
                "Le projet",
                "The project",
                vec![
                    field("project_title", "Titre du projet", "Project title", true, text(200)),
                    field("summary", "Résumé du projet", "Project summary", true, long(2000)),
                    domain_field(),
                    help(
                        field("innovation", "Caractère innovant", "Innovation", true, long(2000)),
                        "En quoi votre solution est-elle nouvelle ou meilleure que l'existant ?",
                        "How is your solution new or better than what exists?",
                    ),
                    help(
                        field("growth_potential", "Potentiel de croissance", "Growth potential", true, long(2000)),
                        "Marché visé, modèle économique, perspectives de développement et d'emplois.",
                        "Target market, business model, growth and job-creation prospects.",
                    ),
                    field(
                        "awards",
                        "Prix, distinctions ou brevets",
                        "Awards, distinctions or patents",
                        false,
                        long(1000),
                    ),
                ],
            ),
            section("team", "L'équipe", "The team", vec![team(10, true), leader_gender()]),
            section(
                "documents",
                "Pièces et engagement",
                "Documents and commitment",
                vec![
                    field(
                        "technical_sheet",
                        "Fiche technique du projet",
                        "Project technical sheet",
                        true,
                        FieldKind::File { kinds: vec![FileKind::Pdf], max_bytes: 10 * MB, id_document: false },
                    ),
                    consent(),
                    directory_consent(),
                ],
            ),
        ],
    }
}

/// Start-ups: "être de nationalité d'un pays membre de l'AES", read as a company registered
/// in the AES whose project leader (first team row) is a national of the AES (organisers may
/// require a majority or every member instead), applying as a company with the project's
/// technical sheet.
pub fn startup_rules() -> Vec<Rule> {
    vec![
        Rule::NationalityIn {
            field: "country".into(),
            countries: AES.to_vec(),
        },
        Rule::MembersNationalityIn {
            group: "team".into(),
            field: "nationality".into(),
            countries: AES.to_vec(),
            who: Members::Leader,
        },
        Rule::ApplicantKindIn {
            field: "applicant_kind".into(),
            kinds: vec!["company".into()],
        },
        // "mise à disposition de fiche technique de projet".
        Rule::DocumentsAllOf {
            fields: vec!["technical_sheet".into()],
        },
    ]
}

/// Track 2: services of the Malian administration (e-government projects).
pub fn administration_form() -> FormDefinition {
    FormDefinition {
        sections: vec![
            section(
                "service",
                "Le service",
                "The service",
                vec![
                    applicant_kind(),
                    field("service_name", "Nom du service", "Service name", true, text(200)),
                    field("ministry", "Ministère de tutelle", "Supervising ministry", true, text(200)),
                    field(
                        "country",
                        "Pays",
                        "Country",
                        true,
                        FieldKind::Country { allowed: Some(vec![MALI]) },
                    ),
                    field(
                        "is_malian_administration",
                        "Le service relève-t-il de l'administration malienne ?",
                        "Is the service part of the Malian administration?",
                        true,
                        FieldKind::YesNo,
                    ),
                    personal(field("contact_name", "Personne à contacter", "Contact person", true, text(120))),
                    personal(field("contact_title", "Fonction de la personne à contacter", "Contact person's position", false, text(120))),
                    personal(field("contact_email", "E-mail", "E-mail", true, FieldKind::Email)),
                    personal(field("contact_phone", "Téléphone", "Phone", true, FieldKind::Phone)),
                ],
            ),
            section(
                "questionnaire",
                "Questionnaire",
                "Questionnaire",
                vec![
                    field("project_title", "Intitulé du projet d'e-administration", "E-government project title", true, text(200)),
                    field("project_description", "Description du projet", "Project description", true, long(2000)),
                    domain_field(),
                    field(
                        "users",
                        "Quels sont les usagers du service numérique (citoyens, entreprises, agents) ?",
                        "Who are the users of the digital service (citizens, businesses, civil servants)?",
                        true,
                        long(1000),
                    ),
                    field(
                        "user_count",
                        "Nombre d'usagers (estimation)",
                        "Number of users (estimate)",
                        false,
                        FieldKind::Number { min: Some(0), max: None },
                    ),
                    field(
                        "status",
                        "État d'avancement",
                        "Status",
                        true,
                        FieldKind::SingleChoice {
                            options: vec![
                                choice("idea", "Idée / étude", "Idea / study"),
                                choice("development", "En cours de développement", "Under development"),
                                choice("pilot", "Phase pilote", "Pilot"),
                                choice("production", "En service", "In production"),
                            ],
                        },
                    ),
                    field("launched_on", "Date de mise en service", "Launch date", false, FieldKind::Date),
                    field("website", "Adresse du service en ligne", "Online service address", false, FieldKind::Url),
                    field(
                        "impact",
                        "Impact : gains pour les usagers et l'administration (délais, coûts, transparence)",
                        "Impact: benefits for users and the administration (time, cost, transparency)",
                        true,
                        long(2000),
                    ),
                    field("sustainability", "Pérennité et financement", "Sustainability and funding", false, long(1000)),
                ],
            ),
            section(
                "team",
                "L'équipe",
                "The team",
                vec![team(20, false), leader_gender(), consent(), directory_consent()],
            ),
        ],
    }
}

/// Administration: "être un service de l'administration malienne": applying as an
/// administration, located in Mali, and answering yes to belonging to it.
pub fn administration_rules() -> Vec<Rule> {
    vec![
        Rule::ApplicantKindIn {
            field: "applicant_kind".into(),
            kinds: vec!["administration".into()],
        },
        Rule::NationalityIn {
            field: "country".into(),
            countries: vec![MALI],
        },
        Rule::YesNoIs {
            field: "is_malian_administration".into(),
            expected: true,
        },
    ]
}

/// The upload of one kind of ID document, asked of those who chose that kind.
fn id_file(key: &str, fr: &str, en: &str, chosen_kind: &str) -> Field {
    let mut f = personal(field(
        key,
        fr,
        en,
        true,
        FieldKind::File {
            kinds: vec![FileKind::Jpeg, FileKind::Png, FileKind::Pdf],
            max_bytes: ID_PHOTO_MAX_BYTES,
            id_document: true,
        },
    ));
    f.shown_when = Some(ShownWhen {
        field: "id_document_kind".into(),
        equals: chosen_kind.into(),
    });
    f
}

/// Track 3: cybersecurity hackathon for Malian cyber-defenders.
pub fn hackathon_form() -> FormDefinition {
    FormDefinition {
        sections: vec![
            section(
                "identity",
                "Identité",
                "Identity",
                vec![
                    personal(field("first_name", "Prénom", "First name", true, text(100))),
                    personal(field("last_name", "Nom", "Last name", true, text(100))),
                    personal(field(
                        "birth_date",
                        "Date de naissance",
                        "Date of birth",
                        true,
                        FieldKind::Date,
                    )),
                    field(
                        "gender",
                        "Genre",
                        "Gender",
                        true,
                        FieldKind::SingleChoice {
                            options: gender_options(),
                        },
                    ),
                    field(
                        "nationality",
                        "Nationalité",
                        "Nationality",
                        true,
                        FieldKind::Country { allowed: None },
                    ),
                    personal(field("email", "E-mail", "E-mail", true, FieldKind::Email)),
                    personal(field("phone", "Téléphone", "Phone", true, FieldKind::Phone)),
                ],
            ),
            section(
                "documents",
                "Pièce d'identité",
                "Identity document",
                vec![
                    personal(field(
                        "id_document_kind",
                        "Type de pièce d'identité",
                        "Identity document type",
                        true,
                        FieldKind::SingleChoice {
                            options: vec![
                                choice(
                                    "national_id",
                                    "Carte d'identité nationale",
                                    "National identity card",
                                ),
                                choice("nina", "Carte NINA", "NINA card"),
                                choice("passport", "Passeport", "Passport"),
                            ],
                        },
                    )),
                    id_file(
                        "id_card",
                        "Carte d'identité nationale",
                        "National identity card",
                        "national_id",
                    ),
                    id_file("nina_card", "Carte NINA", "NINA card", "nina"),
                    id_file("passport", "Passeport", "Passport", "passport"),
                ],
            ),
            section(
                "motivation",
                "Motivation",
                "Motivation",
                vec![
                    help(
                        field(
                            "motivation_letter",
                            "Lettre de motivation",
                            "Motivation letter",
                            true,
                            long(3000),
                        ),
                        "Adressée à Monsieur le Président de la sous-commission.",
                        "Addressed to the President of the sub-commission.",
                    ),
                    help(
                        field(
                            "team_name",
                            "Nom d'équipe ou pseudonyme",
                            "Team name or pseudonym",
                            true,
                            text(100),
                        ),
                        "Affiché publiquement (finalistes, résultats, attestations) : inutile d'y mettre votre nom.",
                        "Shown publicly (finalists, results, certificates): no need to use your name.",
                    ),
                    consent(),
                ],
            ),
        ],
    }
}

/// Hackathon: Malian, with an identity document. The call states no age limit; organisers
/// may add an `age_between` rule on the birth date.
pub fn hackathon_rules() -> Vec<Rule> {
    vec![
        Rule::NationalityIn {
            field: "nationality".into(),
            countries: vec![MALI],
        },
        Rule::DocumentsAnyOf {
            fields: vec!["id_card".into(), "nina_card".into(), "passport".into()],
        },
    ]
}

/// The questions of an attendee category (`visitor`, `press`, `delegation`, `exhibitor`,
/// `speaker`, `official`, `staff`) besides the name and organisation every badge shows: one
/// page, the category's own fields, the gender (optional, for the statistics disaggregated by
/// gender) and the consent to the processing of the data.
pub fn attendee_form(category: &str) -> FormDefinition {
    let mut fields = match category {
        "press" => vec![
            field("media", "Média", "Media outlet", true, text(120)),
            personal(field(
                "press_card",
                "Numéro de carte de presse",
                "Press card number",
                true,
                text(40),
            )),
        ],
        "delegation" => vec![
            field(
                "country",
                "Pays de la délégation",
                "Delegation's country",
                true,
                FieldKind::Country {
                    allowed: Some(AES.to_vec()),
                },
            ),
            field("function", "Fonction", "Position", true, text(120)),
        ],
        "exhibitor" => vec![help(
            field(
                "stand_needs",
                "Besoins pour le stand",
                "Stand requirements",
                false,
                long(500),
            ),
            "Électricité, écran, connexion…",
            "Power, screen, network…",
        )],
        "speaker" => vec![field(
            "session",
            "Session où vous intervenez",
            "Session you speak in",
            false,
            text(200),
        )],
        "official" => vec![field("function", "Fonction", "Position", true, text(120))],
        "staff" => vec![field("team", "Équipe", "Team", true, text(80))],
        _ => vec![field(
            "sector",
            "Secteur d'activité",
            "Sector",
            false,
            text(100),
        )],
    };
    fields.push(help(
        field(
            "gender",
            "Genre",
            "Gender",
            false,
            FieldKind::SingleChoice {
                options: gender_options(),
            },
        ),
        "Facultatif : sert aux statistiques par genre.",
        "Optional: used for the statistics by gender.",
    ));
    fields.push(field(
        "consent",
        "J'accepte le traitement de mes données personnelles pour l'organisation de l'événement (inscription, badge, contrôle d'accès).",
        "I accept the processing of my personal data to organise the event (registration, badge, access control).",
        true,
        FieldKind::Consent,
    ));
    FormDefinition {
        sections: vec![section(
            "attendee",
            "Votre participation",
            "Your participation",
            fields,
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::eligibility::{check_rules, evaluate};
    use crate::domain::form::{check_complete, parse_section, women_led, Answer, Answers};
    use crate::domain::types::Lang;
    use crate::i18n::Say;
    use jiff::civil::date;

    fn raw(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn seeds_are_valid() {
        for (form, rules) in [
            (startup_form(), startup_rules()),
            (administration_form(), administration_rules()),
            (hackathon_form(), hackathon_rules()),
        ] {
            assert_eq!(form.check(), Ok(()));
            assert_eq!(check_rules(&rules, &form), Ok(()));
            let json = serde_json::to_string(&form).unwrap();
            assert_eq!(serde_json::from_str::<FormDefinition>(&json).unwrap(), form);
        }
        assert_eq!(domains().len(), 18);
    }

    #[test]
    fn personal_fields_are_marked() {
        let h = hackathon_form();
        for key in [
            "first_name",
            "last_name",
            "birth_date",
            "email",
            "phone",
            "id_card",
            "nina_card",
            "passport",
        ] {
            assert!(h.field(key).unwrap().personal, "{key}");
        }
        assert!(!h.field("motivation_letter").unwrap().personal);
        let s = startup_form();
        assert!(s.field("contact_email").unwrap().personal);
        assert!(!s.field("summary").unwrap().personal);
    }

    #[test]
    fn hackathon_end_to_end() {
        let def = hackathon_form();
        let mut a = Answers::default();
        a = parse_section(
            &def,
            0,
            &raw(&[
                ("first_name", "Aminata"),
                ("last_name", "Keïta"),
                ("birth_date", "29/02/2004"),
                ("gender", "f"),
                ("nationality", "ML"),
                ("email", "aminata@example.ml"),
                ("phone", "76 00 00 00"),
            ]),
            &a,
        )
        .answers;
        a = parse_section(&def, 1, &raw(&[("id_document_kind", "nina")]), &a).answers;
        a = parse_section(
            &def,
            2,
            &raw(&[
                ("motivation_letter", "Monsieur le Président, …"),
                ("team_name", "Les Pare-feu"),
                ("consent", "on"),
            ]),
            &a,
        )
        .answers;
        // The NINA card chosen, its upload is the one missing (not the ID card's, not the
        // passport's).
        let missing: Vec<String> = check_complete(&def, &a).into_keys().collect();
        assert_eq!(missing, ["nina_card"]);
        let verdict = evaluate(&hackathon_rules(), &def, &a, date(2026, 5, 1));
        assert_eq!(verdict.failures.len(), 1);
        assert!(verdict.failures[0]
            .reason
            .message(Lang::En)
            .contains("National identity card, NINA card, Passport"));
        a.0.insert(
            "nina_card".into(),
            Answer::File {
                file_id: "x".into(),
                name: "nina.jpg".into(),
            },
        );
        assert!(check_complete(&def, &a).is_empty());
        assert!(evaluate(&hackathon_rules(), &def, &a, date(2026, 5, 1)).is_eligible());
        // A passport uploaded before the choice is not part of what is judged.
        a.0.insert(
            "passport".into(),
            Answer::File {
                file_id: "y".into(),
                name: "passeport.pdf".into(),
            },
        );
        let judged = crate::domain::form::asked_answers(&def, &a);
        assert!(judged.get("nina_card").is_some() && judged.get("passport").is_none());
    }

    #[test]
    fn startup_team_and_rules() {
        let def = startup_form();
        let a = parse_section(
            &def,
            2,
            &raw(&[
                ("team[0][name]", "Awa"),
                ("team[0][role]", "CEO"),
                ("team[0][gender]", "f"),
                ("team[0][nationality]", "SN"),
                ("team[1][name]", "Moussa"),
                ("team[1][role]", "CTO"),
                ("team[1][gender]", "m"),
                ("team[1][nationality]", "ML"),
                ("leader_gender", "m"),
            ]),
            &Answers::default(),
        );
        assert!(a.is_valid());
        assert!(women_led(
            &a.answers,
            "team",
            "gender",
            Some("leader_gender")
        ));
        let a = parse_section(
            &def,
            0,
            &raw(&[("applicant_kind", "company"), ("country", "SN")]),
            &a.answers,
        );
        assert_eq!(a.errors["country"].code, "country_not_allowed");
        // Registered outside the AES (not kept), led by a Senegalese national, no sheet yet.
        let v = evaluate(&startup_rules(), &def, &a.answers, date(2026, 5, 1));
        assert_eq!(
            v.failures.iter().map(|f| f.rule_index).collect::<Vec<_>>(),
            vec![0, 1, 3]
        );
        let mut a = a;
        a.answers.0.insert(
            "technical_sheet".into(),
            Answer::File {
                file_id: "x".into(),
                name: "fiche.pdf".into(),
            },
        );
        // Registered in Mali: the leader's nationality still fails.
        let a = parse_section(
            &def,
            0,
            &raw(&[("applicant_kind", "company"), ("country", "ML")]),
            &a.answers,
        );
        let v = evaluate(&startup_rules(), &def, &a.answers, date(2026, 5, 1));
        assert_eq!(
            v.failures.iter().map(|f| f.rule_index).collect::<Vec<_>>(),
            vec![1]
        );
        assert!(v.failures[0].reason.message(Lang::En).contains("leader"));
    }

    #[test]
    fn administration_no_fails_and_no_age_rule_by_default() {
        let def = administration_form();
        let a = parse_section(
            &def,
            0,
            &raw(&[
                ("applicant_kind", "administration"),
                ("country", "ML"),
                ("is_malian_administration", "no"),
            ]),
            &Answers::default(),
        );
        let v = evaluate(&administration_rules(), &def, &a.answers, date(2026, 5, 1));
        assert_eq!(v.failures.len(), 1);
        assert!(v.failures[0]
            .reason
            .message(Lang::Fr)
            .contains("doit être « Oui »"));
        // Rules the call does not state are off: no seeded track has an age rule.
        for rules in [startup_rules(), administration_rules(), hackathon_rules()] {
            assert!(!rules.iter().any(|r| matches!(r, Rule::AgeBetween { .. })));
        }
    }
}
