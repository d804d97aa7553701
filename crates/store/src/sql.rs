//! A small builder for dynamic SQL with numbered parameters (`$1`, `$2`, …), which
//! both SQLite and PostgreSQL accept, so one query text serves both backends.

use chrono::NaiveDate;

/// A value bound to a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I64(i64),
    OptI64(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    Bool(bool),
}

#[derive(Debug, Default, Clone)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// The text for a backend. SQLite looks up a named parameter (`$7`) by walking
    /// a list, which makes statements with thousands of parameters quadratic; our
    /// placeholders always appear once each and in order, so for SQLite they become
    /// plain positional `?`.
    pub fn text_for(&self, positional: bool) -> String {
        if !positional {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len());
        let mut chars = self.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
                while chars.peek().is_some_and(|n| n.is_ascii_digit()) {
                    chars.next();
                }
                out.push('?');
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Appends the placeholders of `ids`, comma-separated: the inside of an
    /// `IN (…)` list.
    pub fn push_ids(&mut self, ids: &[i64]) -> &mut Sql {
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            let p = self.arg(Arg::I64(*id));
            self.text.push_str(&p);
        }
        self
    }

    /// Appends text in which each `?` is replaced by the placeholder of the next
    /// argument given.
    pub fn push_args(&mut self, text: &str, args: impl IntoIterator<Item = Arg>) -> &mut Sql {
        let mut args = args.into_iter();
        for piece in text.split_inclusive('?') {
            if let Some(before) = piece.strip_suffix('?') {
                self.text.push_str(before);
                let a = args
                    .next()
                    .expect("as many arguments as `?` in the SQL text");
                let p = self.arg(a);
                self.text.push_str(&p);
            } else {
                self.text.push_str(piece);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut sql = Sql::new("SELECT * FROM t WHERE 1=1");
        sql.push_args(" AND a = ? AND b = ?", [Arg::I64(1), Arg::Text("x".into())]);
        sql.push_args(" AND c < ?", [Arg::Bool(true)]);
        assert_eq!(
            sql.text,
            "SELECT * FROM t WHERE 1=1 AND a = $1 AND b = $2 AND c < $3"
        );
        assert_eq!(sql.args.len(), 3);
        assert_eq!(
            sql.text_for(true),
            "SELECT * FROM t WHERE 1=1 AND a = ? AND b = ? AND c < ?"
        );
        assert_eq!(sql.text_for(false), sql.text);
    }

    #[test]
    fn id_lists_continue_the_numbering() {
        let mut sql = Sql::new("SELECT * FROM t WHERE a = $1 AND id IN (");
        sql.args.push(Arg::I64(7));
        sql.push_ids(&[10, 20, 30]).push(")");
        assert_eq!(
            sql.text,
            "SELECT * FROM t WHERE a = $1 AND id IN ($2,$3,$4)"
        );
        assert_eq!(sql.args[1..], [Arg::I64(10), Arg::I64(20), Arg::I64(30)]);
    }
}
