//! What kind of competition a track runs.

/// What a track's competition is; it chooses the track's default rubrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackKind {
    /// Start-ups and SMEs with an innovative project.
    Startup,
    /// Services of the administration with an e-government project.
    Administration,
    /// Individuals competing in a (cybersecurity) hackathon.
    Hackathon,
}

impl TrackKind {
    pub const ALL: [TrackKind; 3] = [
        TrackKind::Startup,
        TrackKind::Administration,
        TrackKind::Hackathon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TrackKind::Startup => "startup",
            TrackKind::Administration => "administration",
            TrackKind::Hackathon => "hackathon",
        }
    }

    pub fn parse(s: &str) -> Option<TrackKind> {
        TrackKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
