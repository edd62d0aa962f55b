//! A client's inbox rules, one per line, in words a community manager writes:
//!
//! ```text
//! when intent = spam then done, hide
//! quand texte contient "remboursement" alors assigner marie@agence.fr
//! when sentiment = negative and followers > 10,000 then urgent, label vip
//! ```
//!
//! Conditions (joined by `and` / `et`): `intent = …` / `!=`, `sentiment = …` / `!=`, `text contains "…"`
//! (whole text, case- and accent-insensitive), `followers > N` (also `<`, `>=`, `<=`, `=`; `10,000` and
//! `10 000` read as ten thousand), `network = bluesky`, `kind = reply|mention|quote|message|listening`,
//! `language = fr`. Actions (after `then` / `alors`, separated by commas): `done`, `waiting`, `hide`, `urgent`,
//! `assign EMAIL`, `label NAME`. French words are accepted throughout (`intention`, `texte contient`,
//! `abonnés`, `réseau`, `langue`, `terminé`, `masquer`, `assigner`, `étiquette`, `attente`).
//!
//! Every matching rule applies, in order; for what can only have one value (the state, the assignee) the first
//! matching rule that sets it wins. Lines starting with `#` and blank lines are ignored. Errors name the line,
//! the column and what was expected.

use crate::analysis::{Intent, Sentiment};
use crate::inbox::ItemKind;
use crate::inbox::ItemState;
use crate::Invalid;

/// Rules are bounded: a client's rule book is at most this many lines.
pub const MAX_RULES: usize = 100;

/// One condition of a rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Intent { equal: bool, value: Intent },
    Sentiment { equal: bool, value: Sentiment },
    TextContains(String),
    Followers { op: Comparison, value: u64 },
    Network(String),
    Kind(ItemKind),
    Language(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Equal,
}

/// What a matching rule does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleAction {
    State(ItemState),
    Hide,
    Urgent,
    /// The teammate's e-mail address; the application checks they belong to the client.
    Assign(String),
    Label(String),
}

/// One rule: all conditions hold → every action applies.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub line: usize,
    pub conditions: Vec<Condition>,
    pub actions: Vec<RuleAction>,
}

/// What a rule looks at.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub intent: Option<Intent>,
    pub sentiment: Option<Sentiment>,
    pub text: &'a str,
    pub followers: Option<u64>,
    pub network: &'a str,
    pub kind: ItemKind,
    pub language: Option<&'a str>,
}

/// The combined effect of the matching rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    pub state: Option<ItemState>,
    pub hidden: bool,
    pub urgent: bool,
    pub assign: Option<String>,
    pub labels: Vec<String>,
    /// The lines of the rules that matched.
    pub matched: Vec<usize>,
}

impl Condition {
    fn holds(&self, subject: &Subject<'_>) -> bool {
        match self {
            Condition::Intent { equal, value } => (subject.intent == Some(*value)) == *equal,
            Condition::Sentiment { equal, value } => (subject.sentiment == Some(*value)) == *equal,
            Condition::TextContains(needle) => fold(subject.text).contains(needle.as_str()),
            Condition::Followers { op, value } => subject.followers.is_some_and(|f| match op {
                Comparison::Greater => f > *value,
                Comparison::GreaterOrEqual => f >= *value,
                Comparison::Less => f < *value,
                Comparison::LessOrEqual => f <= *value,
                Comparison::Equal => f == *value,
            }),
            Condition::Network(n) => subject.network.eq_ignore_ascii_case(n),
            Condition::Kind(k) => subject.kind == *k,
            Condition::Language(l) => subject.language.is_some_and(|x| x.eq_ignore_ascii_case(l)),
        }
    }
}

impl Rule {
    pub fn applies(&self, subject: &Subject<'_>) -> bool {
        self.conditions.iter().all(|c| c.holds(subject))
    }
}

/// Applies every matching rule in order.
pub fn apply(rules: &[Rule], subject: &Subject<'_>) -> Effects {
    let mut effects = Effects::default();
    for rule in rules.iter().filter(|r| r.applies(subject)) {
        effects.matched.push(rule.line);
        for action in &rule.actions {
            match action {
                RuleAction::State(s) => {
                    effects.state.get_or_insert(*s);
                }
                RuleAction::Hide => effects.hidden = true,
                RuleAction::Urgent => effects.urgent = true,
                RuleAction::Assign(email) => {
                    effects.assign.get_or_insert_with(|| email.clone());
                }
                RuleAction::Label(l) => {
                    if !effects.labels.contains(l) {
                        effects.labels.push(l.clone());
                    }
                }
            }
        }
    }
    effects
}

/// Lower case without accents, ligatures opened: how `text contains` compares.
fn fold(text: &str) -> String {
    text.to_lowercase().chars().flat_map(crate::ids::fold_accent).collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Number(u64),
    Op(&'static str),
    Comma,
}

/// Parses a whole rule book.
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, Invalid> {
    let mut rules = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        rules.push(parse_rule(line, index + 1)?);
        if rules.len() > MAX_RULES {
            return Err(Invalid::new("rules", format!("line {}: at most {MAX_RULES} rules", index + 1)));
        }
    }
    Ok(rules)
}

fn error(line: usize, column: usize, message: impl std::fmt::Display) -> Invalid {
    Invalid::new("rules", format!("line {line}, column {column}: {message}"))
}

fn tokenize(source: &str, line: usize) -> Result<Vec<(usize, Token)>, Invalid> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == ',' {
            out.push((column, Token::Comma));
            i += 1;
        } else if c == '"' || c == '«' || c == '“' {
            let close = match c {
                '«' => '»',
                '“' => '”',
                _ => '"',
            };
            let start = i + 1;
            let end = chars[start..]
                .iter()
                .position(|&x| x == close)
                .ok_or_else(|| error(line, column, "this quote is never closed"))?;
            let value: String = chars[start..start + end].iter().collect();
            out.push((column, Token::Quoted(value.trim().to_owned())));
            i = start + end + 1;
        } else if matches!(c, '=' | '!' | '>' | '<') {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "!=" => "!=",
                ">=" => ">=",
                "<=" => "<=",
                _ => match c {
                    '=' => "=",
                    '>' => ">",
                    '<' => "<",
                    _ => return Err(error(line, column, "'!' must be followed by '='")),
                },
            };
            i += op.len();
            out.push((column, Token::Op(op)));
        } else if c.is_ascii_digit() {
            let mut digits = String::new();
            while i < chars.len() {
                let x = chars[i];
                let separator = matches!(x, ',' | '_' | '.' | ' ' | '\u{a0}' | '\u{202f}')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                    && !digits.is_empty();
                if x.is_ascii_digit() {
                    digits.push(x);
                } else if !separator {
                    break;
                }
                i += 1;
            }
            let value = digits.parse().map_err(|_| error(line, column, "this number is too large"))?;
            out.push((column, Token::Number(value)));
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], ',' | '=' | '!' | '>' | '<' | '"')
            {
                i += 1;
            }
            out.push((column, Token::Word(chars[start..i].iter().collect())));
        }
    }
    Ok(out)
}

struct Cursor<'a> {
    tokens: &'a [(usize, Token)],
    at: usize,
    line: usize,
    end_column: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }
    fn column(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end_column, |(c, _)| *c)
    }
    fn next(&mut self) -> Option<(usize, Token)> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }
    fn fail(&self, message: impl std::fmt::Display) -> Invalid {
        error(self.line, self.column(), message)
    }
    fn word(&mut self, what: &str) -> Result<(usize, String), Invalid> {
        match self.next() {
            Some((c, Token::Word(w))) => Ok((c, w)),
            Some((c, Token::Quoted(w))) => Ok((c, w)),
            Some((c, _)) => Err(error(self.line, c, format!("expected {what}"))),
            None => Err(error(self.line, self.end_column, format!("expected {what} at the end of the rule"))),
        }
    }
    fn is_word(&self, names: &[&str]) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if names.contains(&fold(w).as_str()))
    }
}

fn parse_rule(source: &str, line: usize) -> Result<Rule, Invalid> {
    let tokens = tokenize(source, line)?;
    let mut cur = Cursor { tokens: &tokens, at: 0, line, end_column: source.chars().count() + 1 };
    if !cur.is_word(&["when", "quand", "si", "if"]) {
        return Err(cur.fail("a rule starts with 'when' (or 'quand')"));
    }
    cur.next();
    let mut conditions = vec![parse_condition(&mut cur)?];
    while cur.is_word(&["and", "et"]) {
        cur.next();
        conditions.push(parse_condition(&mut cur)?);
    }
    if !cur.is_word(&["then", "alors"]) {
        return Err(cur.fail("expected 'and' or 'then' (or 'et', 'alors')"));
    }
    cur.next();
    let mut actions = vec![parse_action(&mut cur)?];
    while matches!(cur.peek(), Some(Token::Comma)) {
        cur.next();
        actions.push(parse_action(&mut cur)?);
    }
    if cur.peek().is_some() {
        return Err(cur.fail("expected ',' between actions, or the end of the rule"));
    }
    Ok(Rule { line, conditions, actions })
}

fn equality(cur: &mut Cursor<'_>) -> Result<bool, Invalid> {
    match cur.next() {
        Some((_, Token::Op("="))) => Ok(true),
        Some((_, Token::Op("!="))) => Ok(false),
        Some((c, _)) => Err(error(cur.line, c, "expected '=' or '!='")),
        None => Err(error(cur.line, cur.end_column, "expected '=' or '!=' at the end of the rule")),
    }
}

fn parse_condition(cur: &mut Cursor<'_>) -> Result<Condition, Invalid> {
    let (column, field) = cur.word("a field (intent, sentiment, text, followers, network, kind, language)")?;
    let line = cur.line;
    match fold(&field).as_str() {
        "intent" | "intention" => {
            let equal = equality(cur)?;
            let (c, v) = cur.word("an intent")?;
            let value = parse_intent(&v).ok_or_else(|| {
                error(line, c, format!("unknown intent '{v}' (question, complaint, praise, spam, other)"))
            })?;
            Ok(Condition::Intent { equal, value })
        }
        "sentiment" => {
            let equal = equality(cur)?;
            let (c, v) = cur.word("a sentiment")?;
            let value = parse_sentiment(&v)
                .ok_or_else(|| error(line, c, format!("unknown sentiment '{v}' (positive, negative, neutral)")))?;
            Ok(Condition::Sentiment { equal, value })
        }
        "text" | "texte" | "message" => {
            if !cur.is_word(&["contains", "contient"]) {
                return Err(cur.fail("expected 'contains' (or 'contient')"));
            }
            cur.next();
            match cur.next() {
                Some((_, Token::Quoted(q) | Token::Word(q))) if !q.is_empty() => Ok(Condition::TextContains(fold(&q))),
                Some((c, _)) => Err(error(line, c, "expected the words to look for, in quotes")),
                None => Err(error(line, cur.end_column, "expected the words to look for, in quotes")),
            }
        }
        "followers" | "abonnes" | "abonne" => {
            let op = match cur.next() {
                Some((_, Token::Op(">"))) => Comparison::Greater,
                Some((_, Token::Op(">="))) => Comparison::GreaterOrEqual,
                Some((_, Token::Op("<"))) => Comparison::Less,
                Some((_, Token::Op("<="))) => Comparison::LessOrEqual,
                Some((_, Token::Op("="))) => Comparison::Equal,
                Some((c, _)) => return Err(error(line, c, "expected '>', '>=', '<', '<=' or '='")),
                None => return Err(error(line, cur.end_column, "expected '>', '<' or '=' at the end of the rule")),
            };
            match cur.next() {
                Some((_, Token::Number(value))) => Ok(Condition::Followers { op, value }),
                Some((c, _)) => Err(error(line, c, "expected a number of followers")),
                None => Err(error(line, cur.end_column, "expected a number of followers")),
            }
        }
        "network" | "reseau" => {
            equality_only(cur)?;
            let (_, v) = cur.word("a network")?;
            Ok(Condition::Network(v.to_lowercase()))
        }
        "kind" | "type" => {
            equality_only(cur)?;
            let (c, v) = cur.word("a kind")?;
            let kind = ItemKind::parse(&fold(&v)).ok_or_else(|| {
                error(line, c, format!("unknown kind '{v}' (reply, mention, quote, message, listening)"))
            })?;
            Ok(Condition::Kind(kind))
        }
        "language" | "langue" | "lang" => {
            equality_only(cur)?;
            let (_, v) = cur.word("a language code")?;
            Ok(Condition::Language(v.to_lowercase()))
        }
        _ => Err(error(
            line,
            column,
            format!("unknown field '{field}' (intent, sentiment, text, followers, network, kind, language)"),
        )),
    }
}

fn equality_only(cur: &mut Cursor<'_>) -> Result<(), Invalid> {
    match cur.next() {
        Some((_, Token::Op("="))) => Ok(()),
        Some((c, _)) => Err(error(cur.line, c, "expected '='")),
        None => Err(error(cur.line, cur.end_column, "expected '=' at the end of the rule")),
    }
}

fn parse_intent(value: &str) -> Option<Intent> {
    match fold(value).as_str() {
        "question" => Some(Intent::Question),
        "complaint" | "plainte" | "reclamation" => Some(Intent::Complaint),
        "praise" | "eloge" | "compliment" => Some(Intent::Praise),
        "spam" => Some(Intent::Spam),
        "other" | "autre" => Some(Intent::Other),
        _ => None,
    }
}

fn parse_sentiment(value: &str) -> Option<Sentiment> {
    match fold(value).as_str() {
        "positive" | "positif" => Some(Sentiment::Positive),
        "negative" | "negatif" => Some(Sentiment::Negative),
        "neutral" | "neutre" => Some(Sentiment::Neutral),
        _ => None,
    }
}

fn parse_action(cur: &mut Cursor<'_>) -> Result<RuleAction, Invalid> {
    let (column, word) = cur.word("an action (done, waiting, hide, urgent, assign EMAIL, label NAME)")?;
    let line = cur.line;
    match fold(&word).as_str() {
        "done" | "termine" | "fait" | "clos" => Ok(RuleAction::State(ItemState::Done)),
        "waiting" | "attente" => Ok(RuleAction::State(ItemState::Waiting)),
        "hide" | "hidden" | "masquer" | "cacher" => Ok(RuleAction::Hide),
        "urgent" => Ok(RuleAction::Urgent),
        "assign" | "assigner" | "attribuer" => {
            let (c, email) = cur.word("the teammate's e-mail address")?;
            if !email.contains('@') || email.starts_with('@') {
                return Err(error(line, c, format!("'{email}' is not an e-mail address")));
            }
            Ok(RuleAction::Assign(email.to_lowercase()))
        }
        "label" | "etiquette" | "etiqueter" => {
            let (c, label) = cur.word("a label")?;
            let label = super::parse_label(&label).map_err(|e| error(line, c, e.reason))?;
            Ok(RuleAction::Label(label))
        }
        _ => Err(error(
            line,
            column,
            format!("unknown action '{word}' (done, waiting, hide, urgent, assign EMAIL, label NAME)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(text: &str) -> Subject<'_> {
        Subject {
            intent: Some(Intent::Other),
            sentiment: Some(Sentiment::Neutral),
            text,
            followers: Some(50),
            network: "mastodon",
            kind: ItemKind::Reply,
            language: Some("fr"),
        }
    }

    #[test]
    fn the_three_rules_of_the_issue_parse_and_apply() {
        let rules = parse_rules(
            "# règles de la pizzeria\n\
             when intent = spam then done, hide\n\
             quand texte contient \"remboursement\" alors assigner Marie@Agence.fr\n\
             when sentiment = negative and followers > 10,000 then urgent\n",
        )
        .unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0].line, 2);

        let mut spam = subject("gagnez un iPhone");
        spam.intent = Some(Intent::Spam);
        let effects = apply(&rules, &spam);
        assert_eq!(effects.state, Some(ItemState::Done));
        assert!(effects.hidden && !effects.urgent);
        assert_eq!(effects.matched, vec![2]);

        let refund = apply(&rules, &subject("Je veux un REMBOURSÉMENT svp"));
        assert_eq!(refund.assign.as_deref(), Some("marie@agence.fr"));
        assert_eq!(refund.state, None);

        let mut angry = subject("service nul");
        angry.sentiment = Some(Sentiment::Negative);
        angry.followers = Some(10_001);
        assert!(apply(&rules, &angry).urgent);
        angry.followers = Some(10_000);
        assert!(!apply(&rules, &angry).urgent, "> is strict");
        angry.followers = None;
        assert!(!apply(&rules, &angry).urgent, "unknown reach never passes a threshold");
    }

    #[test]
    fn first_rule_setting_a_single_value_wins_and_labels_add_up() {
        let rules = parse_rules(
            "when network = mastodon then assign a@x.fr, label vip\n\
             when kind = reply then assign b@x.fr, label \"Service client\", waiting\n\
             when language != fr then done",
        );
        assert!(rules.is_err(), "language takes only '='");
        let rules = parse_rules(
            "when network = mastodon then assign a@x.fr, label vip\n\
             when kind = reply then assign b@x.fr, label \"Service client\", waiting",
        )
        .unwrap();
        let effects = apply(&rules, &subject("bonjour"));
        assert_eq!(effects.assign.as_deref(), Some("a@x.fr"));
        assert_eq!(effects.labels, vec!["vip".to_owned(), "service client".to_owned()]);
        assert_eq!(effects.state, Some(ItemState::Waiting));
    }

    #[test]
    fn errors_name_the_line_the_column_and_what_was_expected() {
        let cases = [
            ("when intnet = spam then done", "line 1, column 6: unknown field 'intnet'"),
            ("when intent = spma then done", "line 1, column 15: unknown intent 'spma'"),
            ("when intent = spam done", "line 1, column 20: expected 'and' or 'then'"),
            ("when intent = spam then explode", "line 1, column 25: unknown action 'explode'"),
            ("when text contains \"rembours then done", "line 1, column 20: this quote is never closed"),
            ("when followers > beaucoup then urgent", "line 1, column 18: expected a number"),
            ("when intent = spam then assign marie", "line 1, column 32: 'marie' is not an e-mail"),
            ("intent = spam then done", "line 1, column 1: a rule starts with 'when'"),
            ("when intent = spam then", "line 1, column 24: expected an action"),
            ("when intent = spam then done hide", "line 1, column 30: expected ','"),
        ];
        for (source, expected) in cases {
            let message = parse_rules(source).unwrap_err().to_string();
            assert!(message.contains(expected), "{source}\n  got: {message}\n  want: {expected}");
        }
        let second = parse_rules("when intent = spam then done\nwhen foo = 1 then done").unwrap_err();
        assert!(second.to_string().contains("line 2, column 6"), "{second}");
    }

    #[test]
    fn numbers_read_with_thousands_separators() {
        for text in ["followers > 10000", "followers > 10,000", "followers > 10 000", "abonnés > 10.000"] {
            let rules = parse_rules(&format!("when {text} then urgent")).unwrap();
            assert_eq!(
                rules[0].conditions,
                vec![Condition::Followers { op: Comparison::Greater, value: 10_000 }],
                "{text}"
            );
        }
    }
}
