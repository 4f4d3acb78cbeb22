//! SMS length: which encoding a text needs and how many parts it takes, and the rewriting
//! that keeps French texts in GSM-7 (one part holds 160 GSM-7 characters but only 70 UCS-2
//! ones, so a single `ê` or `’` can triple the price of a message). Pure, no I/O.

/// GSM 03.38 basic character set (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table (an escape septet plus one).
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

const GSM7_SINGLE: usize = 160;
const GSM7_MULTI: usize = 153;
const UCS2_SINGLE: usize = 70;
const UCS2_MULTI: usize = 67;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

/// The size of one SMS text as the network counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsLength {
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    /// Parts of a concatenated message (at least 1).
    pub parts: usize,
}

fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// How `text` is encoded and how many parts it takes (160/153 GSM-7 septets, 70/67 UCS-2
/// units per part).
pub fn measure(text: &str) -> SmsLength {
    let septets: Option<usize> = text.chars().map(gsm7_septets).sum();
    let (encoding, units, single, multi) = match septets {
        Some(n) => (Encoding::Gsm7, n, GSM7_SINGLE, GSM7_MULTI),
        None => (
            Encoding::Ucs2,
            text.encode_utf16().count(),
            UCS2_SINGLE,
            UCS2_MULTI,
        ),
    };
    let parts = if units <= single {
        1
    } else {
        units.div_ceil(multi)
    };
    SmsLength {
        encoding,
        units,
        parts,
    }
}

/// Typographic characters replaced by their plain equivalents in every SMS: the reader loses
/// nothing, and the text can stay GSM-7.
fn plain_punctuation(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' => " ",
        '\u{2018}' | '\u{2019}' | '\u{2032}' => "'",
        '\u{201c}' | '\u{201d}' | '«' | '»' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => "-",
        '\u{2026}' => "...",
        // Bidirectional isolation marks carry nothing in a plain-text SMS.
        '\u{2066}'..='\u{2069}' => "",
        _ => return None,
    })
}

/// Accented letters GSM-7 cannot carry, with their unaccented forms (`é`, `è`, `à`, `ù`,
/// `Ç`… are GSM-7 and kept).
fn unaccented(c: char) -> Option<&'static str> {
    Some(match c {
        'â' | 'á' | 'ã' => "a",
        'ê' | 'ë' => "e",
        'î' | 'ï' | 'í' => "i",
        'ô' | 'ó' | 'õ' => "o",
        'û' | 'ú' => "u",
        'ç' => "c",
        'ÿ' => "y",
        'œ' => "oe",
        'À' | 'Â' | 'Á' | 'Ã' => "A",
        'È' | 'Ê' | 'Ë' => "E",
        'Î' | 'Ï' | 'Í' => "I",
        'Ô' | 'Ó' | 'Õ' => "O",
        'Ù' | 'Û' | 'Ú' => "U",
        'Ÿ' => "Y",
        'Œ' => "OE",
        _ => return None,
    })
}

/// The text an SMS carries: typographic punctuation made plain, and, when the organiser
/// allows it, accents GSM-7 cannot carry removed.
pub fn prepare(text: &str, strip_accents: bool) -> (String, SmsLength) {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match plain_punctuation(c).or_else(|| unaccented(c).filter(|_| strip_accents)) {
            Some(replacement) => out.push_str(replacement),
            None => out.push(c),
        }
    }
    let length = measure(&out);
    (out, length)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn limits_of_one_part_and_of_concatenated_parts() {
        let m = measure(&"a".repeat(160));
        assert_eq!((m.encoding, m.units, m.parts), (Encoding::Gsm7, 160, 1));
        assert_eq!(measure(&"a".repeat(161)).parts, 2);
        assert_eq!(measure(&"a".repeat(306)).parts, 2);
        assert_eq!(measure(&"a".repeat(307)).parts, 3);
        // Extension characters take two septets.
        assert_eq!(measure(&"€".repeat(80)).units, 160);
        assert_eq!(measure(&"€".repeat(81)).parts, 2);
        let m = measure(&"ê".repeat(70));
        assert_eq!((m.encoding, m.parts), (Encoding::Ucs2, 1));
        assert_eq!(measure(&"ê".repeat(71)).parts, 2);
        assert_eq!(measure(&"ê".repeat(135)).parts, 3);
        assert_eq!(measure("").parts, 1);
    }

    #[test]
    fn french_letters_gsm7_carries_are_kept() {
        let (text, m) = prepare(
            "Félicitations, vous êtes sélectionné à l’étape suivante.",
            false,
        );
        assert_eq!(
            text,
            "Félicitations, vous êtes sélectionné à l'étape suivante."
        );
        assert_eq!(m.encoding, Encoding::Ucs2, "ê forces UCS-2 unless stripped");
        let (text, m) = prepare(
            "Félicitations, vous êtes sélectionné à l’étape suivante.",
            true,
        );
        assert_eq!(
            text,
            "Félicitations, vous etes sélectionné à l'étape suivante."
        );
        assert_eq!(m.encoding, Encoding::Gsm7);
        let (text, _) = prepare("Reçu : « Kènè » — cœur\u{a0}!", true);
        assert_eq!(text, "Recu : \" Kènè \" - coeur !");
    }

    #[test]
    fn an_accented_french_message_fits_one_part_once_stripped() {
        let body = "Bonne nouvelle : votre dossier « Lumière numérique » a été retenu pour \
                    l’étape suivante. Présentez-vous à l’hôtel de l’Amitié le 12 décembre à 9h. \
                    Apportez votre pièce d’identité.";
        assert!(
            prepare(body, false).1.parts >= 3,
            "{:?}",
            prepare(body, false).1
        );
        let (_, stripped) = prepare(body, true);
        assert_eq!(stripped.encoding, Encoding::Gsm7);
        assert_eq!(stripped.parts, 2, "{stripped:?}");
    }

    fn french_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex(
            "[a-zA-Z0-9 ,.;:!?'’«»\u{a0}\u{202f}éèêëàâäîïôöùûüçœÉÈÊÀÂÎÔÛÇŒ-]{0,400}",
        )
        .expect("valid regex")
    }

    proptest! {
        #[test]
        fn stripped_french_text_is_always_gsm7(text in french_text()) {
            let (out, m) = prepare(&text, true);
            prop_assert_eq!(m.encoding, Encoding::Gsm7, "{}", out);
            prop_assert_eq!(m, measure(&out));
        }

        #[test]
        fn parts_hold_the_units(text in french_text(), strip in any::<bool>()) {
            let (_, m) = prepare(&text, strip);
            let (single, multi) = match m.encoding {
                Encoding::Gsm7 => (GSM7_SINGLE, GSM7_MULTI),
                Encoding::Ucs2 => (UCS2_SINGLE, UCS2_MULTI),
            };
            prop_assert!(m.parts >= 1);
            if m.parts == 1 {
                prop_assert!(m.units <= single);
            } else {
                prop_assert!(m.units > single);
                prop_assert!(m.units <= m.parts * multi && m.units > (m.parts - 1) * multi);
            }
        }

        #[test]
        fn stripping_never_costs_more_parts(text in french_text()) {
            prop_assert!(prepare(&text, true).1.parts <= prepare(&text, false).1.parts);
            // Preparing twice changes nothing more.
            let (once, _) = prepare(&text, true);
            prop_assert_eq!(prepare(&once, true).0, once);
        }
    }
}
