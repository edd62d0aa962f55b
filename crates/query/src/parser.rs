//! The query grammar: `OR` < `AND` (or adjacency) < `NOT`/`-` < `NEAR/n`, parentheses, field filters, and
//! the checks that make a query acceptable (limits, a positive term, sensible `NEAR` sides).

use crate::ast::{Node, Scope, TextLeaf};
use crate::error::QueryError;
use crate::leaves::{self, Budget, Field};
use crate::lexer::{lex, Lex, Lexeme};
use crate::limits::{MAX_DEPTH, MAX_NEAR, MAX_QUERY_CHARS};

/// Parses a whole query into its tree.
pub(crate) fn parse_tree(input: &str) -> Result<Node, QueryError> {
    let chars = input.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryError::new(
            format!("query too long ({MAX_QUERY_CHARS} characters at most)"),
            MAX_QUERY_CHARS + 1,
        ));
    }
    let lexemes = lex(input)?;
    if lexemes.is_empty() {
        return Err(QueryError::new("empty query", 1));
    }
    let mut parser = Parser { lexemes, pos: 0, budget: Budget::default(), end: chars + 1 };
    let top = parser.or(0, Ctx::Body)?;
    if let Some(l) = parser.peek() {
        return Err(QueryError::new("unmatched closing parenthesis", l.col));
    }
    if !top.positive {
        return Err(QueryError::new("nothing to look for: NOT and - only exclude, add a term to search", top.neg_col));
    }
    Ok(top.node)
}

/// What the leaves of the part being parsed are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Body,
    Title,
    Field(Field),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kw {
    And,
    Or,
    Not,
    Near,
}

/// A parsed part, and whether it looks for something (not only exclusions); if not, where the exclusion is.
struct Parsed {
    node: Node,
    positive: bool,
    neg_col: usize,
}

impl Parsed {
    fn positive(node: Node) -> Parsed {
        Parsed { node, positive: true, neg_col: 0 }
    }
}

struct Parser {
    lexemes: Vec<Lexeme>,
    pos: usize,
    budget: Budget,
    /// Column just after the query.
    end: usize,
}

fn keyword(l: &Lexeme) -> Option<Kw> {
    match &l.lex {
        Lex::Word(w) => match w.as_str() {
            "AND" => Some(Kw::And),
            "OR" => Some(Kw::Or),
            "NOT" => Some(Kw::Not),
            _ if w == "NEAR" || w.starts_with("NEAR/") => Some(Kw::Near),
            _ => None,
        },
        _ => None,
    }
}

fn depth_error(col: usize) -> QueryError {
    QueryError::new(format!("too deeply nested ({MAX_DEPTH} levels at most)"), col)
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.pos)
    }

    fn peek_kw(&self) -> Option<Kw> {
        self.peek().and_then(keyword)
    }

    fn next(&mut self) -> Option<Lexeme> {
        let l = self.lexemes.get(self.pos).cloned();
        self.pos += 1;
        l
    }

    fn col(&self) -> usize {
        self.peek().map_or(self.end, |l| l.col)
    }

    /// Nothing that can start an operand comes next.
    fn at_operand_end(&self) -> bool {
        match self.peek() {
            None => true,
            Some(l) => l.lex == Lex::Close || matches!(keyword(l), Some(Kw::And | Kw::Or | Kw::Near)),
        }
    }

    fn or(&mut self, depth: usize, ctx: Ctx) -> Result<Parsed, QueryError> {
        let mut items = vec![self.and(depth, ctx)?];
        while self.peek_kw() == Some(Kw::Or) {
            let col = self.col();
            self.pos += 1;
            if self.at_operand_end() {
                return Err(QueryError::new("OR needs a term on its right", col));
            }
            items.push(self.and(depth, ctx)?);
        }
        Ok(combine(items, false))
    }

    fn and(&mut self, depth: usize, ctx: Ctx) -> Result<Parsed, QueryError> {
        let mut items = vec![self.unary(depth, ctx)?];
        loop {
            match self.peek() {
                None => break,
                Some(l) if l.lex == Lex::Close => break,
                Some(l) => match keyword(l) {
                    Some(Kw::Or) => break,
                    Some(Kw::And) => {
                        let col = l.col;
                        self.pos += 1;
                        if self.at_operand_end() {
                            return Err(QueryError::new("AND needs a term on its right", col));
                        }
                    }
                    _ => {}
                },
            }
            items.push(self.unary(depth, ctx)?);
        }
        Ok(combine(items, true))
    }

    fn unary(&mut self, depth: usize, ctx: Ctx) -> Result<Parsed, QueryError> {
        let col = self.col();
        let Some(l) = self.peek() else {
            return Err(QueryError::new("a term is missing", col));
        };
        match keyword(l) {
            Some(Kw::Not) => {
                self.pos += 1;
                if self.at_operand_end() {
                    return Err(QueryError::new("NOT needs a term to exclude", col));
                }
                if depth >= MAX_DEPTH {
                    return Err(depth_error(col));
                }
                let inner = self.unary(depth + 1, ctx)?;
                return Ok(Parsed { node: Node::Not(Box::new(inner.node)), positive: false, neg_col: col });
            }
            Some(kw @ (Kw::And | Kw::Or)) => {
                let name = if kw == Kw::And { "AND" } else { "OR" };
                return Err(QueryError::new(format!("{name} needs a term on its left"), col));
            }
            Some(Kw::Near) => return Err(QueryError::new("NEAR needs a term on its left", col)),
            None => {}
        }
        if let Lex::Word(w) = &l.lex {
            if let Some(rest) = w.strip_prefix('-') {
                let (rest, end) = (rest.to_string(), l.end);
                if depth >= MAX_DEPTH {
                    return Err(depth_error(col));
                }
                self.pos += 1;
                let inner = if rest.is_empty() {
                    let adjacent = self.peek().is_some_and(|n| n.col == end && n.lex != Lex::Close);
                    if !adjacent {
                        return Err(QueryError::new("- must be followed by a term to exclude, without a space", col));
                    }
                    self.primary(depth + 1, ctx)?
                } else {
                    self.word(&rest, col + 1, end, depth + 1, ctx)?
                };
                return Ok(Parsed { node: Node::Not(Box::new(inner.node)), positive: false, neg_col: col });
            }
        }
        self.near(depth, ctx)
    }

    fn near(&mut self, depth: usize, ctx: Ctx) -> Result<Parsed, QueryError> {
        let mut left_col = self.col();
        let mut left = self.primary(depth, ctx)?;
        while self.peek_kw() == Some(Kw::Near) {
            let col = self.col();
            let (dist, ordered) = match self.peek().map(|l| &l.lex) {
                Some(Lex::Word(w)) => near_distance(w, col)?,
                _ => return Err(QueryError::new("NEAR needs a distance, like NEAR/5", col)),
            };
            self.pos += 1;
            if self.at_operand_end() {
                return Err(QueryError::new("NEAR needs a term on its right", col));
            }
            let right_col = self.col();
            let right = self.primary(depth, ctx)?;
            check_near_side(&left.node, left_col)?;
            check_near_side(&right.node, right_col)?;
            left =
                Parsed::positive(Node::Near { left: Box::new(left.node), right: Box::new(right.node), dist, ordered });
            left_col = col;
        }
        Ok(left)
    }

    fn primary(&mut self, depth: usize, ctx: Ctx) -> Result<Parsed, QueryError> {
        let col = self.col();
        let Some(l) = self.next() else {
            return Err(QueryError::new("a term is missing", col));
        };
        match l.lex {
            Lex::Open => self.group(col, depth, ctx),
            Lex::Close => Err(QueryError::new("unmatched closing parenthesis", col)),
            Lex::Phrase(p) => self.quoted(&p, col, ctx),
            Lex::Cased(c) => match ctx {
                Ctx::Body => Ok(text(leaves::cased(&c, col, Scope::Body, &mut self.budget)?)),
                Ctx::Title => Ok(text(leaves::cased(&c, col, Scope::Title, &mut self.budget)?)),
                Ctx::Field(f) => Err(QueryError::new(format!("{}: does not take {{…}}", f.name()), col)),
            },
            Lex::Word(w) => self.word(&w, col, l.end, depth, ctx),
        }
    }

    /// After an opening parenthesis at `col`: the group up to its closing parenthesis.
    fn group(&mut self, col: usize, depth: usize, ctx: Ctx) -> Result<Parsed, QueryError> {
        if depth >= MAX_DEPTH {
            return Err(depth_error(col));
        }
        if self.peek().is_some_and(|l| l.lex == Lex::Close) {
            return Err(QueryError::new("empty parentheses", col));
        }
        let inner = self.or(depth + 1, ctx)?;
        match self.next() {
            Some(l) if l.lex == Lex::Close => Ok(inner),
            _ => Err(QueryError::new("unclosed parenthesis", col)),
        }
    }

    /// A quoted phrase (or quoted field value).
    fn quoted(&mut self, p: &str, col: usize, ctx: Ctx) -> Result<Parsed, QueryError> {
        if p.trim().is_empty() {
            return Err(QueryError::new("empty phrase", col));
        }
        match ctx {
            Ctx::Body => Ok(text(leaves::text(p, col + 1, Scope::Body, &mut self.budget, "this phrase")?)),
            Ctx::Title => Ok(text(leaves::text(p, col + 1, Scope::Title, &mut self.budget, "this phrase")?)),
            Ctx::Field(f) => Ok(Parsed::positive(Node::Field(leaves::filter(f, p, col, &mut self.budget)?))),
        }
    }

    /// A bare word: a field filter, a hashtag, a mention, or words.
    fn word(&mut self, w: &str, col: usize, end: usize, depth: usize, ctx: Ctx) -> Result<Parsed, QueryError> {
        if let Some((name, value)) = w.split_once(':') {
            if let Some(field) = Field::from_name(name) {
                if ctx != Ctx::Body {
                    return Err(QueryError::new("a field filter cannot be inside another field's group", col));
                }
                let value_col = col + name.chars().count() + 1;
                return self.field(field, value, value_col, end, depth);
            }
        }
        match ctx {
            Ctx::Field(f) => Ok(Parsed::positive(Node::Field(leaves::filter(f, w, col, &mut self.budget)?))),
            Ctx::Body => self.text_word(w, col, Scope::Body),
            Ctx::Title => self.text_word(w, col, Scope::Title),
        }
    }

    fn text_word(&mut self, w: &str, col: usize, scope: Scope) -> Result<Parsed, QueryError> {
        let b = &mut self.budget;
        let leaf = if w.len() > 1 && w.starts_with('#') {
            leaves::hashtag(w, col, scope, b)?
        } else if w.len() > 1 && w.starts_with('@') {
            leaves::mention(w, col, scope, b)?
        } else {
            leaves::text(w, col, scope, b, &format!("\"{w}\""))?
        };
        Ok(text(leaf))
    }

    /// `field:value`, `field:"…"`, `field:(…)`; `value` is what follows the colon in the same word.
    fn field(&mut self, field: Field, value: &str, col: usize, end: usize, depth: usize) -> Result<Parsed, QueryError> {
        let inner = if field == Field::Title { Ctx::Title } else { Ctx::Field(field) };
        if !value.is_empty() {
            return match inner {
                Ctx::Field(f) => Ok(Parsed::positive(Node::Field(leaves::filter(f, value, col, &mut self.budget)?))),
                _ => self.text_word(value, col, Scope::Title),
            };
        }
        let adjacent = self.peek().filter(|l| l.col == end).map(|l| l.lex.clone());
        match adjacent {
            Some(Lex::Open) => {
                self.pos += 1;
                self.group(col, depth, inner)
            }
            Some(Lex::Phrase(_) | Lex::Cased(_)) => self.primary(depth, inner),
            _ => Err(QueryError::new(format!("{}: needs a value", field.name()), col)),
        }
    }
}

fn text(leaf: TextLeaf) -> Parsed {
    Parsed::positive(Node::Text(leaf))
}

/// `NEAR/n` or `NEAR/nf`.
fn near_distance(w: &str, col: usize) -> Result<(u32, bool), QueryError> {
    let Some(spec) = w.strip_prefix("NEAR/") else {
        return Err(QueryError::new("NEAR needs a distance, like NEAR/5", col));
    };
    let (digits, ordered) = match spec.strip_suffix('f') {
        Some(d) => (d, true),
        None => (spec, false),
    };
    let bad =
        || QueryError::new(format!("bad NEAR distance: use NEAR/n or NEAR/nf with n from 0 to {MAX_NEAR}"), col + 5);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match digits.parse::<u32>() {
        Ok(n) if n <= MAX_NEAR => Ok((n, ordered)),
        _ => Err(QueryError::new(format!("NEAR distance {digits} is above the limit of {MAX_NEAR}"), col + 5)),
    }
}

/// A side of `NEAR` must have positions: words, phrases, other `NEAR`s, or alternatives of those.
fn check_near_side(node: &Node, col: usize) -> Result<(), QueryError> {
    match node {
        Node::Text(_) | Node::Near { .. } => Ok(()),
        Node::Or(items) => items.iter().try_for_each(|n| check_near_side(n, col)),
        _ => Err(QueryError::new("NEAR sides must be words, phrases or groups of OR alternatives", col)),
    }
}

/// AND (`all`) or OR of parsed parts, flattened.
fn combine(items: Vec<Parsed>, all: bool) -> Parsed {
    if items.len() == 1 {
        if let Some(only) = items.into_iter().next() {
            return only;
        }
        return Parsed::positive(Node::And(Vec::new()));
    }
    let positive = if all { items.iter().any(|p| p.positive) } else { items.iter().all(|p| p.positive) };
    let neg_col = items.iter().find(|p| !p.positive).map_or(0, |p| p.neg_col);
    let mut nodes = Vec::with_capacity(items.len());
    for p in items {
        match (p.node, all) {
            (Node::And(inner), true) | (Node::Or(inner), false) => nodes.extend(inner),
            (node, _) => nodes.push(node),
        }
    }
    let node = if all { Node::And(nodes) } else { Node::Or(nodes) };
    Parsed { node, positive, neg_col }
}
