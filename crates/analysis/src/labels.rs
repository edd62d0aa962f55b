//! The labels the analyser gives: sentiment and intent, with their text forms.
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::UnknownLabel;

/// Overall tone of a mention.
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
}

impl FromStr for Sentiment {
    type Err = UnknownLabel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sentiment::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| UnknownLabel { kind: "sentiment", value: s.to_owned() })
    }
}

/// What the author of a mention wants, so that the inbox can put questions and complaints first.
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
}

impl FromStr for Intent {
    type Err = UnknownLabel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| UnknownLabel { kind: "intent", value: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_back_from_their_text_form() {
        for s in Sentiment::ALL {
            assert_eq!(s.as_str().parse::<Sentiment>(), Ok(s));
        }
        for i in Intent::ALL {
            assert_eq!(i.as_str().parse::<Intent>(), Ok(i));
        }
        assert!("happy".parse::<Sentiment>().is_err());
        assert!("Question".parse::<Intent>().is_err());
    }
}
