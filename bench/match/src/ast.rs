//! The structured form of a generated query: printed in Fil Rouge's query syntax for our matcher, and written as
//! JSON for the Java driver, which builds the equivalent Lucene query from it (so both run the same logical query).
//!
//! Terms in the structured form are already analysed (lower case, accents folded, one token each); the `text`
//! fields keep what a person would type, accents and capitals included, for the printed syntax.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Node {
    /// One word in the title or the text.
    Term {
        text: String,
        value: String,
    },
    /// `#tag`: found as the word `tag` (as `#miam` is found by `miam`).
    Tag {
        value: String,
    },
    /// `"an exact phrase"`.
    Phrase {
        text: String,
        terms: Vec<String>,
    },
    /// `préfix*`: any word starting with the prefix (3 characters at least).
    Prefix {
        text: String,
        value: String,
    },
    /// `lang:fr`, `site:lemonde.fr` (and its subdomains), `source:bluesky`.
    Field {
        field: String,
        value: String,
    },
    And {
        args: Vec<Node>,
    },
    Or {
        args: Vec<Node>,
    },
    /// `NOT x` or `-x` (only inside an `and` that has a positive part).
    Not {
        arg: Box<Node>,
        dash: bool,
    },
    /// `a NEAR/n b`: at most n words between them, either order; `NEAR/nf`: `a` first.
    Near {
        n: u32,
        ordered: bool,
        left: Box<Node>,
        right: Box<Node>,
    },
}

impl Node {
    /// The query in Fil Rouge's syntax.
    pub fn to_syntax(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn is_atom(&self) -> bool {
        matches!(
            self,
            Node::Term { .. } | Node::Tag { .. } | Node::Phrase { .. } | Node::Prefix { .. } | Node::Field { .. }
        )
    }

    fn write_operand(&self, out: &mut String) {
        if self.is_atom() {
            self.write(out);
        } else {
            out.push('(');
            self.write(out);
            out.push(')');
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Node::Term { text, .. } => out.push_str(text),
            Node::Tag { value } => {
                out.push('#');
                out.push_str(value);
            }
            Node::Phrase { text, .. } => {
                out.push('"');
                out.push_str(text);
                out.push('"');
            }
            Node::Prefix { text, .. } => {
                out.push_str(text);
                out.push('*');
            }
            Node::Field { field, value } => {
                out.push_str(field);
                out.push(':');
                out.push_str(value);
            }
            Node::Or { args } => {
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" OR ");
                    }
                    a.write_operand(out);
                }
            }
            Node::And { args } => {
                let mut first = true;
                for a in args {
                    match a {
                        Node::Not { arg, dash: true } if !first => {
                            out.push_str(" -");
                            arg.write_operand(out);
                        }
                        Node::Not { .. } if !first => {
                            out.push(' ');
                            a.write(out);
                        }
                        _ => {
                            if !first {
                                out.push_str(" AND ");
                            }
                            a.write_operand(out);
                        }
                    }
                    first = false;
                }
            }
            Node::Not { arg, .. } => {
                out.push_str("NOT ");
                arg.write_operand(out);
            }
            Node::Near { n, ordered, left, right } => {
                left.write_operand(out);
                out.push_str(&format!(" NEAR/{n}{} ", if *ordered { "f" } else { "" }));
                right.write_operand(out);
            }
        }
    }
}

/// Lower case, accents and ligatures folded (the accents of French and the common Latin-1 letters).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        for l in c.to_lowercase() {
            match l {
                'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
                'ç' => out.push('c'),
                'è' | 'é' | 'ê' | 'ë' => out.push('e'),
                'ì' | 'í' | 'î' | 'ï' => out.push('i'),
                'ñ' => out.push('n'),
                'ò' | 'ó' | 'ô' | 'ö' | 'õ' => out.push('o'),
                'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
                'ÿ' | 'ý' => out.push('y'),
                'œ' => out.push_str("oe"),
                'æ' => out.push_str("ae"),
                other => out.push(other),
            }
        }
    }
    out
}

/// The words of a text as both engines' analysers see them: folded, split on anything but letters and digits.
pub fn tokens(s: &str) -> Vec<String> {
    fold(s).split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

pub fn term(text: &str) -> Node {
    Node::Term { text: text.to_owned(), value: fold(text) }
}

/// A phrase, or a plain term when the text is one word.
pub fn phrase(text: &str) -> Node {
    let terms = tokens(text);
    if terms.len() == 1 {
        return term(text);
    }
    Node::Phrase { text: text.to_owned(), terms }
}

pub fn prefix(text: &str) -> Node {
    Node::Prefix { text: text.to_owned(), value: fold(text) }
}

pub fn tag(value: &str) -> Node {
    Node::Tag { value: fold(value) }
}

pub fn field(field: &str, value: &str) -> Node {
    Node::Field { field: field.to_owned(), value: value.to_owned() }
}

pub fn or(args: Vec<Node>) -> Node {
    if args.len() == 1 {
        return args.into_iter().next().unwrap_or(Node::Or { args: Vec::new() });
    }
    Node::Or { args }
}

pub fn and(args: Vec<Node>) -> Node {
    Node::And { args }
}

pub fn not(arg: Node, dash: bool) -> Node {
    Node::Not { arg: Box::new(arg), dash }
}

pub fn near(n: u32, ordered: bool, left: Node, right: Node) -> Node {
    Node::Near { n, ordered, left: Box::new(left), right: Box::new(right) }
}
