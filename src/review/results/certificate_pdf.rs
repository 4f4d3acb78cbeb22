//! A laureate's certificate as a PDF file: one A4 landscape page drawn with the same content
//! as the printable page (emblem, organiser, motto, names, prizes, signature lines, QR code).
//!
//! Drawn with `krilla` and two embedded DejaVu Serif faces (subset into the file), so that a
//! certificate comes out the same on any server, with no browser installed, and names in any
//! Latin script (ɛ, ɔ, ŋ of Bambara included) print. Pure: no I/O, the logo's bytes are given.

use std::sync::LazyLock;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::identity::{Colour, LogoKind};

/// A4 landscape, in points.
pub const PAGE_WIDTH: f32 = 841.89;
pub const PAGE_HEIGHT: f32 = 595.28;

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSerif.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSerif-Bold.ttf");

/// A face to draw with and to measure with.
struct Face {
    font: Font,
    metrics: ttf_parser::Face<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Option<Face> {
        Some(Face {
            font: Font::new(bytes.into(), 0)?,
            metrics: ttf_parser::Face::parse(bytes, 0).ok()?,
        })
    }

    /// The advance width of `text` at `size` points (kerning aside: enough to centre a line).
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                self.metrics
                    .glyph_index(c)
                    .and_then(|g| self.metrics.glyph_hor_advance(g))
                    .map_or(0.0, f32::from)
            })
            .sum();
        units * size / f32::from(self.metrics.units_per_em())
    }
}

static FACES: LazyLock<Option<(Face, Face)>> =
    LazyLock::new(|| Some((Face::load(REGULAR_TTF)?, Face::load(BOLD_TTF)?)));

/// Everything printed on the certificate, already in the reader's language.
#[derive(Debug, Clone)]
pub struct CertificateContent<'a> {
    pub organiser: &'a str,
    pub motto: &'a str,
    pub event_name: &'a str,
    pub edition: &'a str,
    pub heading: &'a str,
    pub awarded: &'a str,
    pub title: &'a str,
    pub team: &'a str,
    /// The laureates' names, comma-separated.
    pub people: &'a str,
    pub prizes: &'a [String],
    /// "Bamako · 12 décembre 2026".
    pub place_and_date: &'a str,
    pub signatories: &'a [&'a str],
    /// "Scannez ce code pour vérifier cette attestation, ou ouvrez :".
    pub scan_line: &'a str,
    pub verify_url: &'a str,
    /// Reference, results version and short seal.
    pub proof_line: &'a str,
    pub brand: Colour,
    pub logo: Option<(LogoKind, &'a [u8])>,
    /// The document's language tag, for screen readers.
    pub lang: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded fonts cannot be read")]
    Fonts,
    #[error("the QR code cannot hold the verification link")]
    QrCode,
    #[error("the PDF cannot be written: {0:?}")]
    Write(krilla::error::KrillaError),
}

const INK: (u8, u8, u8) = (0x1d, 0x1d, 0x1b);
const GREY: (u8, u8, u8) = (0x55, 0x55, 0x55);
/// The widest a centred line may be: the page inside its frame, with air.
const TEXT_WIDTH: f32 = 640.0;

/// The certificate as a one-page PDF.
pub fn render(c: &CertificateContent) -> Result<Vec<u8>, PdfError> {
    let (regular, bold) = FACES.as_ref().ok_or(PdfError::Fonts)?;
    let brand = c.brand.rgb();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} · {}", c.heading, c.title))
            .language(c.lang.to_owned())
            .creator("Kènè".to_owned()),
    );
    let size = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(PdfError::Fonts)?;
    let mut page = document.start_page_with(size);
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        y: 52.0,
    };

    pen.frame(brand);
    // The top block, centred in the space above the signatures.
    let mut block = Block::default();
    if let Some((kind, bytes)) = c.logo {
        block.logo(kind, bytes, 62.0);
    }
    block.text(bold, &c.organiser.to_uppercase(), 10.5, INK, 2);
    block.text(regular, c.motto, 10.0, GREY, 1);
    block.gap(4.0);
    block.text(bold, c.event_name, 13.0, INK, 1);
    block.text(regular, c.edition, 12.0, INK, 1);
    block.gap(10.0);
    block.text(bold, c.heading, 30.0, brand, 1);
    block.gap(4.0);
    block.text(regular, c.awarded, 12.0, INK, 1);
    block.gap(4.0);
    block.text(bold, c.title, 24.0, INK, 2);
    block.text(regular, c.team, 14.0, INK, 2);
    block.text(regular, c.people, 12.0, INK, 2);
    block.gap(6.0);
    for prize in c.prizes {
        block.text(bold, prize, 13.0, brand, 1);
    }
    block.gap(4.0);
    block.text(regular, c.place_and_date, 11.0, INK, 1);
    let foot = PAGE_HEIGHT - 150.0;
    let (top, bottom) = (40.0, foot - 8.0);
    pen.y = top + ((bottom - top - block.height()) / 2.0).max(0.0);
    pen.draw(block);

    // The foot of the page: a signature line at each side, the QR code between them.
    let columns = [PAGE_WIDTH * 0.2, PAGE_WIDTH * 0.8];
    for (signatory, centre) in c.signatories.iter().zip(columns) {
        pen.signature(regular, signatory, centre, foot);
    }
    pen.qr_code(c.verify_url, PAGE_WIDTH / 2.0, foot - 6.0, 84.0)?;
    pen.y = foot + 84.0;
    for line in [c.scan_line, c.verify_url, c.proof_line] {
        pen.centred_in(regular, line, 7.5, GREY, PAGE_WIDTH / 2.0, 300.0);
    }

    surface.finish();
    page.finish();
    document.finish().map_err(PdfError::Write)
}

const LINE_HEIGHT: f32 = 1.3;
/// How far below a line's top its baseline sits, in font sizes (DejaVu's ascent is 0.93).
const ASCENT: f32 = 0.95;
const LOGO_GAP: f32 = 8.0;

enum Item<'f> {
    Logo(Image, Size),
    Line {
        face: &'f Face,
        text: String,
        size: f32,
        colour: (u8, u8, u8),
    },
    Gap(f32),
}

/// Lines laid out before they are drawn, so that the block can be centred.
#[derive(Default)]
struct Block<'f> {
    items: Vec<Item<'f>>,
}

impl<'f> Block<'f> {
    /// The emblem, `height` points high; an image that does not decode is left out (it was
    /// checked when uploaded).
    fn logo(&mut self, kind: LogoKind, bytes: &[u8], height: f32) {
        let data = bytes.to_vec().into();
        let image = match kind {
            LogoKind::Png => Image::from_png(data, true),
            LogoKind::Jpeg => Image::from_jpeg(data, true),
            LogoKind::Webp => Image::from_webp(data, true),
        };
        let Ok(image) = image else { return };
        let (w, h) = image.size();
        if w == 0 || h == 0 {
            return;
        }
        let width = (height * w as f32 / h as f32).min(TEXT_WIDTH);
        if let Some(size) = Size::from_wh(width, height) {
            self.items.push(Item::Logo(image, size));
        }
    }

    /// `text` centred on the page, wrapped on words over at most `max_lines` lines.
    fn text(
        &mut self,
        face: &'f Face,
        text: &str,
        size: f32,
        colour: (u8, u8, u8),
        max_lines: usize,
    ) {
        for line in wrap(face, text, size, TEXT_WIDTH, max_lines) {
            self.items.push(Item::Line {
                face,
                text: line,
                size,
                colour,
            });
        }
    }

    fn gap(&mut self, points: f32) {
        self.items.push(Item::Gap(points));
    }

    fn height(&self) -> f32 {
        self.items
            .iter()
            .map(|item| match item {
                Item::Logo(_, size) => size.height() + LOGO_GAP,
                Item::Line { size, .. } => size * LINE_HEIGHT,
                Item::Gap(points) => *points,
            })
            .sum()
    }
}

/// A surface and the top of the next line, going down the page.
struct Pen<'s, 'p> {
    surface: &'s mut Surface<'p>,
    y: f32,
}

impl Pen<'_, '_> {
    fn fill(&mut self, (r, g, b): (u8, u8, u8)) {
        self.surface.set_fill(Some(Fill {
            paint: rgb::Color::new(r, g, b).into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
    }

    /// A double frame in the brand colour, as the printed page has.
    fn frame(&mut self, (r, g, b): (u8, u8, u8)) {
        for (inset, width) in [(16.0, 4.0), (25.0, 1.0)] {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(
                inset,
                inset,
                PAGE_WIDTH - 2.0 * inset,
                PAGE_HEIGHT - 2.0 * inset,
            ) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                self.surface.set_fill(None);
                self.surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(r, g, b).into(),
                    width,
                    ..Default::default()
                }));
                self.surface.draw_path(&path);
            }
        }
        self.surface.set_stroke(None);
    }

    /// Draws `block` from the current position down.
    fn draw(&mut self, block: Block) {
        for item in block.items {
            match item {
                Item::Logo(image, size) => {
                    self.surface
                        .push_transform(&krilla::geom::Transform::from_translate(
                            (PAGE_WIDTH - size.width()) / 2.0,
                            self.y,
                        ));
                    self.surface.draw_image(image, size);
                    self.surface.pop();
                    self.y += size.height() + LOGO_GAP;
                }
                Item::Line {
                    face,
                    text,
                    size,
                    colour,
                } => self.line(face, &text, size, colour, PAGE_WIDTH / 2.0),
                Item::Gap(points) => self.y += points,
            }
        }
    }

    /// One line centred on `centre`, shrunk to fit `width` rather than wrapped.
    fn centred_in(
        &mut self,
        face: &Face,
        text: &str,
        size: f32,
        colour: (u8, u8, u8),
        centre: f32,
        width: f32,
    ) {
        let natural = face.width(text, size);
        let size = if natural > width {
            size * width / natural
        } else {
            size
        };
        self.line(face, text, size, colour, centre);
    }

    /// One line whose top is the current position (its baseline an ascent below).
    fn line(&mut self, face: &Face, text: &str, size: f32, colour: (u8, u8, u8), centre: f32) {
        self.fill(colour);
        let x = centre - face.width(text, size) / 2.0;
        self.surface.draw_text(
            Point::from_xy(x, self.y + size * ASCENT),
            face.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
        self.y += size * LINE_HEIGHT;
    }

    /// A line to sign on, its signatory's title under it.
    fn signature(&mut self, face: &Face, title: &str, centre: f32, top: f32) {
        const WIDTH: f32 = 220.0;
        let mut path = PathBuilder::new();
        path.move_to(centre - WIDTH / 2.0, top + 50.0);
        path.line_to(centre + WIDTH / 2.0, top + 50.0);
        if let Some(path) = path.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: rgb::Color::new(INK.0, INK.1, INK.2).into(),
                width: 0.8,
                ..Default::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
        self.y = top + 56.0;
        for line in wrap(face, title, 9.0, WIDTH, 4) {
            self.line(face, &line, 9.0, INK, centre);
        }
    }

    /// The QR code of `text`, `side` points wide, its top centred at (`centre`, `top`).
    fn qr_code(&mut self, text: &str, centre: f32, top: f32, side: f32) -> Result<(), PdfError> {
        let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
            .map_err(|_| PdfError::QrCode)?;
        let modules = code.width();
        // A quiet zone of two modules each side, on white, so that a phone finds the code.
        let module = side / (modules + 4) as f32;
        let left = centre - side / 2.0;
        let mut white = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(left, top, side, side) {
            white.push_rect(rect);
        }
        let mut dark = PathBuilder::new();
        for (i, colour) in code.to_colors().into_iter().enumerate() {
            if colour == qrcode::Color::Dark {
                let (row, col) = (i / modules, i % modules);
                if let Some(rect) = Rect::from_xywh(
                    left + (col + 2) as f32 * module,
                    top + (row + 2) as f32 * module,
                    module,
                    module,
                ) {
                    dark.push_rect(rect);
                }
            }
        }
        for (path, colour) in [(white, (0xff, 0xff, 0xff)), (dark, (0, 0, 0))] {
            if let Some(path) = path.finish() {
                self.fill(colour);
                self.surface.draw_path(&path);
            }
        }
        Ok(())
    }
}

/// `text` cut on spaces into lines no wider than `width`; past `max_lines` the last line
/// takes the rest (and is shrunk when drawn by the caller's font size only).
fn wrap(face: &Face, text: &str, size: f32, width: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if face.width(&candidate, size) <= width
            || current.is_empty()
            || lines.len() + 1 == max_lines
        {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content<'a>(prizes: &'a [String], signatories: &'a [&'a str]) -> CertificateContent<'a> {
        CertificateContent {
            organiser: "Ministère de la Communication, de l'Économie numérique et de la Modernisation de l'Administration",
            motto: "Un Peuple – Un But – Une Foi",
            event_name: "Semaine du Numérique",
            edition: "Semaine du Numérique 2026",
            heading: "Attestation",
            awarded: "décernée à",
            title: "Jàmu — carnet de santé numérique pour les mères de Ségou",
            team: "Jàmu SARL",
            people: "Awa Traoré, Fatoumata Kɔnɛ",
            prizes,
            place_and_date: "Bamako · 12 décembre 2026",
            signatories,
            scan_line: "Scannez ce code pour vérifier cette attestation, ou ouvrez :",
            verify_url: "https://semainedunumerique.gouv.ml/results/sdn-2026/verify/SDN26-ST-0001?v=1",
            proof_line: "SDN26-ST-0001 · version 1 · sceau 0123456789ab",
            brand: Colour::parse("#0b6e4f").expect("a colour"),
            logo: None,
            lang: "fr",
        }
    }

    #[test]
    fn a_certificate_is_one_a4_landscape_page() {
        let prizes = ["1er prix — Start-up".to_owned()];
        let signatories = ["Le Ministre", "Le Président du jury"];
        let pdf = render(&content(&prizes, &signatories)).expect("a PDF");
        let document = lopdf::Document::load_mem(&pdf).expect("a readable PDF");
        let pages = document.get_pages();
        assert_eq!(pages.len(), 1);
        let text = document.extract_text(&[1]).expect("its text");
        assert!(text.contains("Kɔnɛ"), "{text}");
        assert!(text.contains("Le Président du jury"), "{text}");
    }

    #[test]
    fn long_lines_wrap_within_the_frame() {
        let Some((regular, _)) = FACES.as_ref() else {
            panic!("the fonts load");
        };
        let lines = wrap(regular, &"mot ".repeat(200), 12.0, TEXT_WIDTH, 2);
        assert_eq!(lines.len(), 2);
        assert!(regular.width(&lines[0], 12.0) <= TEXT_WIDTH);
    }
}
