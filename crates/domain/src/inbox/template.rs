//! Saved replies with variables: `Bonjour {prénom}, merci pour votre message !` filled in for the person
//! answered. Known variables: `{prénom}` / `{prenom}` / `{first_name}`, `{nom}` / `{name}` (the display name),
//! `{handle}` (with its `@`), `{client}` (the client's name), `{signature}` (the charter's signature). An unknown
//! variable or an unclosed brace is an error naming it and its position.

use crate::Invalid;

/// What the variables stand for.
#[derive(Debug, Clone, Default)]
pub struct Values<'a> {
    pub first_name: &'a str,
    pub name: &'a str,
    pub handle: &'a str,
    pub client: &'a str,
    pub signature: &'a str,
}

/// Checks a template without filling it: the same errors as [`render`].
pub fn check(template: &str) -> Result<(), Invalid> {
    render(template, &Values::default()).map(|_| ())
}

/// Fills a template.
pub fn render(template: &str, values: &Values<'_>) -> Result<String, Invalid> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let column = template[..offset + open].chars().count() + 1;
        let close = after.find('}').ok_or_else(|| {
            Invalid::new("body", format!("column {column}: '{{' is never closed (variables look like {{prénom}})"))
        })?;
        let name = &after[..close];
        let value = match name.trim().to_lowercase().as_str() {
            "prénom" | "prenom" | "first_name" | "firstname" => values.first_name.to_owned(),
            "nom" | "name" => values.name.to_owned(),
            "handle" | "pseudo" => {
                if values.handle.is_empty() || values.handle.starts_with('@') {
                    values.handle.to_owned()
                } else {
                    format!("@{}", values.handle)
                }
            }
            "client" | "marque" | "brand" => values.client.to_owned(),
            "signature" => values.signature.to_owned(),
            _ => {
                return Err(Invalid::new(
                    "body",
                    format!("column {column}: unknown variable '{{{name}}}' (prénom, nom, handle, client, signature)"),
                ))
            }
        };
        out.push_str(&value);
        offset += open + 1 + close + 1;
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_the_variables_in_french_and_english() {
        let values = Values {
            first_name: "Camille",
            name: "Camille Durand",
            handle: "camille.bsky.social",
            client: "Pizzeria Da Marco",
            signature: "— Marco",
        };
        assert_eq!(
            render("Bonjour {prénom} ({handle}), merci ! {signature}", &values).unwrap(),
            "Bonjour Camille (@camille.bsky.social), merci ! — Marco"
        );
        assert_eq!(render("Hi {First_Name}, {client} here.", &values).unwrap(), "Hi Camille, Pizzeria Da Marco here.");
        assert_eq!(render("no variables", &values).unwrap(), "no variables");
    }

    #[test]
    fn unknown_variables_and_open_braces_are_named_with_their_column() {
        let e = check("Bonjour {prenon} !").unwrap_err().to_string();
        assert!(e.contains("column 9: unknown variable '{prenon}'"), "{e}");
        let e = check("Été {prénom").unwrap_err().to_string();
        assert!(e.contains("column 5: '{' is never closed"), "{e}");
    }
}
