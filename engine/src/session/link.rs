//! The wire form of a [`Session`]: what a shared link carries, and how a damaged one is told apart.
//!
//! A link is the page's address with two query parameters:
//!
//! ```text
//! https://host/path/?scenario=acks-1-failover-loss&session=1.<payload>
//! ```
//!
//! - `session` is `VERSION.PAYLOAD`: the format's version (a whole number, [`LINK_VERSION`]),
//!   then the session as JSON, compressed with raw DEFLATE (RFC 1951) and written in unpadded
//!   URL-safe base64 (RFC 4648 §5), so it needs no escaping in a URL. A release that keeps the
//!   version keeps reading the links made before it; a change that old readers could not follow
//!   takes the next version, and this reader refuses a newer one by name.
//! - `scenario` repeats the built-in scenario's name in clear. It makes a link readable, and a
//!   link whose payload is damaged, cut short or from a newer release can still offer that
//!   scenario ([`LinkProblem::recover`]).
//!
//! Decoding never panics: every way a link can be wrong is a [`LinkError`] that says which.

use super::Session;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::fmt;

/// The version of the link format this release writes and reads.
pub const LINK_VERSION: u32 = 1;

/// The largest session a link may unpack to (1 MiB of JSON): a link cannot make the page
/// allocate without bound.
pub const MAX_SESSION_BYTES: usize = 1 << 20;

/// What is wrong with a link.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// The address has no `session` (nor `scenario`) parameter.
    Missing,
    /// The `session` value does not start with a version number and a dot.
    NoVersion,
    /// Made by a newer Kafkascope, in a format this one cannot read.
    FutureVersion(u32),
    /// A character that base64url never writes, at this position of the payload (a link mangled
    /// by an editor or a mail program).
    BadCharacter { position: usize, character: char },
    /// The payload ends before the session does (a link cut short when copied).
    Truncated,
    /// The payload is not compressed data a link holds (altered bytes).
    Corrupt,
    /// The payload unpacks to more than [`MAX_SESSION_BYTES`].
    TooLarge,
    /// The payload unpacks, but is not a session: the JSON parser's message names where.
    NotASession(String),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Missing => write!(f, "the link has no `session` parameter"),
            LinkError::NoVersion => write!(
                f,
                "the link's `session` value does not start with a version (`{LINK_VERSION}.`)"
            ),
            LinkError::FutureVersion(v) => write!(
                f,
                "the link was made by a newer Kafkascope (link format {v}; this one reads format {LINK_VERSION})"
            ),
            LinkError::BadCharacter { position, character } => write!(
                f,
                "the link is damaged: `{}` at character {} of its session is not part of a link",
                character.escape_default(),
                position + 1
            ),
            LinkError::Truncated => write!(f, "the link is cut short: its session ends too early"),
            LinkError::Corrupt => write!(f, "the link is damaged: its session does not unpack"),
            LinkError::TooLarge => write!(
                f,
                "the link's session unpacks to more than {} KiB",
                MAX_SESSION_BYTES / 1024
            ),
            LinkError::NotASession(why) => write!(f, "the link's session is not valid: {why}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// A link that could not be opened: why, and the built-in scenario it names in clear, which the
/// page can offer instead.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkProblem {
    pub error: LinkError,
    pub recover: Option<String>,
}

/// The `session` parameter's value for `session`.
pub fn encode(session: &Session) -> String {
    // Pretty, like `Scenario::to_json`: the page's download already compiles that serializer,
    // and a second (compact) one would add its whole copy to the download; the whitespace
    // compresses to almost nothing.
    let json = serde_json::to_string_pretty(session).expect("a session always serializes");
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{LINK_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// The session in a `session` parameter's value.
pub fn decode(value: &str) -> Result<Session, LinkError> {
    let (version, payload) = value.split_once('.').ok_or(LinkError::NoVersion)?;
    let version: u32 = version.parse().map_err(|_| LinkError::NoVersion)?;
    if version > LINK_VERSION {
        return Err(LinkError::FutureVersion(version));
    }
    if version < 1 {
        return Err(LinkError::NoVersion);
    }
    if let Some((position, character)) = payload
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(LinkError::BadCharacter {
            position,
            character,
        });
    }
    // Every character is base64url's now: the only decoding failure left is a length no
    // encoder writes (one character past a 3-byte group), i.e. a cut.
    let packed = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| LinkError::Truncated)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_SESSION_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => LinkError::Truncated,
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            _ => LinkError::Corrupt,
        })?;
    // From a `&str`, like `Scenario::from_json`, for the same reason: one deserializer.
    let json = match std::str::from_utf8(&json) {
        Ok(json) => json,
        Err(_) => return Err(LinkError::Corrupt),
    };
    serde_json::from_str(json).map_err(|e| {
        if e.is_eof() {
            LinkError::Truncated
        } else {
            LinkError::NotASession(e.to_string())
        }
    })
}

/// The query string (without `?`) of a link to `session`.
pub fn query(session: &Session) -> String {
    match session.builtin_name() {
        Some(name) => format!("scenario={name}&session={}", encode(session)),
        None => format!("session={}", encode(session)),
    }
}

/// The session in a link: a whole address, a query string, or a bare `session` value. A link
/// with only `?scenario=NAME` (what older releases wrote) opens that built-in scenario.
pub fn parse(link: &str) -> Result<Session, LinkProblem> {
    let link = link.trim();
    let without_fragment = link.split('#').next().unwrap_or_default();
    let query = match without_fragment.split_once('?') {
        Some((_, query)) => query,
        None if without_fragment.contains('=') => without_fragment,
        // An address without a query names no session.
        None if without_fragment.contains("://") || without_fragment.starts_with('/') => "",
        None => {
            return decode(without_fragment).map_err(|error| LinkProblem {
                error,
                recover: None,
            })
        }
    };
    let param = |key: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| percent_decode(v))
    };
    let recover = param("scenario").filter(|name| is_scenario_name(name));
    match param("session") {
        Some(value) => decode(&value).map_err(|error| LinkProblem {
            error,
            recover: recover.clone(),
        }),
        None => match recover {
            Some(name) => Ok(Session::builtin(&name)),
            None => Err(LinkProblem {
                error: LinkError::Missing,
                recover: None,
            }),
        },
    }
}

/// Whether `name` could name a built-in scenario (its file's stem): lower-case letters, digits
/// and dashes. Anything else in `scenario=` is not offered.
fn is_scenario_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `%XX` escapes decoded (a link pasted through a tool that escaped it); invalid escapes and
/// non-UTF-8 results are kept as written, and then fail as what they are.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{SessionScenario, SessionView};

    fn shared() -> Session {
        Session {
            time_us: Some(12_345_678),
            lang: Some("ko".into()),
            speed: Some(0.5),
            view: Some(SessionView::Tables),
            panels: true,
            ..Session::builtin("acks-1-failover-loss")
        }
    }

    #[test]
    fn a_session_survives_the_trip_through_a_link() {
        let session = shared();
        let link = format!("https://example.org/kafkascope/?{}", query(&session));
        assert!(link.contains("scenario=acks-1-failover-loss&session=1."));
        assert_eq!(parse(&link), Ok(session.clone()));
        assert_eq!(decode(&encode(&session)), Ok(session));
    }

    #[test]
    fn a_comparison_travels_whole_and_stays_a_few_thousand_characters() {
        let a = crate::Scenario::from_toml(include_str!(
            "../../../scenarios/acks-1-failover-loss.toml"
        ))
        .unwrap();
        let mut b = a.clone();
        b.producers[0].acks = crate::message::Acks::All;
        let session = Session {
            compare: Some(crate::session::CompareSides {
                a: Box::new(a),
                b: Box::new(b),
            }),
            ..shared()
        };
        let q = query(&session);
        assert!(q.len() < 6_000, "{} characters", q.len());
        assert_eq!(parse(&format!("http://localhost/?{q}")), Ok(session));
    }

    #[test]
    fn an_old_link_with_only_the_scenario_name_opens_it() {
        assert_eq!(
            parse("http://localhost/?scenario=two-groups"),
            Ok(Session::builtin("two-groups"))
        );
    }

    #[test]
    fn each_kind_of_bad_link_says_what_is_wrong_and_offers_the_named_scenario() {
        let value = encode(&shared());
        let bad = |v: &str| parse(&format!("/?scenario=acks-1-failover-loss&session={v}"));
        let offered = Some("acks-1-failover-loss".to_string());
        let cut = &value[..value.len() / 2];
        assert_eq!(
            bad(cut).map_err(|p| p.recover.clone()),
            Err(offered.clone())
        );
        assert_eq!(bad(cut).unwrap_err().error, LinkError::Truncated);
        let future = value.replacen("1.", "7.", 1);
        assert_eq!(bad(&future).unwrap_err().error, LinkError::FutureVersion(7));
        let mangled = format!("{}*{}", &value[..10], &value[11..]);
        assert_eq!(
            bad(&mangled).unwrap_err().error,
            LinkError::BadCharacter {
                position: 8,
                character: '*'
            }
        );
        assert_eq!(bad("abc").unwrap_err().error, LinkError::NoVersion);
        let not_json = format!(
            "1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
                b"{\"scenario\":7}",
                9
            ))
        );
        assert!(matches!(
            bad(&not_json).unwrap_err().error,
            LinkError::NotASession(why) if why.contains("line 1 column 13")
        ));
        let unknown_field = format!(
            "1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"{\"scenery\":1}", 9))
        );
        assert!(matches!(
            bad(&unknown_field).unwrap_err().error,
            LinkError::NotASession(why) if why.contains("unknown field `scenery`")
        ));
        let flipped = {
            let mut packed = URL_SAFE_NO_PAD.decode(&value[2..]).unwrap();
            packed[0] ^= 0xff;
            format!("1.{}", URL_SAFE_NO_PAD.encode(packed))
        };
        assert!(matches!(
            bad(&flipped).unwrap_err().error,
            LinkError::Corrupt | LinkError::NotASession(_) | LinkError::Truncated
        ));
        let problem = parse("/?session=").unwrap_err();
        assert_eq!(problem.recover, None, "nothing named, nothing offered");
        assert_eq!(parse("/").unwrap_err().error, LinkError::Missing);
        assert_eq!(
            parse("/?scenario=<script>").unwrap_err().recover,
            None,
            "only a scenario file's name is offered"
        );
    }

    #[test]
    fn a_link_cannot_unpack_to_more_than_the_limit() {
        let zeros = vec![b' '; MAX_SESSION_BYTES + 10];
        let value = format!(
            "1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&zeros, 9))
        );
        assert_eq!(decode(&value), Err(LinkError::TooLarge));
    }

    #[test]
    fn escaped_links_are_read_and_fragments_ignored() {
        let session = Session::builtin("hello-kafka");
        let value = encode(&session);
        let escaped = format!(
            "/?scenario=hello%2Dkafka&session={}#top",
            value.replace('.', "%2E")
        );
        assert_eq!(parse(&escaped), Ok(session.clone()));
        assert_eq!(parse(&value), Ok(session));
        assert!(matches!(
            parse(&format!("?session={}", encode(&shared()))).unwrap().scenario,
            SessionScenario::Builtin { ref name, .. } if name == "acks-1-failover-loss"
        ));
    }
}
