//! Duplicate profiles, free of I/O: which profiles look like the same organisation (the same
//! name once folded, or the same website), and what a merge keeps. The organisers decide:
//! these are suggestions, never merged on their own.

use std::collections::{BTreeMap, HashMap};

use super::import::{name_key, website_key};
use super::rules::{ActorInput, SECTORS_MAX};

/// A profile as the suggestions see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub website: String,
}

/// Groups of two or more profiles sharing a folded name or a website, directly or through
/// another profile of the group; each group by id, the groups by their first id.
pub fn groups(candidates: &[Candidate]) -> Vec<Vec<i64>> {
    // Union-find over the candidates' positions.
    let mut parent: Vec<usize> = (0..candidates.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first_with: HashMap<String, usize> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        let name = name_key(&c.name);
        let keys = [
            (!name.is_empty()).then(|| format!("n:{name}")),
            website_key(&c.website).map(|w| format!("w:{w}")),
        ];
        for key in keys.into_iter().flatten() {
            match first_with.get(&key) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    first_with.insert(key, i);
                }
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        let r = root(&mut parent, i);
        by_root.entry(r).or_default().push(c.id);
    }
    let mut groups: Vec<Vec<i64>> = by_root
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect();
    groups.sort();
    groups
}

/// The profile kept by a merge: the kept one's values, each empty field filled from the
/// others in turn, their sectors added (up to the limit), "women-led" and "young founders"
/// kept if any said so. What the kept profile keeps private stays private.
pub fn merged(kept: &ActorInput, others: &[ActorInput]) -> ActorInput {
    let mut out = kept.clone();
    for other in others {
        for (mine, theirs) in [
            (&mut out.description_fr, &other.description_fr),
            (&mut out.description_en, &other.description_en),
            (&mut out.region, &other.region),
            (&mut out.town, &other.town),
            (&mut out.stage, &other.stage),
            (&mut out.founded_year, &other.founded_year),
            (&mut out.team_size, &other.team_size),
            (&mut out.website, &other.website),
            (&mut out.social_links, &other.social_links),
            (&mut out.contact_email, &other.contact_email),
            (&mut out.funding_sought, &other.funding_sought),
            (&mut out.funding_offered, &other.funding_offered),
        ] {
            if mine.trim().is_empty() {
                mine.clone_from(theirs);
            }
        }
        if out.women_led.is_none() {
            out.women_led.clone_from(&other.women_led);
        }
        if out.young_founders.is_none() {
            out.young_founders.clone_from(&other.young_founders);
        }
        for sector in &other.sectors {
            if out.sectors.len() < SECTORS_MAX && !out.sectors.contains(sector) {
                out.sectors.push(sector.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(id: i64, name: &str, website: &str) -> Candidate {
        Candidate {
            id,
            name: name.into(),
            website: website.into(),
        }
    }

    #[test]
    fn same_names_and_sites_are_grouped_transitively() {
        let all = [
            c(1, "Réseau Santé", ""),
            c(2, "Orange Fab", "https://orangefab.ml"),
            c(3, "RESEAU  sante", "http://www.kayes.ml/"),
            c(4, "Kayes Lab", "https://kayes.ml"),
            c(5, "Orange Fab Mali", "http://orangefab.ml/"),
            c(6, "Seul", ""),
            c(7, "Autre", ""),
        ];
        assert_eq!(groups(&all), vec![vec![1, 3, 4], vec![2, 5]]);
        assert!(groups(&[c(1, "A", ""), c(2, "B", "")]).is_empty());
    }

    #[test]
    fn a_merge_fills_gaps_and_keeps_what_the_kept_profile_says() {
        let kept = ActorInput {
            name: "Réseau Santé".into(),
            description_fr: "Téléconsultation".into(),
            sectors: vec!["e_health".into()],
            private: vec!["town".into()],
            ..ActorInput::default()
        };
        let other = ActorInput {
            name: "RESEAU SANTE".into(),
            description_fr: "Autre texte".into(),
            town: "Kayes".into(),
            website: "https://reseau.ml".into(),
            women_led: Some("yes".into()),
            sectors: vec!["e_health".into(), "ai".into()],
            ..ActorInput::default()
        };
        let m = merged(&kept, &[other]);
        assert_eq!(m.name, "Réseau Santé");
        assert_eq!(m.description_fr, "Téléconsultation");
        assert_eq!(m.town, "Kayes");
        assert_eq!(m.website, "https://reseau.ml");
        assert_eq!(m.women_led.as_deref(), Some("yes"));
        assert_eq!(m.sectors, vec!["e_health", "ai"]);
        assert_eq!(m.private, vec!["town"]);
    }

    proptest! {
        /// Every profile is in at most one group, and two profiles with the same folded name
        /// (one with letters or digits) are always in the same one.
        #[test]
        fn groups_partition_and_never_miss_a_same_name(
            names in proptest::collection::vec("[aAéb ]{1,3}", 0..30)
        ) {
            let all: Vec<Candidate> = names.iter().enumerate()
                .map(|(i, n)| c(i as i64, n, "")).collect();
            let found = groups(&all);
            let mut seen = std::collections::HashSet::new();
            for g in &found {
                for id in g {
                    prop_assert!(seen.insert(*id));
                }
            }
            for a in &all {
                for b in &all {
                    let key = name_key(&a.name);
                    if a.id < b.id && !key.is_empty() && key == name_key(&b.name) {
                        prop_assert!(found.iter().any(|g| g.contains(&a.id) && g.contains(&b.id)));
                    }
                }
            }
        }
    }
}
