//! What the analysis of a mention tells: its sentiment (label and score) and its intent. The
//! vocabulary is the domain's; the analysers live in `filrouge-analysis`.

use serde::{Deserialize, Serialize};

/// The tone of a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sentiment {
    Positive,
    Negative,
    Neutral,
}

impl Sentiment {
    pub const ALL: [Sentiment; 3] = [Sentiment::Positive, Sentiment::Negative, Sentiment::Neutral];

    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Negative => "negative",
            Sentiment::Neutral => "neutral",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// What the author wants: the inbox puts questions and complaints first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    Question,
    Complaint,
    Praise,
    Spam,
    Other,
}

impl Intent {
    pub const ALL: [Intent; 5] = [Intent::Question, Intent::Complaint, Intent::Praise, Intent::Spam, Intent::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Question => "question",
            Intent::Complaint => "complaint",
            Intent::Praise => "praise",
            Intent::Spam => "spam",
            Intent::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether a mention with this intent usually expects an answer from the brand.
    pub fn wants_answer(self) -> bool {
        matches!(self, Intent::Question | Intent::Complaint)
    }
}

impl std::str::FromStr for Sentiment {
    type Err = crate::Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| crate::Invalid::new("sentiment", format!("unknown sentiment '{s}'")))
    }
}

impl std::str::FromStr for Intent {
    type Err = crate::Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| crate::Invalid::new("intent", format!("unknown intent '{s}'")))
    }
}

/// The analysis of one mention (its language is the mention's `lang`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MentionAnalysis {
    pub sentiment: Sentiment,
    /// From -1 (very negative) to 1 (very positive).
    pub sentiment_score: f32,
    pub intent: Intent,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_back_from_their_names() {
        for s in Sentiment::ALL {
            assert_eq!(Sentiment::parse(s.as_str()), Some(s));
        }
        for i in Intent::ALL {
            assert_eq!(Intent::parse(i.as_str()), Some(i));
        }
        assert_eq!(Intent::parse("Question"), None);
    }

    #[test]
    fn questions_and_complaints_want_an_answer() {
        let wanting: Vec<Intent> = Intent::ALL.into_iter().filter(|i| i.wants_answer()).collect();
        assert_eq!(wanting, vec![Intent::Question, Intent::Complaint]);
    }
}
