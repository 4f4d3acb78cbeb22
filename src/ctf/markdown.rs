//! Challenge texts: Markdown written by organisers, read by contestants who attack web pages
//! for a living. The Markdown is rendered by pulldown-cmark and the HTML then goes through
//! ammonia's allow-list, so whatever raw HTML a description carries (organisers' accounts can
//! be stolen, imported YAML can come from anywhere) cannot run script in a contestant's page.
//!
//! Images are not shown: a Markdown image becomes a plain link to it, and a raw `<img>` is
//! dropped. Contestants on metered mobile data choose what they download, a description
//! cannot make their browsers call a third-party server (tracking, or a server the author
//! controls logging who opened the challenge when), and challenge files belong in the
//! challenge's attachments anyway.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Markdown to HTML that is safe to insert as is in a page.
pub fn to_safe_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let events = images_as_links(Parser::new_ext(markdown, options));
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    SANITIZER
        .clean(&table_alignment_as_attribute(&html))
        .to_string()
}

/// The allow-list: ammonia's defaults (no script, style, iframe, object, embed, form or
/// input; no event handler or `style` attribute) less images, with fewer URL schemes.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        // Images are links here (see the module documentation); `map`/`area` serve images.
        .rm_tags(&["img", "map", "area"])
        .rm_tag_attributes("img", &["align", "alt", "height", "src", "width"])
        // Their content goes too, not only the tags: none is readable text.
        .add_clean_content_tags(&[
            "iframe", "object", "embed", "noscript", "template", "svg", "math",
        ])
        // `javascript:`, `data:`, `vbscript:` and the like lose their `href`.
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // Links to the platform's own pages (`/ctf/...`) are relative and stay.
        .url_relative(ammonia::UrlRelative::PassThrough)
        // No `window.opener`, no referrer leaking the challenge URL, no search-engine credit.
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// A Markdown image becomes a link to the image, its alt text the link's text (the URL when
/// there is none); inside a link, only its alt text stays (no link within a link).
fn images_as_links<'a>(parser: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut link_depth = 0usize;
    // For each open image: was it turned into a link, where its text starts, its URL.
    let mut images: Vec<(bool, usize, pulldown_cmark::CowStr<'a>)> = Vec::new();
    for event in parser {
        match event {
            Event::Start(Tag::Link { .. }) => {
                link_depth += 1;
                out.push(event);
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                out.push(event);
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let as_link = link_depth == 0;
                if as_link {
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: dest_url.clone(),
                        title,
                        id,
                    }));
                }
                images.push((as_link, out.len(), dest_url));
            }
            Event::End(TagEnd::Image) => {
                if let Some((as_link, text_start, dest_url)) = images.pop() {
                    if as_link {
                        if out.len() == text_start {
                            out.push(Event::Text(dest_url));
                        }
                        out.push(Event::End(TagEnd::Link));
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// pulldown-cmark aligns table cells with a `style` attribute, which the sanitiser removes;
/// the `align` attribute it keeps says the same.
fn table_alignment_as_attribute(html: &str) -> String {
    html.replace(" style=\"text-align: left\">", " align=\"left\">")
        .replace(" style=\"text-align: center\">", " align=\"center\">")
        .replace(" style=\"text-align: right\">", " align=\"right\">")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No executable script in the output, whatever the spelling.
    fn assert_inert(html: &str) {
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "{html}");
        assert!(!lower.contains("javascript:"), "{html}");
        assert!(!lower.contains("vbscript:"), "{html}");
        assert!(!lower.contains("data:"), "{html}");
        let handler = regex::Regex::new(r"<[^>]*\son[a-z]+\s*=").unwrap();
        assert!(
            !handler.is_match(&lower),
            "an event handler attribute in {html}"
        );
        assert!(!lower.contains("<iframe"), "{html}");
        assert!(!lower.contains("style="), "{html}");
    }

    #[test]
    fn script_tags_are_removed_with_their_content() {
        let html = to_safe_html("Hello <script>alert(1)</script> world");
        assert_inert(&html);
        assert!(!html.contains("alert"), "{html}");
        assert!(html.contains("Hello"));

        let block = to_safe_html("<script>\nalert(1)\n</script>\n\ntext");
        assert_inert(&block);
        assert!(!block.contains("alert"), "{block}");
    }

    #[test]
    fn iframes_objects_and_forms_are_removed() {
        let html = to_safe_html(
            "<iframe src=\"https://evil.example/\">inside</iframe>\n\n\
             <object data=\"x.swf\"></object><embed src=\"x.swf\">\n\n\
             <form action=\"https://evil.example/\"><input name=\"flag\"></form>\n\n\
             <style>body{display:none}</style>",
        );
        assert_inert(&html);
        for gone in [
            "<iframe", "inside", "<object", "<embed", "<form", "<input", "<style",
        ] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
    }

    #[test]
    fn javascript_links_lose_their_href() {
        for markdown in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](&#x6A;avascript&#58;alert(1))",
            "<a href=\"java&#10;script:alert(1)\">x</a>",
            "[x]( javascript:alert(1))",
            "[x](<javascript:alert(1)>)",
            "<javascript:alert(1)>",
            "[x](vbscript:msgbox(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\"java\tscript:alert(1)\">x</a>",
            "<a href=\"  JAVASCRIPT:alert(1)\">x</a>",
        ] {
            let html = to_safe_html(markdown);
            assert_inert_links(&html, markdown);
            // The text may stay; the link goes nowhere.
            assert!(!html.contains("href"), "{markdown} gave {html}");
        }
    }

    /// Every URL left in the output is http(s), mailto or relative.
    fn assert_inert_links(html: &str, markdown: &str) {
        let url = regex::Regex::new(r#"(?i)\s(href|src|action|formaction|cite)\s*=\s*"([^"]*)""#)
            .unwrap();
        for found in url.captures_iter(html) {
            let value = found[2].to_lowercase();
            assert!(
                value.starts_with("https://")
                    || value.starts_with("http://")
                    || value.starts_with("mailto:")
                    || value.starts_with('/')
                    || !value.contains(':'),
                "{markdown} gave {html}"
            );
        }
    }

    #[test]
    fn event_handlers_are_stripped_and_safe_links_kept() {
        let html = to_safe_html("<a href=\"https://ex.ml\" onclick=\"alert(1)\">x</a>");
        assert_inert(&html);
        assert!(html.contains("href=\"https://ex.ml\""), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );

        let img = to_safe_html("<img src=x onerror=alert(1)>");
        assert_inert(&img);
        assert!(!img.contains("onerror"), "{img}");
        assert!(!img.contains("<img"), "{img}");

        let styled = to_safe_html("<p style=\"position:fixed\" onmouseover=\"alert(1)\">hi</p>");
        assert_inert(&styled);
        assert!(styled.contains("<p>hi</p>"), "{styled}");
    }

    #[test]
    fn markdown_images_become_links() {
        let html = to_safe_html("![the map](https://ex.ml/map.png \"Map\")");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<a href=\"https://ex.ml/map.png\""), "{html}");
        assert!(html.contains(">the map</a>"), "{html}");

        // Without alt text, the URL is the link's text: a link must be visible.
        let bare = to_safe_html("![](https://ex.ml/a.png)");
        assert!(bare.contains(">https://ex.ml/a.png</a>"), "{bare}");

        // An image inside a link leaves its alt text in the link.
        let nested = to_safe_html("[![logo](https://ex.ml/l.png)](https://ex.ml/)");
        assert!(!nested.contains("<img"), "{nested}");
        assert!(nested.contains("<a href=\"https://ex.ml/\""), "{nested}");
        assert!(nested.contains(">logo</a>"), "{nested}");
        assert_eq!(nested.matches("<a ").count(), 1, "{nested}");

        // A javascript: image is a link without href, like any other.
        let evil = to_safe_html("![x](javascript:alert(1))");
        assert_inert(&evil);
    }

    #[test]
    fn code_keeps_its_text_escaped() {
        let html = to_safe_html("```html\n<script>alert(1)</script>\na < b && c > d\n```");
        assert_inert(&html);
        assert!(html.contains("<pre><code>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("a &lt; b &amp;&amp; c &gt; d"), "{html}");

        let inline = to_safe_html("Send `<b>` or `' OR 1=1 --`.");
        assert!(inline.contains("<code>&lt;b&gt;</code>"), "{inline}");
        assert!(inline.contains("<code>' OR 1=1 --</code>"), "{inline}");
    }

    #[test]
    fn a_normal_description_renders() {
        let html = to_safe_html(
            "## Login portal\n\n\
             The admin *forgot* the **password**. Find it:\n\n\
             - connect to `nc ctf.example 1337`\n\
             - read [the RFC](https://www.rfc-editor.org/rfc/rfc2617)\n\
             - mail <orga@example.ml>\n\n\
             1. first\n2. second\n\n\
             ~~old hint~~\n\n\
             | Port | Service |\n|:-----|--------:|\n| 22 | ssh |\n",
        );
        assert_inert(&html);
        assert!(html.contains("<h2>Login portal</h2>"), "{html}");
        assert!(html.contains("<em>forgot</em>"), "{html}");
        assert!(html.contains("<strong>password</strong>"), "{html}");
        assert!(html.contains("<li>connect to <code>nc ctf.example 1337</code></li>"));
        assert!(html.contains(
            "<a href=\"https://www.rfc-editor.org/rfc/rfc2617\" rel=\"noopener noreferrer nofollow\">the RFC</a>"
        ), "{html}");
        assert!(html.contains("href=\"mailto:orga@example.ml\""), "{html}");
        assert!(html.contains("<ol>"), "{html}");
        assert!(html.contains("<del>old hint</del>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<th align=\"left\">Port</th>"), "{html}");
        assert!(html.contains("<td align=\"right\">ssh</td>"), "{html}");
    }

    #[test]
    fn relative_links_to_the_platform_stay() {
        let html = to_safe_html("[the file](/ctf/files/42)");
        assert!(html.contains("href=\"/ctf/files/42\""), "{html}");
    }
}
